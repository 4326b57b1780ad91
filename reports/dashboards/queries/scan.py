"""The whole dashboard in one scan of the reports table (progress, indicators, checklist)."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from reports.choices import AnalysisState, ReportState
from reports.dashboards.queries.base import (
    COPIED_SHARE_HIGH,
    FLAGGED,
    child_key,
    scoped_reports,
    with_rates,
)
from reports.dashboards.queries.checklist import ANSWERS, checklist_counts
from reports.dashboards.queries.flags import FLAG_COLUMNS
from reports.dashboards.queries.indicators import (
    aggregate_once,
    indicator_parts,
    indicator_stats,
    round_or_none,
)
from reports.dashboards.queries.progress import ChildRow
from reports.models import (
    Campaign,
    ChecklistItemDefinition,
    IndicatorDefinition,
    Organization,
    User,
)


def _count_if(condition: str) -> str:
    """Portable conditional count (0, not NULL, over no rows)."""
    return f"COUNT(CASE WHEN {condition} THEN 1 END)"


def dashboard_pass(
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    definitions: list[IndicatorDefinition],
    items: list[ChecklistItemDefinition],
    children: list[Organization],
) -> dict[str, Any]:
    """Progress, indicator statistics, checklist answers and analysis flags — in total and per
    child unit — from ONE scan of the scoped reports, instead of one scan each.

    The inner query reads every value once per report (state, each indicator and checklist
    answer of handed-in reports, the flags of the current version's analysis through a
    ``FilteredRelation`` LEFT JOIN, the child bucket); the outer one aggregates them with
    conditional counts, grouped by ``GROUPING SETS ((), (child))`` on PostgreSQL (two queries
    on SQLite). Same definitions and numbers as ``progress``, ``indicator_stats``,
    ``indicator_averages_by_child``, ``checklist_counts`` and ``flag_overview``, which keep
    serving the exports and the API."""
    now = timezone.now()
    handed_in = Q(version__gt=0)
    reports = (
        scoped_reports(campaign, unit, user)
        .annotate(current=FilteredRelation("versions", condition=Q(versions__number=F("version"))))
        .alias(result_text=Cast("current__analysis__result", TextField()))
    )

    def flag(q: Q) -> ExpressionWrapper:
        return ExpressionWrapper(q, output_field=BooleanField())

    def prefixed(q: Q) -> Q:
        """``FLAGGED``-style conditions on ``flags__…`` → on the current analysis."""
        out = Q()
        out.connector, out.negated = q.connector, q.negated
        for child in q.children:
            if isinstance(child, Q):
                out.children.append(prefixed(child))
            else:
                out.children.append((f"current__analysis__{child[0]}", child[1]))
        return out

    annotations: dict[str, Any] = {
        "p_state": F("state"),
        "p_revision": F("revision"),
        "p_version": F("version"),
        "p_late": F("is_late"),
        "a_id": F("current__analysis__id"),
        "a_state": F("current__analysis__state"),
        "a_share": F("current__analysis__copied_share"),
    }
    copied = Q(flags__copies__gt=0)
    flag_conditions = {
        "copied": copied,
        "placeholders": Q(flags__placeholders__gt=0),
        "residue": Q(flags__residue__gt=0),
        "off_topic": Q(flags__off_topic=True),
        "not_report": Q(flags__not_report=True),
        "contradictions": Q(flags__contradictions__gt=0),
        "burden_signals": Q(flags__burden_signals__gt=0),
        "flagged": FLAGGED,
    }
    for key, q in flag_conditions.items():
        annotations[f"a_{key}"] = flag(prefixed(q))
    annotations["a_copied_schools"] = flag(prefixed(copied) & Q(result_text__contains='"version:'))
    annotations["a_copied_reference"] = flag(
        prefixed(copied) & Q(result_text__contains='"reference:')
    )
    group = None
    if not unit.is_school:
        group = "child"
        annotations["child"] = Case(
            When(organization_id=unit.pk, then=Value("")),
            default=child_key(unit),
            output_field=CharField(),
        )

    parts: list[tuple[str, str, list]] = []
    # progress (same definitions as ``progress_aggregates``)
    late = "{p_late}" + (" OR {p_version} = 0" if campaign.deadline < now else "")
    draft, states = ReportState.DRAFT, ReportState
    parts += [
        ("total", "COUNT(*)", []),
        ("not_started", _count_if("{p_state} = %s AND {p_revision} = 0"), [draft]),
        ("draft", _count_if("{p_state} = %s AND {p_revision} > 0"), [draft]),
        (
            "submitted",
            _count_if("{p_state} IN (%s, %s)"),
            [states.SUBMITTED, states.UNDER_REVIEW],
        ),
        ("returned", _count_if("{p_state} = %s"), [states.RETURNED]),
        ("approved", _count_if("{p_state} = %s"), [states.APPROVED]),
        ("late", _count_if(late), []),
        ("handed_in", _count_if("{p_version} > 0"), []),
        ("on_time", _count_if("{p_version} > 0 AND NOT {p_late}"), []),
    ]
    progress_keys = [key for key, _, _ in parts]
    # indicators of handed-in reports (the value is NULL otherwise)
    indicator_annotations, indicator_columns = indicator_parts(definitions, only=handed_in)
    annotations.update(indicator_annotations)
    parts += indicator_columns
    # checklist answers of handed-in reports
    for i, item in enumerate(items):
        annotations[f"c{i}"] = Case(
            When(handed_in, then=KT(f"checklist_answers__{item.code}__answer")),
            output_field=TextField(),
        )
        for value, _label in ANSWERS:
            parts.append((f"c{i}_{value}", _count_if(f"{{c{i}}} = %s"), [value]))
    # flags of the current version's analysis (no analysis: counts in none)
    parts += [
        ("f_count", "COUNT({a_id})", []),
        ("f_analysed", _count_if("{a_state} = %s"), [AnalysisState.DONE]),
        ("f_copied_high", _count_if("{a_share} >= %s"), [COPIED_SHARE_HIGH]),
    ]
    for key in [*flag_conditions, "copied_schools", "copied_reference"]:
        parts.append((f"f_{key}", _count_if(f"{{a_{key}}}"), []))

    if group is None:
        totals, grouped = aggregate_once(reports, annotations, parts), {}
    else:
        totals, grouped = aggregate_once(reports, annotations, parts, group=group)

    def flags_of(row: dict[str, Any]) -> dict[str, Any]:
        return {key: row[f"f_{key}"] for key, _ in [("analysed", ""), *FLAG_COLUMNS]}

    progress_rows, flag_rows, indicator_rows = [], [], []
    empty = dict.fromkeys(progress_keys, 0)
    for child in children:
        row = grouped.get(str(child.pk))
        counts = with_rates({key: row[key] for key in progress_keys} if row else dict(empty))
        if counts["total"]:
            progress_rows.append(ChildRow(child, counts, drillable=not child.is_school))
        if row and row["f_count"]:
            counts = flags_of(row)
            del counts["copied_schools"], counts["copied_reference"]
            flag_rows.append({"unit": child, "counts": counts})
        if row and row["handed_in"] and definitions:
            indicator_rows.append(
                {
                    "unit": child,
                    "values": [round_or_none(row[f"v{i}_avg"]) for i in range(len(definitions))],
                }
            )
    return {
        "progress": {
            "totals": with_rates({key: totals[key] for key in progress_keys}),
            "children": progress_rows,
        },
        "indicators": indicator_stats(campaign, unit, user, definitions, result=totals),
        "indicators_by_child": indicator_rows,
        "checklist": checklist_counts(campaign, unit, user, items, result=totals),
        "flags": {"totals": flags_of(totals), "children": flag_rows},
    }
