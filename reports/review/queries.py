"""Queries of the review queue: the current analysis joined in, flag filters, sorts, counts."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

from reports.choices import (
    ReportState,
    ReviewKind,
)
from reports.counts import STATE_COUNT_LABELS, STATE_COUNTS, count_aggregates, count_conditions
from reports.models import (
    Report,
    ReviewAction,
)
from reports.pipeline import COPIED_SHARE_FLAG

FLAG_FILTERS: dict[str, tuple[str, Q]] = {
    "copied": ("雷同", Q(latest__analysis__copied_share__gte=COPIED_SHARE_FLAG)),
    "placeholders": ("模板空白", Q(latest__analysis__flags__placeholders__gt=0)),
    "off_topic": (
        "离题 / 非报告",
        Q(latest__analysis__flags__off_topic=True) | Q(latest__analysis__flags__not_report=True),
    ),
    "contradictions": ("数字矛盾", Q(latest__analysis__flags__contradictions__gt=0)),
}
ANY_FLAG = Q()
for _label, _q in FLAG_FILTERS.values():
    ANY_FLAG |= _q

SORTS = {
    "risk": ("风险从高到低", [F("risk").desc(nulls_last=True), F("copied").desc(nulls_last=True)]),
    "copied": ("雷同比例从高到低", [F("copied").desc(nulls_last=True)]),
    "submitted": ("提交时间从早到晚", [F("submitted_at").asc(nulls_last=True)]),
    "recent": ("最近提交在前", [F("submitted_at").desc(nulls_last=True)]),
    "school": ("按单位", ["organization__path"]),
}

# The state filter's choices: the core's counts but 逾期 (a checkbox of its own).
STATE_FILTERS = [(key, label) for key, label in STATE_COUNTS if key != "late"]


def with_latest_analysis(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Join each report to its current version's analysis (one LEFT JOIN, no N+1)."""
    return reports.annotate(
        latest=FilteredRelation("versions", condition=Q(versions__number=F("version")))
    ).annotate(
        latest_version_id=F("latest__id"),
        risk=F("latest__analysis__risk"),
        copied=F("latest__analysis__copied_share"),
        flags=F("latest__analysis__flags"),
        analysis_state=F("latest__analysis__state"),
    )


_HOLDING = (ReviewKind.OPEN, ReviewKind.REOPEN)


def with_holder(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Annotate ``holder``: who pressed 开始审核 (or reopened) on a report under review, so
    two reviewers do not read the same report unknowingly. NULL for any other state."""
    latest = ReviewAction.objects.filter(report_id=OuterRef("pk"), kind__in=_HOLDING).order_by(
        "-created_at", "-pk"
    )
    name = Coalesce(NullIf("actor__first_name", Value("")), "actor__username")
    return reports.annotate(
        holder=Case(
            When(
                state=ReportState.UNDER_REVIEW,
                then=Subquery(latest.annotate(name=name).values("name")[:1]),
            ),
            default=None,
            output_field=CharField(),
        ),
    )


def holder_of(report: Report) -> ReviewAction | None:
    """The act that put ``report`` under review (its actor holds it), or None."""
    if report.state != ReportState.UNDER_REVIEW:
        return None
    return (
        report.review_actions.filter(kind__in=_HOLDING)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def overdue_q(now) -> Q:
    """逾期, as every page counts it (``reports.counts``)."""
    return count_conditions(now)["late"]


def state_q(key: str, now) -> Q | None:
    """The queue's state filter: the same condition the count beside it uses."""
    return count_conditions(now).get(key) if key in STATE_COUNT_LABELS else None


def state_counts(reports: QuerySet[Report], now) -> dict[str, int]:
    """The core's counts (``reports.counts``) and the queue's own 有疑点."""
    return reports.aggregate(**count_aggregates(now), flagged=Count("pk", filter=ANY_FLAG))


def flag_badges(
    flags: dict[str, Any], copied: float | None, sources: list[str] | tuple = ()
) -> list[str]:
    """The queue's flags in Chinese; 雷同 names its source(s) (``copies.source_names``)."""
    badges = []
    if copied:
        named = ""
        if sources:
            named = f"：与{sources[0]}" + (f"等 {len(sources)} 处" if len(sources) > 1 else "")
        badges.append(f"雷同 {copied * 100:.0f}%{named}")
    if flags.get("placeholders"):
        badges.append(f"模板空白 {flags['placeholders']}")
    if flags.get("contradictions"):
        badges.append(f"数字矛盾 {flags['contradictions']}")
    if flags.get("off_topic"):
        badges.append("离题")
    if flags.get("not_report"):
        badges.append("非自查报告")
    if flags.get("residue"):
        badges.append(f"网页残留 {flags['residue']}")
    if flags.get("missing_sections"):
        badges.append(f"缺栏目 {flags['missing_sections']}")
    return badges
