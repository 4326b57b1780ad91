"""A school's report, its immutable versions, attachments, rectification items and review acts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reports.choices import (
    RectificationStatus,
    ReportState,
    ReviewKind,
)
from reports.models.accounts import Organization
from reports.models.campaigns import Campaign


class Report(models.Model):
    """One school's report for one campaign: the working copy the school edits.

    ``revision`` grows at every saved edit and is the optimistic lock: a save that names an
    older revision is refused. ``version`` counts submissions (immutable ``ReportVersion``s).
    ``state`` is only ever changed by ``reports.workflow``.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    organization = models.ForeignKey(
        Organization, verbose_name="学校", on_delete=models.PROTECT, related_name="reports"
    )
    state = models.CharField(
        "状态", max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    sections = models.JSONField("栏目内容", default=dict, blank=True)
    indicator_values = models.JSONField("指标数值", default=dict, blank=True)
    checklist_answers = models.JSONField("自查清单", default=dict, blank=True)
    revision = models.PositiveIntegerField("修订号", default=0)
    version = models.PositiveIntegerField("提交次数", default=0)
    is_late = models.BooleanField("逾期", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "自查报告"
        verbose_name_plural = "自查报告"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="one_report_per_campaign_and_unit"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.campaign}"

    @property
    def editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)

    def full_text(self) -> str:
        """The sections joined under their titles, in the campaign's order."""
        return join_sections(self.campaign.sections, self.sections)


def join_sections(template: list[dict[str, str]], texts: dict[str, str]) -> str:
    numerals = "一二三四五六七八九十"
    parts = []
    for index, section in enumerate(template):
        body = (texts.get(section["key"]) or "").strip()
        prefix = numerals[index] if index < len(numerals) else str(index + 1)
        parts.append(f"{prefix}、{section['title']}\n{body}")
    return "\n\n".join(parts)


class ReportVersion(models.Model):
    """An immutable snapshot made at every submission. Reviews and analyses attach here."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    sections = models.JSONField(default=dict)
    indicator_values = models.JSONField(default=dict)
    checklist_answers = models.JSONField(default=dict)
    rectification = models.JSONField(default=list)
    text = models.TextField("全文")
    is_late = models.BooleanField("逾期", default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · 第{self.number}版"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("提交的版本不可修改")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    import uuid

    return f"attachments/{instance.report.campaign_id}/{instance.report_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An optional file attached to a report; served only through a permission-checked view."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class RectificationItem(models.Model):
    """A problem found and its fix (整改事项). Open items follow the school into later campaigns."""

    organization = models.ForeignKey(
        Organization, verbose_name="学校", on_delete=models.PROTECT, related_name="rectifications"
    )
    report = models.ForeignKey(
        Report,
        verbose_name="提出于",
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    problem = models.TextField("问题")
    measure = models.TextField("整改措施", blank=True, default="")
    owner = models.CharField("责任人", max_length=60, blank=True, default="")
    due_date = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    checklist_code = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["status", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RectificationStatus.values),
                name="rectification_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.problem[:40]

    @property
    def is_open(self) -> bool:
        return self.status in (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS)


class ReviewAction(models.Model):
    """A reviewer's act on one version: open, approve, return (with comments), reopen."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="review_actions")
    version = models.ForeignKey(
        ReportVersion, on_delete=models.CASCADE, related_name="review_actions"
    )
    kind = models.CharField("操作", max_length=16, choices=ReviewKind.choices)
    comment = models.TextField("意见", blank=True, default="")
    section_comments = models.JSONField("分栏意见", default=dict, blank=True)
    # A return that names sections (``section_comments``) or indicators reopens only those
    # (``reports.rules.return_scope``); an overall comment alone reopens everything.
    reopened_indicators = models.JSONField("退回修改的指标", default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()}"


class ApprovalBatch(models.Model):
    """A bulk approval with a sampled audit (批量通过): the reviewer picks flag-free reports and
    one comment; the portal draws a random sample that must be opened and approved one by
    one before the rest are approved together (``reports.approval_batches``)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField("审核意见", blank=True, default="")
    # {"<report id>": <version number when picked>}: a report resubmitted since is skipped.
    reports = models.JSONField("所选报告", default=dict)
    sample = models.JSONField("抽查报告", default=list)
    approved = models.JSONField("批量通过", default=list)
    skipped = models.JSONField("未通过（已变化）", default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "批量审核"
        verbose_name_plural = "批量审核"

    def __str__(self) -> str:
        return f"{self.campaign} · 批量通过 {len(self.reports)} 份"
