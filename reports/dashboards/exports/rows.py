"""One row per report: the columns of the XLSX detail sheet, the CSV and the API rows.

Rows are read with ``values_list(...).iterator(chunk_size=2000)`` (a server-side cursor on
PostgreSQL), so memory stays flat however many reports a province has. The unit's
ancestors (city, county, district names) come from one small dict loaded up front, the
approval time and the analysis flags from correlated subqueries, never a query per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet, Subquery
from django.db.models.fields.json import JSONField
from django.utils import timezone

from reports.choices import Answer, OrgKind, SchoolType
from reports.dashboards.queries import (
    approved_at_subquery,
    checklist_items,
    current_analysis_subquery,
    scoped_reports,
    state_label,
)
from reports.models import (
    Campaign,
    ChecklistItemDefinition,
    IndicatorDefinition,
    Organization,
    User,
)

ANSWER_LABELS = {a.value: a.label for a in Answer}
SCHOOL_TYPE_LABELS = {s.value: s.label for s in SchoolType}

# (flag key, header) read from the analysis' ``flags``; the copied share comes first.
FLAG_FIELDS: list[tuple[str, str]] = [
    ("copies", "雷同段落数"),
    ("placeholders", "未填占位符数"),
    ("residue", "网页残留数"),
    ("contradictions", "数字矛盾数"),
    ("burden_signals", "形式主义描述数"),
    ("missing_sections", "缺少栏目数"),
]


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    kind: str = "text"  # text | number | datetime | percent (a value 0–100, shown as 45.0%)


@dataclass
class RowContext:
    campaign: Campaign
    indicators: list[IndicatorDefinition]
    checklist: list[ChecklistItemDefinition]
    ancestors: dict[int, dict[str, str]]
    columns: list[Column]


FIXED_COLUMNS = [
    Column("单位代码", 13),
    Column("学校名称", 26),
    Column("所属市", 16),
    Column("所属县（区）", 16),
    Column("所属学区/镇", 14),
    Column("学段", 10),
    Column("寄宿制", 7),
    Column("状态", 9),
    Column("提交次数", 8, "number"),
    Column("提交时间", 17, "datetime"),
    Column("通过时间", 17, "datetime"),
    Column("是否逾期", 8),
]


def row_context(campaign: Campaign, unit: Organization) -> RowContext:
    indicators = list(campaign.indicators.order_by("order", "code"))
    checklist = checklist_items(campaign)
    ancestors = {
        row["pk"]: row
        for row in Organization.objects.filter(
            (Q(path__startswith=unit.path) & ~Q(kind=OrgKind.SCHOOL))
            | Q(pk__in=unit.ancestor_ids())
        ).values("pk", "name", "code", "kind")
    }
    columns = list(FIXED_COLUMNS)
    for d in indicators:
        header = f"{d.label}（{d.unit}）" if d.unit else d.label
        kind = "percent" if d.unit == "%" else "number"
        columns.append(Column(header, max(10, min(len(header) * 2, 24)), kind))
    for item in checklist:
        columns.append(Column(item.text, 14))
        columns.append(Column(f"{item.text}（说明）", 24))
    columns.append(Column("雷同比例（%）", 12, "percent"))
    columns.extend(Column(header, 10, "number") for _, header in FLAG_FIELDS)
    columns.extend(
        [Column("偏离主题", 8), Column("不是自查报告", 10), Column("风险分", 8, "number")]
    )
    return RowContext(campaign, indicators, checklist, ancestors, columns)


VALUE_FIELDS = (
    "pk",
    "organization__code",
    "organization__name",
    "organization__path",
    "organization__school_type",
    "organization__boarding",
    "state",
    "revision",
    "version",
    "submitted_at",
    "approved_at",
    "is_late",
    "indicator_values",
    "checklist_answers",
    "analysis_flags",
    "analysis_risk",
    "analysis_copied",
)


def report_rows_queryset(campaign: Campaign, unit: Organization, user: User | None) -> QuerySet:
    analysis = current_analysis_subquery()
    return (
        scoped_reports(campaign, unit, user)
        .annotate(
            approved_at=approved_at_subquery(),
            analysis_flags=Subquery(analysis.values("flags")[:1], output_field=JSONField()),
            analysis_risk=Subquery(analysis.values("risk")[:1]),
            analysis_copied=Subquery(analysis.values("copied_share")[:1]),
        )
        .order_by("organization__path")
    )


def iter_records(
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    ctx: RowContext | None = None,
    *,
    chunk_size: int = 2000,
) -> Iterator[dict[str, Any]]:
    """Structured records (for the API and as the source of the flat rows)."""
    ctx = ctx or row_context(campaign, unit)
    rows = report_rows_queryset(campaign, unit, user).values_list(*VALUE_FIELDS)
    for values in rows.iterator(chunk_size=chunk_size):
        yield record(dict(zip(VALUE_FIELDS, values, strict=True)), ctx)


def record(raw: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    ancestors = [
        ctx.ancestors[int(part)]
        for part in raw["organization__path"].strip("/").split("/")[:-1]
        if part and int(part) in ctx.ancestors
    ]
    by_kind = {a["kind"]: a for a in ancestors}
    flags = raw["analysis_flags"] if isinstance(raw["analysis_flags"], dict) else None
    return {
        "id": raw["pk"],
        "code": raw["organization__code"],
        "name": raw["organization__name"],
        "parents": [{"code": a["code"], "name": a["name"], "kind": a["kind"]} for a in ancestors],
        "city": by_kind.get(OrgKind.CITY, {}).get("name", ""),
        "county": by_kind.get(OrgKind.COUNTY, {}).get("name", ""),
        "district": by_kind.get(OrgKind.DISTRICT, {}).get("name", ""),
        "school_type": raw["organization__school_type"],
        "boarding": raw["organization__boarding"],
        "state": raw["state"],
        "state_label": state_label(raw["state"], raw["revision"]),
        "version": raw["version"],
        "submitted_at": raw["submitted_at"],
        "approved_at": raw["approved_at"],
        "is_late": raw["is_late"],
        "indicator_values": raw["indicator_values"] or {},
        "checklist_answers": raw["checklist_answers"] or {},
        "flags": flags,
        "risk": raw["analysis_risk"],
        "copied_share": raw["analysis_copied"],
    }


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def cells(rec: dict[str, Any], ctx: RowContext) -> list[Any]:
    """The flat row: numbers as numbers, times as aware datetimes, text as str, blank as None."""
    out: list[Any] = [
        rec["code"],
        rec["name"],
        rec["city"],
        rec["county"],
        rec["district"],
        SCHOOL_TYPE_LABELS.get(rec["school_type"], rec["school_type"]),
        _yes_no(rec["boarding"]),
        rec["state_label"],
        rec["version"],
        rec["submitted_at"],
        rec["approved_at"],
        _yes_no(rec["is_late"]) if rec["version"] else "",
    ]
    values = rec["indicator_values"]
    for d in ctx.indicators:
        value = values.get(d.code)
        if isinstance(value, bool):
            value = _yes_no(value)
        elif value is not None and not isinstance(value, int | float):
            value = str(value)
        out.append(value)
    answers = rec["checklist_answers"]
    for item in ctx.checklist:
        answer = answers.get(item.code) or {}
        if not isinstance(answer, dict):
            answer = {}
        out.append(ANSWER_LABELS.get(answer.get("answer"), ""))
        note = answer.get("note")
        out.append(note if isinstance(note, str) else "")
    flags = rec["flags"]
    share = rec["copied_share"]
    if flags is None:
        out.append(None)
        out.extend([None] * len(FLAG_FIELDS))
        out.extend(["", "", None])
    else:
        out.append(round(float(flags.get("copied_share", share or 0)) * 100, 1))
        for key, _ in FLAG_FIELDS:
            value = flags.get(key)
            out.append(value if isinstance(value, int | float) else None)
        out.append(_yes_no(bool(flags.get("off_topic"))))
        out.append(_yes_no(bool(flags.get("not_report"))))
        out.append(rec["risk"])
    return out


def iter_cells(
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    ctx: RowContext,
    on_row: Callable[[int], None] | None = None,
) -> Iterator[list[Any]]:
    for n, rec in enumerate(iter_records(campaign, unit, user, ctx), start=1):
        if on_row is not None:
            on_row(n)
        yield cells(rec, ctx)


def local_naive(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None)
