"""What every dashboard query shares: the scoping, the child-unit key, the definitions.

Every function takes the campaign, the unit being looked at and the user, and starts from
``reports.selectors.scope_to_user`` so a dashboard never counts a report outside the user's
subtree. Aggregation happens in the database; Python only shapes the few result rows.

Drill-down by child unit (decision): a report's child bucket is the path segment right after
the looked-at unit's path — ``Substr(rest, 1, StrIndex(rest, "/") - 1)`` with
``rest = Substr(organization.path, len(unit.path) + 1)``. It is one ``GROUP BY`` whatever the
number of children (no ``CASE`` per child, no raw SQL) and runs on PostgreSQL and SQLite.

Definitions used on every page and in the exports: the state counts (未开始, 草稿, 已提交,
审核中, 退回, 已通过, 逾期) are defined once in ``reports.counts``, shared with the review queue,
the task page and the API.
- 需关注 (flagged): the analysis of the report's current version found copying
  (copies > 0), placeholders, web residue, an off-topic or not-a-report text, or
  contradictions with its own numbers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, StrIndex, Substr

from reports.choices import ReviewKind
from reports.counts import STATE_COUNTS, count_aggregates
from reports.models import (
    AnalysisResult,
    Campaign,
    Organization,
    Report,
    ReviewAction,
    User,
)
from reports.selectors import scope_to_user

COPIED_SHARE_HIGH = 0.3  # "雷同比例 ≥ 30%"
SOON_DAYS = 3  # not started with this many days left → needs attention
HISTOGRAM_BINS = 6

# The dashboard's progress columns: the core's counts (``reports.counts``), 审核中 shown as
# part of 已提交 and so not as a column of its own.
STATE_COLUMNS: list[tuple[str, str]] = [
    (key, label) for key, label in STATE_COUNTS if key != "under_review"
]

# A report whose current version's analysis found something a reviewer should look at.
FLAGGED = (
    Q(flags__copies__gt=0)
    | Q(flags__placeholders__gt=0)
    | Q(flags__residue__gt=0)
    | Q(flags__off_topic=True)
    | Q(flags__not_report=True)
    | Q(flags__contradictions__gt=0)
)


def scoped_reports(campaign: Campaign, unit: Organization, user: User | None) -> QuerySet[Report]:
    """The campaign's reports in ``unit``'s subtree that ``user`` may see (None: a task that
    already checked the scope when the job was requested)."""
    reports = Report.objects.filter(campaign=campaign)
    if user is not None:
        reports = scope_to_user(reports, user, via="organization")
    return reports.filter(organization__path__startswith=unit.path)


def current_analyses(
    campaign: Campaign, unit: Organization, user: User | None
) -> QuerySet[AnalysisResult]:
    """Analyses of each report's current version (``version.number == report.version``)."""
    analyses = AnalysisResult.objects.filter(
        version__report__campaign=campaign,
        version__number=F("version__report__version"),
        version__report__organization__path__startswith=unit.path,
    )
    if user is not None:
        analyses = scope_to_user(analyses, user, via="version__report__organization")
    return analyses


def current_analysis_subquery() -> QuerySet[AnalysisResult]:
    """For ``Report`` annotations: the analysis of the row's current version."""
    return AnalysisResult.objects.filter(
        version__report_id=OuterRef("pk"), version__number=OuterRef("version")
    )


def approved_at_subquery() -> Subquery:
    """The time of the report's latest approval (may be NULL)."""
    return Subquery(
        ReviewAction.objects.filter(report_id=OuterRef("pk"), kind=ReviewKind.APPROVE)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def child_key(unit: Organization, path_field: str = "organization__path"):
    """The id (as text) of the child of ``unit`` a row's unit lies under."""
    rest = Substr(path_field, len(unit.path) + 1)
    return Substr(rest, 1, StrIndex(rest, Value("/")) - 1)


def indicator_value(code: str):
    return Cast(KT(f"indicator_values__{code}"), FloatField())


def progress_aggregates(campaign: Campaign, now=None) -> dict[str, Any]:
    """The state counts, as defined once in ``reports.counts`` (one campaign's rows).

    Without 审核中: the API and the exports publish these keys and keep their shape; 已提交
    includes 审核中 there as everywhere (the dashboard page reads it from ``dashboard_pass``).
    """
    aggregates = count_aggregates(now, campaign_deadline=campaign.deadline)
    del aggregates["under_review"]
    return aggregates


def with_rates(row: dict[str, Any]) -> dict[str, Any]:
    total = row.get("total") or 0
    row["handed_in_rate"] = round(row.get("handed_in", 0) / total * 100, 1) if total else None
    return row


def children_of(unit: Organization) -> list[Organization]:
    return list(Organization.objects.filter(parent=unit).order_by("code"))
