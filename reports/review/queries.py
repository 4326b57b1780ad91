"""Queries of the review queue: the current analysis joined in, flag filters, sorts, counts."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
)

from reports.choices import (
    ReportState,
)
from reports.models import (
    Report,
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
    "gaps": ("缺数字", Q(latest__analysis__flags__gaps__gt=0)),
    "other_names": ("套用他校", Q(latest__analysis__flags__other_names__gt=0)),
    "anomalies": ("数据异常", Q(latest__analysis__flags__anomalies__gt=0)),
    "self_copy": ("照搬上期", Q(latest__analysis__flags__self_copy=True)),
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

STATE_FILTERS = [("not_started", "未开始"), *ReportState.choices]


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


def overdue_q(now) -> Q:
    """逾期: submitted late, or still not submitted after the deadline."""
    return Q(is_late=True) | (
        Q(state__in=[ReportState.DRAFT, ReportState.RETURNED]) & Q(campaign__deadline__lt=now)
    )


def state_counts(reports: QuerySet[Report], now) -> dict[str, int]:
    aggregates = {state: Count("pk", filter=Q(state=state)) for state in ReportState.values}
    return reports.aggregate(
        total=Count("pk"),
        not_started=Count("pk", filter=Q(state=ReportState.DRAFT, revision=0)),
        late=Count("pk", filter=overdue_q(now)),
        flagged=Count("pk", filter=ANY_FLAG),
        **aggregates,
    )


def flag_badges(flags: dict[str, Any], copied: float | None) -> list[str]:
    """One badge per flag kind, with its count (``模板空白 ×20``) or share (``雷同 40%``);
    a copied share under the queue's threshold is not a badge (see ``COPIED_SHARE_FLAG``)."""
    badges = []
    if copied and copied >= COPIED_SHARE_FLAG:
        badges.append(f"雷同 {copied * 100:.0f}%")
    if flags.get("self_copy"):
        badges.append(f"照搬上期 {float(flags.get('self_copy_share') or 0) * 100:.0f}%")
    for key, label in (
        ("placeholders", "模板空白"),
        ("gaps", "缺数字"),
        ("other_names", "套用他校"),
        ("contradictions", "数字矛盾"),
        ("anomalies", "数据异常"),
    ):
        if flags.get(key):
            badges.append(_counted(label, flags[key]))
    if flags.get("off_topic"):
        badges.append("离题")
    if flags.get("not_report"):
        badges.append("非自查报告")
    if flags.get("residue"):
        badges.append(_counted("网页残留", flags["residue"]))
    if flags.get("missing_sections"):
        badges.append(_counted("缺栏目", flags["missing_sections"]))
    return badges


def _counted(label: str, count: Any) -> str:
    return label if count == 1 else f"{label} ×{count}"
