"""The supervisor's overview of one campaign: progress by the units below."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from reports.choices import (
    ReportState,
)
from reports.models import (
    Campaign,
    Organization,
)
from reports.review.access import require_staff
from reports.review.queries import ANY_FLAG, flag_badges, overdue_q, with_latest_analysis
from reports.selectors import (
    campaigns_visible_to,
    reports_visible_to,
    units_visible_to,
    user_unit,
)


def progress_by_child(campaign: Campaign, children: list[Organization], reports, now):
    """Counts per child unit in one query, grouped by the child whose path prefixes the
    school's path."""
    if not children:
        return {}
    child_of = Case(
        *[When(organization__path__startswith=c.path, then=Value(c.pk)) for c in children],
        default=Value(None),
        output_field=IntegerField(),
    )
    rows = (
        with_latest_analysis(reports.filter(campaign=campaign))
        .annotate(child=child_of)
        .exclude(child=None)
        .values("child")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(version__gt=0)),
            approved=Count("pk", filter=Q(state=ReportState.APPROVED)),
            returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
            late=Count("pk", filter=overdue_q(now)),
            flagged=Count("pk", filter=ANY_FLAG),
        )
        .order_by()
    )
    return {row["child"]: row for row in rows}


@login_required
def review_overview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Progress per child unit (submitted / approved / late / flagged), drill-down, read-only."""
    require_staff(request)
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=campaign_id)
    visible = units_visible_to(request.user)
    unit_id = request.GET.get("unit", "")
    if unit_id.isdecimal():  # not isdigit: int("²") fails
        unit = get_object_or_404(visible, pk=int(unit_id))
    else:
        unit = user_unit(request.user) or campaign.target_unit
    children = list(unit.children.order_by("kind", "code"))
    now = timezone.now()
    reports = reports_visible_to(request.user)
    progress = progress_by_child(campaign, children, reports, now)
    school_reports = {
        r.organization_id: r
        for r in with_latest_analysis(
            reports.filter(campaign=campaign, organization__in=[c for c in children if c.is_school])
        )
    }
    rows = []
    for child in children:
        counts = progress.get(child.pk)
        if counts is None and not child.is_school:
            continue  # no target school below it
        report = school_reports.get(child.pk)
        if child.is_school and report is None:
            continue
        if report is not None:
            report.flag_badges = flag_badges(report.flags or {}, report.copied)
        rows.append({"unit": child, "counts": counts or {}, "report": report})
    totals = {
        key: sum(r["counts"].get(key, 0) for r in rows)
        for key in ("total", "submitted", "approved", "returned", "late", "flagged")
    }
    trail = list(
        visible.filter(pk__in=[*unit.ancestor_ids(), unit.pk]).order_by("depth")
        if not request.user.is_superuser
        else Organization.objects.filter(pk__in=[*unit.ancestor_ids(), unit.pk]).order_by("depth")
    )
    return render(
        request,
        "review/overview.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rows": rows,
            "totals": totals,
            "trail": trail,
            "queue_url": reverse("review_queue") + f"?campaign={campaign.pk}",
        },
    )
