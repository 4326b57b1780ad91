"""Checklist answers counted per item."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Q,
)

from reports.choices import Answer
from reports.dashboards.queries.base import scoped_reports
from reports.models import (
    Campaign,
    ChecklistItemDefinition,
    Organization,
    User,
)

ANSWERS = [(a.value, a.label) for a in Answer]


def checklist_counts(
    campaign: Campaign,
    unit: Organization,
    user: User | None,
    items: list[ChecklistItemDefinition] | None = None,
    result: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """For each checklist item, how many handed-in reports answered each way: one query
    (none when ``result`` — the ``c<i>_<answer>`` counts — was already computed)."""
    items = checklist_items(campaign) if items is None else items
    if not items:
        return []
    if result is None:
        aggregates = {}
        for i, item in enumerate(items):
            for value, _label in ANSWERS:
                aggregates[f"c{i}_{value}"] = Count(
                    "pk", filter=Q(**{f"checklist_answers__{item.code}__answer": value})
                )
        result = scoped_reports(campaign, unit, user).filter(version__gt=0).aggregate(**aggregates)
    rows = []
    for i, item in enumerate(items):
        counts = [result[f"c{i}_{value}"] for value, _ in ANSWERS]
        rows.append({"item": item, "counts": counts, "answered": sum(counts)})
    return rows


def checklist_items(campaign: Campaign) -> list[ChecklistItemDefinition]:
    return list(campaign.checklist_items.order_by("order", "code"))
