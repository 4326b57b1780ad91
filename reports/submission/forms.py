"""The school's small forms beside the report form (which ``report_form`` parses by hand):
document import, attachment upload, a rectification item."""

from __future__ import annotations

from functools import cache

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from reports.choices import RectificationStatus


class DocumentImportForm(forms.Form):
    document = forms.FileField(
        label="已写好的报告文件", help_text="支持 Word（.docx）、PDF 或纯文本（.txt）"
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件", help_text="可选。PDF、Word、Excel、PPT 或图片")


class RectificationForm(forms.Form):
    item_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    problem = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.CharField(
        label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="责任人", required=False, max_length=60)
    due_date = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label="状态",
        choices=[c for c in RectificationStatus.choices if c[0] != RectificationStatus.VERIFIED],
    )


def empty_rectification_form_html() -> SafeString:
    """The blank 新增整改事项 form exactly as ``{{ form|crispy }}`` renders it. It is the
    same on every report page, so it is rendered once per process (and language)."""
    return _empty_rectification_form_html(get_language() or "")


@cache
def _empty_rectification_form_html(language: str) -> SafeString:
    return mark_safe(as_crispy_form(RectificationForm()))  # noqa: S308 - crispy's own output
