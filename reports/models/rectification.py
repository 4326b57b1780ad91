"""The history of a rectification item (整改事项): who changed what, when, with what evidence."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from reports.choices import RectificationEventKind
from reports.models.reports import RectificationItem


def evidence_path(instance: RectificationEvent, filename: str) -> str:
    return f"rectifications/{instance.item.organization_id}/{instance.item_id}/{uuid.uuid4().hex}"


class RectificationEvent(models.Model):
    """One change of an item: the school's update (fields, status, evidence) or the reviewer's
    核实 / 退回. Append-only; an item's events are its history, kept after it is verified."""

    item = models.ForeignKey(
        RectificationItem, verbose_name="整改事项", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("类型", max_length=16, choices=RectificationEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    from_status = models.CharField("原状态", max_length=16, blank=True, default="")
    to_status = models.CharField("新状态", max_length=16, blank=True, default="")
    changes = models.JSONField("修改内容", default=dict, blank=True)
    comment = models.TextField("说明", blank=True, default="")
    evidence = models.FileField("佐证材料", upload_to=evidence_path, max_length=255, blank=True)
    evidence_name = models.CharField("佐证文件名", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RectificationEventKind.values),
                name="rectification_event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()}"
