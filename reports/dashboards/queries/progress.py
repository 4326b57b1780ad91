"""Campaign progress by state, by child unit and by group; timeliness; schools needing attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    Q,
)
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from reports.choices import ReportState
from reports.dashboards.queries.base import (
    FLAGGED,
    SOON_DAYS,
    child_key,
    children_of,
    current_analysis_subquery,
    progress_aggregates,
    scoped_reports,
    with_rates,
)
from reports.models import (
    Campaign,
    Organization,
    ReportVersion,
    User,
)
from reports.selectors import scope_to_user


@dataclass
class ChildRow:
    unit: Organization
    counts: dict[str, Any]
    drillable: bool
    report_id: int | None = None  # a school's report, linked from the dashboard


def progress(
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    children: list[Organization] | None = None,
) -> dict[str, Any]:
    """Totals and one row per child unit. Two queries whatever the number of children."""
    reports = scoped_reports(campaign, unit, user)
    aggregates = progress_aggregates(campaign)
    totals = with_rates(reports.aggregate(**aggregates))
    rows: list[ChildRow] = []
    if not unit.is_school:
        children = children_of(unit) if children is None else children
        grouped = {
            row.pop("child"): row
            for row in reports.exclude(organization=unit)
            .annotate(child=child_key(unit))
            .values("child")
            .annotate(**aggregates)
            .order_by()
        }
        empty = dict.fromkeys(aggregates, 0)
        for child in children:
            counts = with_rates(grouped.get(str(child.pk), dict(empty)))
            if counts["total"]:
                rows.append(ChildRow(child, counts, drillable=not child.is_school))
    return {"totals": totals, "children": rows}


def progress_by_groups(
    campaign: Campaign, unit: Organization, user: User | None, group_field: str
) -> list[dict[str, Any]]:
    """Progress counts grouped by a plain column (e.g. ``organization__school_type``)."""
    return [
        with_rates(row)
        for row in scoped_reports(campaign, unit, user)
        .values(group_field)
        .annotate(**progress_aggregates(campaign))
        .order_by(group_field)
    ]


def progress_by_units(
    campaign: Campaign, unit: Organization, user: User | None, units: list[Organization]
) -> list[tuple[Organization, dict[str, Any]]]:
    """Progress per unit of ``units`` (e.g. every county below a city), grouping reports by
    the prefix of their unit's path: one query per distinct path length (a handful, since
    ids have few digits), never one per unit."""
    reports = scoped_reports(campaign, unit, user)
    aggregates = progress_aggregates(campaign)
    grouped: dict[str, dict] = {}
    for length in sorted({len(u.path) for u in units}):
        for row in (
            reports.annotate(prefix=Substr("organization__path", 1, length))
            .filter(prefix__in=[u.path for u in units if len(u.path) == length])
            .values("prefix")
            .annotate(**aggregates)
            .order_by()
        ):
            grouped[row.pop("prefix")] = row
    return [(u, with_rates(grouped[u.path])) for u in units if u.path in grouped]


def timeliness(campaign: Campaign, unit: Organization, user: User | None) -> dict[str, Any]:
    """First submissions per local date, against the deadline's date."""
    tz = ZoneInfo(settings.TIME_ZONE)
    versions = ReportVersion.objects.filter(
        number=1,
        report__campaign=campaign,
        report__organization__path__startswith=unit.path,
    )
    if user is not None:
        versions = scope_to_user(versions, user, via="report__organization")
    days = list(
        versions.annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .values("day")
        .annotate(count=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by("day")
    )
    deadline_day = timezone.localtime(campaign.deadline, tz).date()
    cumulative = 0
    for row in days:
        cumulative += row["count"]
        row["cumulative"] = cumulative
        row["after_deadline"] = row["day"] > deadline_day
        row["days_to_deadline"] = (deadline_day - row["day"]).days
    return {"days": days, "deadline_day": deadline_day}


def attention(
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    limit: int = 200,
    *,
    open_only: bool = False,
) -> list[dict[str, Any]]:
    """Reports needing a bureau's attention, with the reasons in Chinese.

    ``open_only`` (the dashboard page): a flag counts only while the report waits for a
    decision — an approved report's flag is no longer the bureau's to act on. The Word
    summary keeps every flagged report (a retrospective of the campaign).
    """
    now = timezone.now()
    flagged = Exists(current_analysis_subquery().filter(FLAGGED))
    waiting = [ReportState.SUBMITTED, ReportState.UNDER_REVIEW]
    flag_open = Q(flagged=True, state__in=waiting) if open_only else Q(flagged=True)
    conditions = Q(state=ReportState.RETURNED) | flag_open
    if campaign.deadline - now <= timedelta(days=SOON_DAYS):
        conditions |= Q(version=0)
    rows = (
        scoped_reports(campaign, unit, user)
        .annotate(flagged=flagged)
        .filter(conditions)
        .values(
            "pk",
            "organization__code",
            "organization__name",
            "state",
            "revision",
            "version",
            "is_late",
            "flagged",
        )
        .order_by("organization__path")[:limit]
    )
    out = []
    overdue = campaign.deadline < now
    for row in rows:
        reasons = []
        if row["version"] == 0:
            if overdue:
                reasons.append("逾期未提交")
            elif row["revision"] == 0:
                reasons.append(f"未开始，距截止不足{SOON_DAYS}天")
            else:
                reasons.append(f"草稿未提交，距截止不足{SOON_DAYS}天")
        if row["state"] == ReportState.RETURNED:
            reasons.append("退回后未重新提交")
        if row["flagged"] and open_only and row["state"] in waiting:
            reasons.append("待审核，文本分析有提示")
        elif row["flagged"] and not open_only:
            reasons.append("文本分析有提示")
        if row["is_late"]:
            reasons.append("逾期提交")
        row["reasons"] = reasons
        row["state_label"] = state_label(row["state"], row["revision"])
        out.append(row)
    return out


def state_label(state: str, revision: int) -> str:
    if state == ReportState.DRAFT and not revision:
        return "未开始"
    return ReportState(state).label
