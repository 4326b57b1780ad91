"""The bureau's forms: the org/account import upload and the 填报任务 form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils import timezone

from reports.analysis.sections import classify_title
from reports.bureau.topics import (
    CHECKLIST_TOPICS,
    INDICATOR_GROUPS,
    topics_for_checklist_topic,
    topics_for_indicator_group,
)
from reports.choices import ChecklistTopic, IndicatorGroup, OrgKind, SchoolType, Topic
from reports.documents import DocumentError, check_attachment
from reports.models import Campaign, ChecklistItemDefinition, IndicatorDefinition

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
    """A bureau creates or edits a draft 填报任务. Sections are typed one title per line.

    Mistakes are refused with a sentence naming the consequence: a deadline already past would
    make every target school 逾期未交 the moment the task is published. The indicators and the
    checklist are rendered grouped (``indicator_groups``, ``checklist_groups``), each box
    carrying the topics it belongs to (``data-topics``) so that ``static/js/campaign_form.js``
    preselects the items of the topic chosen; a new form starts with the default topic's items.
    """

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
            "doc_number",
            "main_recipient",
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

    def __init__(self, *args, units=None, pending_name: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pending_name = pending_name
        self.fields["target_school_types"].choices = SchoolType.choices
        self.fields["topic"].widget.attrs["data-topic-select"] = ""
        if units is not None:
            self.fields["target_unit"].queryset = units.exclude(kind=OrgKind.SCHOOL)
        self.fields["target_unit"].help_text = "该单位下属的所有学校都要填报"
        if self.instance.pk:
            self.fields["section_titles"].initial = "\n".join(
                s["title"] for s in self.instance.sections
            )
        elif not self.is_bound:
            topic = self.initial.get("topic") or Topic.SHUANGJIAN
            indicators = IndicatorDefinition.objects.filter(group__in=INDICATOR_GROUPS[topic])
            checklist = ChecklistItemDefinition.objects.filter(topic__in=CHECKLIST_TOPICS[topic])
            self.initial["indicators"] = list(indicators.values_list("pk", flat=True))
            self.initial["checklist_items"] = list(checklist.values_list("pk", flat=True))
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _chosen(self, name: str) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist(name))
        if self.instance.pk:
            return {str(pk) for pk in getattr(self.instance, name).values_list("pk", flat=True)}
        return {str(getattr(v, "pk", v)) for v in self.initial.get(name, [])}

    def indicator_groups(self) -> list[dict]:
        chosen = self._chosen("indicators")
        groups = []
        for group, label in IndicatorGroup.choices:
            items = [
                {
                    "pk": d.pk,
                    "label": str(d),
                    "note": d.limit_note,
                    "checked": str(d.pk) in chosen,
                }
                for d in self.fields["indicators"].queryset
                if d.group == group
            ]
            topics = " ".join(topics_for_indicator_group(group))
            groups.append({"label": label, "topics": topics, "items": items})
        return [g for g in groups if g["items"]]

    def checklist_groups(self) -> list[dict]:
        chosen = self._chosen("checklist_items")
        groups = []
        for topic, label in ChecklistTopic.choices:
            items = [
                {"pk": d.pk, "label": d.text, "note": "", "checked": str(d.pk) in chosen}
                for d in self.fields["checklist_items"].queryset
                if d.topic == topic
            ]
            topics = " ".join(topics_for_checklist_topic(topic))
            groups.append({"label": label, "topics": topics, "items": items})
        return [g for g in groups if g["items"]]

    def clean_notice_file(self):
        """Same rules as report attachments: type by content, size limit, safe name."""
        upload = self.cleaned_data.get("notice_file")
        if not upload or not hasattr(upload, "size") or not hasattr(upload, "content_type"):
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

    def new_upload(self):
        """The notice file uploaded with this very request, if it passed its checks."""
        if "notice_file" in self.errors or not hasattr(self, "cleaned_data"):
            return None
        upload = self.cleaned_data.get("notice_file")
        return upload if hasattr(upload, "content_type") else None

    def clean(self):
        cleaned = super().clean()
        opens_at, deadline = cleaned.get("opens_at"), cleaned.get("deadline")
        if opens_at and deadline and deadline <= opens_at:
            self.add_error("deadline", "截止时间必须晚于开始时间")
        if deadline and deadline <= timezone.now():
            when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
            self.add_error(
                "deadline",
                f"截止时间 {when} 已经过去：任务一发布，所有应报学校都会立即成为“逾期未交”。"
                "请改为今后的时间",
            )
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
