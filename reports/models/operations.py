"""The audit log, notifications and reminders, export and import jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reports.choices import (
    AuditResult,
    ExportKind,
    ExportState,
    ImportState,
)
from reports.models.accounts import Organization
from reports.models.campaigns import Campaign
from reports.models.reports import Report


class AuditEvent(models.Model):
    """Append-only record of state changes, exports and security events (logins, passwords,
    roles, tokens, admin-site edits). On PostgreSQL a trigger (migration 0015) refuses
    UPDATE and DELETE, except pruning past the retention (``reports.audit.audit_prune``)
    and the ``SET NULL`` of a deleted account or unit (``actor_name`` keeps who it was).
    """

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作账号", max_length=150, blank=True, default="")
    action = models.CharField("操作", max_length=64, db_index=True)
    result = models.CharField(
        "结果", max_length=16, choices=AuditResult.choices, default=AuditResult.SUCCESS
    )
    target = models.CharField("对象", max_length=255, blank=True, default="")
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.JSONField("详情", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=AuditResult.values), name="auditevent_result_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class Notification(models.Model):
    """In-app notification (and the record of an e-mail sent for it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class ReminderSent(models.Model):
    """A deadline reminder already sent, so the same reminder is never sent twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE)
    kind = models.CharField(max_length=16)  # "3d" or "1d"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "kind"], name="one_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.organization_id}/{self.kind}"


class ExportJob(models.Model):
    """An export asked for by a user, built in the background, downloadable until it expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=ExportKind.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        "状态", max_length=16, choices=ExportState.choices, default=ExportState.PENDING
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=255)
    filename = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.campaign}"


class ImportJob(models.Model):
    """An org/account import too large for one request, run by a worker with progress.

    ``sheet`` holds the uploaded file (it may carry 初始密码 in clear) only until the job
    ends; ``result`` holds the counts, the row errors and the generated passwords, which
    are shown to the requester alone and dropped when they confirm they saved them.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=16, choices=ImportState.choices, default=ImportState.PENDING
    )
    filename = models.CharField(max_length=200, blank=True, default="")
    sheet = models.BinaryField(default=b"", editable=False)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="importjob_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"导入 {self.filename}"
