"""The bureau's forms: the org/account import upload and the 填报任务 form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils import timezone

from reports.analysis.sections import classify_title
from reports.choices import OrgKind, SchoolType
from reports.documents import DocumentError, check_attachment
from reports.models import Campaign

SHEET_MAX_BYTES = 10 * 1024 * 1024


class OrgImportForm(forms.Form):
    sheet = forms.FileField(
        label="表格文件",
        help_text="支持 .xlsx 或 .csv；列：单位代码、单位名称、单位类型、上级单位代码、学段、寄宿、"
        "账号、姓名、角色、初始密码、邮箱",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "导入"))

    def clean_sheet(self):
        sheet = self.cleaned_data["sheet"]
        if not sheet.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("只支持 .xlsx 或 .csv 格式的表格")
        if sheet.size > SHEET_MAX_BYTES:
            raise forms.ValidationError("表格文件不能超过 10 MB")
        return sheet


class CampaignForm(forms.ModelForm):
    """A bureau creates a 填报任务. Sections are typed one title per line."""

    section_titles = forms.CharField(
        label="报告栏目",
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="自查情况及成效\n存在的问题\n下一步整改措施",
        help_text="每行一个栏目标题，学校按栏目填写",
    )
    target_school_types = forms.MultipleChoiceField(
        label="限定学段",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选表示所有学段",
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "period",
            "topic",
            "notice",
            "notice_file",
            "target_unit",
            "target_school_types",
            "opens_at",
            "deadline",
            "indicators",
            "checklist_items",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "indicators": forms.CheckboxSelectMultiple,
            "checklist_items": forms.CheckboxSelectMultiple,
            "notice": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, units=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_school_types"].choices = SchoolType.choices
        if units is not None:
            self.fields["target_unit"].queryset = units.exclude(kind=OrgKind.SCHOOL)
        self.fields["target_unit"].help_text = "该单位下属的所有学校都要填报"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_notice_file(self):
        """Same rules as report attachments: type by content, size limit, safe name."""
        upload = self.cleaned_data.get("notice_file")
        if not upload or not hasattr(upload, "size"):
            return upload
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            size_mb, limit_mb = upload.size / 1024 / 1024, limit // 1024 // 1024
            raise forms.ValidationError(f"通知附件大小 {size_mb:.1f} MB 超过上限 {limit_mb} MB")
        data = upload.read()
        upload.seek(0)
        try:
            _, upload.name = check_attachment(data, upload.name, upload.size, limit)
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean(self):
        cleaned = super().clean()
        opens_at, deadline = cleaned.get("opens_at"), cleaned.get("deadline")
        if opens_at and deadline and deadline <= opens_at:
            self.add_error("deadline", "截止时间必须晚于开始时间")
        if deadline:
            hour = timezone.localtime(deadline).hour
            if not 8 <= hour < 20 and not (hour == 20 and timezone.localtime(deadline).minute == 0):
                self.add_error("deadline", "截止时间请设在工作时间（8:00—20:00），避免学校深夜赶报")
        return cleaned

    def sections(self) -> list[dict[str, str]]:
        keys = {"work_done": "achievements", "problems": "problems", "next_steps": "next_steps"}
        result, used = [], set()
        lines = [ln.strip() for ln in self.cleaned_data["section_titles"].splitlines()]
        for index, title in enumerate(line for line in lines if line):
            kind = classify_title(title)
            key = keys.get(kind, kind) if kind != "other" else f"s{index + 1}"
            if key in used:
                key = f"{key}_{index + 1}"
            used.add(key)
            result.append({"key": key, "title": title, "kind": kind, "guidance": ""})
        return result
