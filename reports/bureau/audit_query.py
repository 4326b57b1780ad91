"""The audit log's filters and its XLSX export (for the page in ``views/audit.py``).

Filters: action (shown by its Chinese name), a free search on the actor (username, name,
the username recorded on the row) or the unit (name or code), and a period (dates,
inclusive). The export writes the filtered rows, newest first, at most ``EXPORT_LIMIT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from openpyxl import Workbook

from reports.audit import action_label
from reports.choices import ReportState
from reports.models import AuditEvent

EXPORT_LIMIT = 100_000
STATE_LABELS = dict(ReportState.choices) | {"reopened": "重新打开"}
HEADERS = ["时间", "操作人", "操作", "结果", "对象", "所属单位", "变化 / 意见", "IP", "浏览器"]


@dataclass
class AuditFilters:
    action: str = ""
    q: str = ""
    since: date | None = None
    until: date | None = None
    raw: dict[str, str] | None = None


def parse_filters(params) -> AuditFilters:
    raw = {key: params.get(key, "").strip() for key in ("action", "q", "since", "until")}
    if not raw["q"]:  # the old parameter name, from bookmarks
        raw["q"] = params.get("actor", "").strip()
    return AuditFilters(
        action=raw["action"],
        q=raw["q"][:100],
        since=_day(raw["since"]),
        until=_day(raw["until"]),
        raw=raw,
    )


def _day(value: str) -> date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        return None


def apply_filters(events: QuerySet[AuditEvent], filters: AuditFilters) -> QuerySet[AuditEvent]:
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.q:
        q = filters.q
        events = events.filter(
            Q(actor_name__icontains=q)
            | Q(actor__username__icontains=q)
            | Q(actor__first_name__icontains=q)
            | Q(actor__last_name__icontains=q)
            | Q(organization__name__icontains=q)
            | Q(organization__code=q)
        )
    if filters.since:
        events = events.filter(created_at__date__gte=filters.since)
    if filters.until:
        events = events.filter(created_at__date__lte=filters.until)
    return events


def change_text(event: AuditEvent) -> str:
    """The row's change in words: "审核中 → 已通过 “同意”", a failed login's reason…"""
    detail = event.detail if isinstance(event.detail, dict) else {}
    parts = []
    if isinstance(detail.get("from"), str) and detail.get("to"):
        parts.append(
            f"{STATE_LABELS.get(detail['from'], detail['from'])} → "
            f"{STATE_LABELS.get(str(detail['to']), detail['to'])}"
        )
    if detail.get("comment"):
        parts.append(f"“{str(detail['comment'])[:60]}”")
    if detail.get("message"):
        parts.append(str(detail["message"])[:120])
    if "removed" in detail:
        parts.append(f"清理 {detail['removed']} 条")
    return " ".join(parts)


def actor_text(event: AuditEvent) -> str:
    if event.actor is not None and event.actor.get_full_name():
        return f"{event.actor.get_full_name()}（{event.actor.username}）"
    return event.actor_name or "系统"


def export_xlsx(events: QuerySet[AuditEvent]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHI", (20, 22, 20, 8, 40, 24, 40, 16, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(HEADERS)
    tz = timezone.get_current_timezone()
    for event in events[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.append(
            [
                timezone.localtime(event.created_at, tz).replace(tzinfo=None),
                actor_text(event),
                action_label(event.action),
                event.get_result_display(),
                event.target,
                event.organization.name if event.organization else "",
                change_text(event),
                event.ip_address or "",
                event.user_agent,
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
