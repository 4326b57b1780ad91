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

from reports.choices import AnalysisState
from reports.counts import count_conditions
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

# The analysis flags counted per report, as ``FLAGGED``-style conditions on ``flags__…``.
COPIED = Q(flags__copies__gt=0)
FLAG_CONDITIONS = {
    "copied": COPIED,
    "placeholders": Q(flags__placeholders__gt=0),
    "residue": Q(flags__residue__gt=0),
    "off_topic": Q(flags__off_topic=True),
    "not_report": Q(flags__not_report=True),
    "contradictions": Q(flags__contradictions__gt=0),
    "burden_signals": Q(flags__burden_signals__gt=0),
    "flagged": FLAGGED,
}


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
    handed_in = Q(version__gt=0)
    reports = (
        scoped_reports(campaign, unit, user)
        .annotate(current=FilteredRelation("versions", condition=Q(versions__number=F("version"))))
        .alias(result_text=Cast("current__analysis__result", TextField()))
    )
    annotations = _report_values(unit, campaign)
    progress_columns = _progress_columns(campaign)
    indicator_annotations, indicator_columns = indicator_parts(definitions, only=handed_in)
    annotations.update(indicator_annotations)
    checklist_annotations, checklist_columns = _checklist_parts(items, handed_in)
    annotations.update(checklist_annotations)
    parts = [*progress_columns, *indicator_columns, *checklist_columns, *_flag_columns()]
    if unit.is_school:
        totals, grouped = aggregate_once(reports, annotations, parts), {}
    else:
        totals, grouped = aggregate_once(reports, annotations, parts, group="child")
    progress_keys = [key for key, _, _ in progress_columns]
    by_child = _child_rows(children, grouped, progress_keys, len(definitions))
    return {
        "progress": {
            "totals": with_rates({key: totals[key] for key in progress_keys}),
            "children": by_child["progress"],
        },
        "indicators": indicator_stats(campaign, unit, user, definitions, result=totals),
        "indicators_by_child": by_child["indicators"],
        "checklist": checklist_counts(campaign, unit, user, items, result=totals),
        "flags": {"totals": _flags_of(totals), "children": by_child["flags"]},
    }


def _report_values(unit: Organization, campaign: Campaign) -> dict[str, Any]:
    """The values the inner query reads once per report: state, the current analysis and its
    flags (``a_<flag>`` booleans), and the child bucket unless ``unit`` is a school."""
    annotations: dict[str, Any] = {
        **{f"p_{key}": _boolean(q) for key, q in _progress_conditions(campaign).items()},
        "a_id": F("current__analysis__id"),
        "a_state": F("current__analysis__state"),
        "a_share": F("current__analysis__copied_share"),
    }
    for key, q in FLAG_CONDITIONS.items():
        annotations[f"a_{key}"] = _boolean(_on_current_analysis(q))
    copied = _on_current_analysis(COPIED)
    annotations["a_copied_schools"] = _boolean(copied & Q(result_text__contains='"version:'))
    annotations["a_copied_reference"] = _boolean(copied & Q(result_text__contains='"reference:'))
    if not unit.is_school:
        annotations["child"] = Case(
            When(organization_id=unit.pk, then=Value("")),
            default=child_key(unit),
            output_field=CharField(),
        )
    return annotations


def _boolean(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _on_current_analysis(q: Q) -> Q:
    """``FLAGGED``-style conditions on ``flags__…`` → on the current analysis."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_on_current_analysis(child))
        else:
            out.children.append((f"current__analysis__{child[0]}", child[1]))
    return out


def _progress_columns(campaign: Campaign) -> list[tuple[str, str, list]]:
    """Counts by state: the core's conditions (``reports.counts``), read once per report as
    the ``p_<key>`` booleans of ``_report_values``."""
    return [
        ("total", "COUNT(*)", []),
        *[(key, _count_if(f"{{p_{key}}}"), []) for key in _progress_conditions(campaign)],
    ]


def _progress_conditions(campaign: Campaign) -> dict[str, Q]:
    return count_conditions(campaign_deadline=campaign.deadline)


def _checklist_parts(
    items: list[ChecklistItemDefinition], handed_in: Q
) -> tuple[dict[str, Any], list[tuple[str, str, list]]]:
    """Each item's answer of handed-in reports (``c<i>``) and a count per answer."""
    annotations: dict[str, Any] = {}
    columns: list[tuple[str, str, list]] = []
    for i, item in enumerate(items):
        annotations[f"c{i}"] = Case(
            When(handed_in, then=KT(f"checklist_answers__{item.code}__answer")),
            output_field=TextField(),
        )
        for value, _label in ANSWERS:
            columns.append((f"c{i}_{value}", _count_if(f"{{c{i}}} = %s"), [value]))
    return annotations, columns


def _flag_columns() -> list[tuple[str, str, list]]:
    """Flags of the current version's analysis (no analysis: counts in none)."""
    columns: list[tuple[str, str, list]] = [
        ("f_count", "COUNT({a_id})", []),
        ("f_analysed", _count_if("{a_state} = %s"), [AnalysisState.DONE]),
        ("f_copied_high", _count_if("{a_share} >= %s"), [COPIED_SHARE_HIGH]),
    ]
    for key in [*FLAG_CONDITIONS, "copied_schools", "copied_reference"]:
        columns.append((f"f_{key}", _count_if(f"{{a_{key}}}"), []))
    return columns


def _flags_of(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[f"f_{key}"] for key, _ in [("analysed", ""), *FLAG_COLUMNS]}


def _child_rows(
    children: list[Organization],
    grouped: dict[str, dict[str, Any]],
    progress_keys: list[str],
    indicator_count: int,
) -> dict[str, list]:
    """Per child unit, in the given order: its progress row (when it has reports), its flag
    counts (when analysed) and its indicator averages (when any report was handed in)."""
    rows: dict[str, list] = {"progress": [], "flags": [], "indicators": []}
    empty = dict.fromkeys(progress_keys, 0)
    for child in children:
        row = grouped.get(str(child.pk))
        counts = with_rates({key: row[key] for key in progress_keys} if row else dict(empty))
        if counts["total"]:
            rows["progress"].append(ChildRow(child, counts, drillable=not child.is_school))
        if row and row["f_count"]:
            counts = _flags_of(row)
            del counts["copied_schools"], counts["copied_reference"]
            rows["flags"].append({"unit": child, "counts": counts})
        if row and row["handed_in"] and indicator_count:
            rows["indicators"].append(
                {
                    "unit": child,
                    "values": [round_or_none(row[f"v{i}_avg"]) for i in range(indicator_count)],
                }
            )
    return rows
