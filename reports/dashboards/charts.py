"""The dashboard's charts: the data each ``<canvas data-chart=…>`` draws (static/js reads it
from a ``json_script``), built from the query results of ``reports.dashboards.queries``."""

from __future__ import annotations

from typing import Any

from reports.dashboards import queries
from reports.models import IndicatorDefinition

ANSWER_COLOURS = ["#198754", "#ffc107", "#dc3545", "#adb5bd"]
STATE_COLOURS = ["#adb5bd", "#6c757d", "#0d6efd", "#fd7e14", "#198754", "#dc3545"]
LATE, ON_TIME, FLAGGED = "#dc3545", "#0d6efd", "#fd7e14"


def chart(kind: str, labels: list, datasets: list[dict], **options: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": datasets,
        **options,
    }


def progress_chart(children: list[queries.ChildRow]) -> dict[str, Any]:
    """Per child unit, its reports stacked by state (the first five state columns)."""
    return chart(
        "bar",
        [row.unit.name for row in children],
        [
            {
                "label": label,
                "data": [row.counts[key] for row in children],
                "backgroundColor": colour,
            }
            for (key, label), colour in zip(queries.STATE_COLUMNS[:5], STATE_COLOURS, strict=False)
        ],
        stacked=True,
        horizontal=True,
    )


def timeliness_chart(days: list[dict[str, Any]]) -> dict[str, Any]:
    """First submissions per day, red after the deadline."""
    return chart(
        "bar",
        [f"{row['day']:%m-%d}" for row in days],
        [
            {
                "label": "当日首次提交",
                "data": [row["count"] for row in days],
                "backgroundColor": [LATE if row["after_deadline"] else ON_TIME for row in days],
            }
        ],
    )


def histogram_charts(
    stats: list[queries.IndicatorStat],
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """One histogram per indicator with values: the page's list (``key``, ``stat``) and the
    charts keyed ``hist<i>``; a bucket is red when every value it holds breaks the limit."""
    histograms, charts = [], {}
    for i, stat in enumerate(stats):
        if stat.count and stat.histogram:
            key = f"hist{i}"
            charts[key] = chart(
                "bar",
                [bucket["label"] for bucket in stat.histogram],
                [
                    {
                        "label": "学校数",
                        "data": [bucket["count"] for bucket in stat.histogram],
                        "backgroundColor": [
                            LATE if beyond(stat.definition, bucket) else ON_TIME
                            for bucket in stat.histogram
                        ],
                    }
                ],
            )
            histograms.append({"key": key, "stat": stat})
    return histograms, charts


def beyond(definition: IndicatorDefinition, bucket: dict[str, Any]) -> bool:
    """Red only when every value the bucket can hold breaks the limit: [61, 70) over a
    60-minute cap is red, [56, 60] and a bucket of zeros under a zero cap are not."""
    low, high = bucket["low"], bucket["high"]
    if definition.policy_max is not None and low > definition.policy_max:
        return True
    if definition.policy_min is not None:
        below = high < definition.policy_min if bucket["closed"] else high <= definition.policy_min
        return below
    return False


def checklist_chart(checklist: list[dict[str, Any]]) -> dict[str, Any]:
    """Per checklist item, the schools' answers stacked."""
    return chart(
        "bar",
        [row["item"].text for row in checklist],
        [
            {
                "label": label,
                "data": [row["counts"][j] for row in checklist],
                "backgroundColor": ANSWER_COLOURS[j],
            }
            for j, (_, label) in enumerate(queries.ANSWERS)
        ],
        stacked=True,
        horizontal=True,
    )


def flags_chart(flag_rows: list[tuple[str, int]]) -> dict[str, Any]:
    """How many reports carry each analysis flag."""
    return chart(
        "bar",
        [label for label, _ in flag_rows],
        [{"label": "报告数", "data": [n for _, n in flag_rows], "backgroundColor": FLAGGED}],
        horizontal=True,
    )
