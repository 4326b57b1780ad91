"""Forms of the review actions: approve, return (with per-section comments), reopen."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _label(definition) -> str:
    return f"{definition.label}（{definition.unit}）" if definition.unit else definition.label


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="总体意见（必填）",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "退回时必须填写审核意见"},
    )

    def __init__(self, *args, sections: list[dict[str, str]], indicators=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # what the form is made of (the key of its blank rendering: ``form_html``)
        self.sections_key = tuple((s["key"], s["title"]) for s in sections)
        self.indicators_key = tuple((d.code, d.label, d.unit) for d in indicators)
        self.section_keys = []
        for section in sections:
            name = f"section_{section['key']}"
            self.section_keys.append((name, section["key"]))
            self.fields[name] = forms.CharField(
                label=f"对“{section['title']}”的意见（可选）",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

        if indicators:
            self.fields["indicators"] = forms.MultipleChoiceField(
                label="需要修改的指标（可选）",
                required=False,
                choices=[
                    (d.code, f"{d.label}（{d.unit}）" if d.unit else d.label) for d in indicators
                ],
                widget=forms.CheckboxSelectMultiple,
                help_text="写了分栏意见或勾选了指标时，学校只能修改这些栏目和指标，其余保持原样；"
                "只写总体意见则全部开放修改。",
            )

    def section_comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for name, key in self.section_keys}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="重新打开的原因（必填）",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "重新打开已通过的报告时必须填写原因"},
    )


# The review page offers these forms blank on almost every visit; crispy renders a blank
# form the same way each time, so it is rendered once per process (issue 17: ~5 ms of the
# page's CPU), per language and, for 退回, per campaign's sections and indicators. A form
# sent back with errors is rendered as it is.


def form_html(form: forms.Form) -> SafeString:
    """``{{ form|crispy }}``. An unbound form must be one its class makes without arguments
    (a ``ReturnForm``: from its sections and indicators alone)."""
    if form.is_bound:
        return mark_safe(as_crispy_form(form))  # noqa: S308 - crispy's own output
    language = get_language() or ""
    if isinstance(form, ReturnForm):
        return _blank_return_html(language, form.sections_key, form.indicators_key)
    return _blank_html(language, type(form))


@cache
def _blank_html(language: str, form_class: type[forms.Form]) -> SafeString:
    return mark_safe(as_crispy_form(form_class()))  # noqa: S308 - crispy's own output


@lru_cache(maxsize=256)
def _blank_return_html(language: str, sections: tuple, indicators: tuple) -> SafeString:
    form = ReturnForm(
        sections=[{"key": key, "title": title} for key, title in sections],
        indicators=[_Indicator(*d) for d in indicators],
    )
    return mark_safe(as_crispy_form(form))  # noqa: S308 - crispy's own output


class _Indicator(NamedTuple):
    code: str
    label: str
    unit: str
