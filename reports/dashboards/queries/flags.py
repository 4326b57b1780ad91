"""Counts of reports whose current analysis raised a flag, in total and per child unit."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Q,
    TextField,
)
from django.db.models.functions import Cast

from reports.choices import AnalysisState
from reports.dashboards.queries.base import (
    COPIED_SHARE_HIGH,
    FLAGGED,
    child_key,
    children_of,
    current_analyses,
)
from reports.models import (
    Campaign,
    Organization,
    User,
)

FLAG_COLUMNS: list[tuple[str, str]] = [
    ("copied", "含雷同段落"),
    ("copied_high", f"雷同比例≥{int(COPIED_SHARE_HIGH * 100)}%"),
    ("copied_schools", "雷同来自他校报告"),
    ("copied_reference", "雷同来自范文库"),
    ("placeholders", "含未填占位符"),
    ("residue", "含网页残留"),
    ("off_topic", "偏离主题"),
    ("not_report", "不是自查报告"),
    ("contradictions", "数字前后矛盾"),
    ("burden_signals", "描述形式主义做法"),
    ("flagged", "需关注（任一提示）"),
]


def _flag_aggregates() -> dict[str, Any]:
    copied = Q(flags__copies__gt=0)
    return {
        "analysed": Count("pk", filter=Q(state=AnalysisState.DONE)),
        "copied": Count("pk", filter=copied),
        "copied_high": Count("pk", filter=Q(copied_share__gte=COPIED_SHARE_HIGH)),
        "copied_schools": Count("pk", filter=copied & Q(result_text__contains='"version:')),
        "copied_reference": Count("pk", filter=copied & Q(result_text__contains='"reference:')),
        "placeholders": Count("pk", filter=Q(flags__placeholders__gt=0)),
        "residue": Count("pk", filter=Q(flags__residue__gt=0)),
        "off_topic": Count("pk", filter=Q(flags__off_topic=True)),
        "not_report": Count("pk", filter=Q(flags__not_report=True)),
        "contradictions": Count("pk", filter=Q(flags__contradictions__gt=0)),
        "burden_signals": Count("pk", filter=Q(flags__burden_signals__gt=0)),
        "flagged": Count("pk", filter=FLAGGED),
    }


def flag_overview(
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    children: list[Organization] | None = None,
) -> dict[str, Any]:
    """Counts of flagged reports (current versions only), in total and per child unit.
    Where no analysis exists a report simply counts in no flag."""
    analyses = current_analyses(campaign, unit, user)
    aggregates = _flag_aggregates()
    totals = analyses.annotate(result_text=Cast("result", TextField())).aggregate(**aggregates)
    # Per child: without the copy-source split, which casts the whole result to text.
    del aggregates["copied_schools"], aggregates["copied_reference"]
    rows = []
    if not unit.is_school:
        children = children_of(unit) if children is None else children
        grouped = {
            row.pop("child"): row
            for row in analyses.exclude(version__report__organization=unit)
            .annotate(child=child_key(unit, "version__report__organization__path"))
            .values("child")
            .annotate(**aggregates)
            .order_by()
        }
        for child in children:
            if str(child.pk) in grouped:
                rows.append({"unit": child, "counts": grouped[str(child.pk)]})
    return {"totals": totals, "children": rows}
