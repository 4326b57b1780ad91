"""The dashboard page: a campaign's progress, timeliness, indicators, checklist and flags for
one unit, in total and per child unit, with charts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from reports.dashboards import charts as chart_data
from reports.dashboards import queries
from reports.dashboards.access import int_param, require_staff
from reports.models import Campaign, Organization, User
from reports.selectors import campaigns_visible_to, units_visible_to, user_unit


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    campaigns, campaign, unit = _pick(request)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "unit": unit}
    if campaign is not None and unit is not None:
        context.update(dashboard_context(campaign, unit, request.user))
        context["breadcrumb"] = list(
            units_visible_to(request.user)
            .filter(pk__in=[*unit.ancestor_ids(), unit.pk])
            .order_by("depth")
        )
    return render(request, "dashboards/index.html", context)


def _pick(request: HttpRequest) -> tuple[list[Campaign], Campaign | None, Organization | None]:
    """The campaign (``?campaign=``, default the latest visible) and the unit (``?unit=``,
    default the user's own); 404 when either is outside the user's scope."""
    user = request.user
    campaigns = list(campaigns_visible_to(user)[:100])
    campaign = None
    if request.GET.get("campaign"):
        campaign = get_object_or_404(
            campaigns_visible_to(user), pk=int_param(request.GET.get("campaign"))
        )
    elif campaigns:
        campaign = campaigns[0]
    unit = _default_unit(user, campaign)
    if request.GET.get("unit"):
        unit = get_object_or_404(units_visible_to(user), pk=int_param(request.GET.get("unit")))
    return campaigns, campaign, unit


def _default_unit(user: User, campaign: Campaign | None) -> Organization | None:
    unit = user_unit(user)
    if unit is None and user.is_superuser and campaign is not None:
        return campaign.target_unit
    return unit


def dashboard_context(campaign: Campaign, unit: Organization, user: User) -> dict[str, Any]:
    """Everything the dashboard shows. A fixed number of queries whatever the number of units
    (see reports/dashboards/tests/test_dashboard.py and benchmarks/bench_dashboard.py)."""
    children = [] if unit.is_school else queries.children_of(unit)
    definitions = queries.number_indicators(campaign)
    items = queries.checklist_items(campaign)
    # Progress, indicators, checklist and flags, in total and per child: one scan.
    overview = queries.dashboard_pass(campaign, unit, user, definitions, items, children)
    _link_school_rows(overview["progress"]["children"], campaign, unit, user)
    timeliness = queries.timeliness(campaign, unit, user)
    flag_rows = [(label, overview["flags"]["totals"][key]) for key, label in queries.FLAG_COLUMNS]
    histograms, charts = _charts(overview, timeliness, flag_rows)
    return {
        "campaign": campaign,
        "unit": unit,
        "progress": overview["progress"],
        "state_columns": queries.STATE_COLUMNS,
        "timeliness": timeliness,
        "indicators": overview["indicators"],
        "indicator_definitions": definitions,
        "indicators_by_child": overview["indicators_by_child"],
        "histograms": histograms,
        "checklist": overview["checklist"],
        "answer_labels": [label for _, label in queries.ANSWERS],
        "flags": overview["flags"],
        "flag_rows": flag_rows,
        "flag_child_columns": [
            column
            for column in queries.FLAG_COLUMNS
            if column[0] not in ("copied_schools", "copied_reference")
        ],
        "attention": queries.attention(campaign, unit, user, open_only=True),
        "charts": charts,
    }


def _link_school_rows(rows: list, campaign: Campaign, unit: Organization, user: User) -> None:
    """A school's row links to its report (the review page), for a user who may see it: the
    reports come through the same scoping as every number on the page. One query."""
    schools = [row.unit.pk for row in rows if not row.drillable]
    if not schools:
        return
    ids = dict(
        queries.scoped_reports(campaign, unit, user)
        .filter(organization_id__in=schools)
        .values_list("organization_id", "pk")
    )
    for row in rows:
        row.report_id = ids.get(row.unit.pk)


def _charts(
    overview: dict[str, Any], timeliness: dict[str, Any], flag_rows: list[tuple[str, int]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The histograms listed on the page and every chart's data, each drawn only when it has
    something to show."""
    charts: dict[str, Any] = {}
    if overview["progress"]["children"]:
        charts["progress"] = chart_data.progress_chart(overview["progress"]["children"])
    if timeliness["days"]:
        charts["timeliness"] = chart_data.timeliness_chart(timeliness["days"])
    histograms, histogram_charts = chart_data.histogram_charts(overview["indicators"]["stats"])
    charts.update(histogram_charts)
    if overview["checklist"]:
        charts["checklist"] = chart_data.checklist_chart(overview["checklist"])
    if overview["flags"]["totals"]["analysed"]:
        charts["flags"] = chart_data.flags_chart(flag_rows)
    return histograms, charts
