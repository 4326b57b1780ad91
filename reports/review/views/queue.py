"""The review queue: one campaign's reports with state counts, filters, flags and sorting."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from reports.approval_batches import SAMPLE_SHARE, bulk_ok_expression, clean_waiting
from reports.choices import (
    CampaignStatus,
    OrgKind,
    SchoolType,
)
from reports.models import AnalysisResult
from reports.review.access import require_staff
from reports.review.copies import source_names
from reports.review.queries import (
    ANY_FLAG,
    FLAG_FILTERS,
    SORTS,
    STATE_FILTERS,
    flag_badges,
    overdue_q,
    state_counts,
    state_q,
    with_holder,
    with_latest_analysis,
)
from reports.selectors import (
    campaigns_visible_to,
    reports_visible_to,
    units_visible_to,
    user_unit,
)

PAGE_SIZE = 50
# What a queue row never shows: the report's content and the campaign's long texts.
ROW_UNUSED = (
    "sections",
    "indicator_values",
    "checklist_answers",
    "campaign__notice",
    "campaign__sections",
)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    campaigns = list(
        campaigns_visible_to(request.user)
        .exclude(status=CampaignStatus.DRAFT)
        .order_by("-deadline", "-pk")[:50]
    )
    campaign = None
    wanted = request.GET.get("campaign", "")
    if wanted.isdecimal():  # not isdigit: int("²") fails
        campaign = get_object_or_404(campaigns_visible_to(request.user), pk=int(wanted))
    elif campaigns:
        campaign = campaigns[0]
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign}
    if campaign is None:
        return render(request, "review/queue.html", context)

    now = timezone.now()
    base = with_latest_analysis(reports_visible_to(request.user).filter(campaign=campaign))
    units = list(
        units_visible_to(request.user)
        .exclude(kind=OrgKind.SCHOOL)
        .exclude(pk=getattr(user_unit(request.user), "pk", None))
        .only("pk", "name", "depth")
    )
    filters = {
        "state": request.GET.get("state", ""),
        "unit": request.GET.get("unit", ""),
        "school_type": request.GET.get("school_type", ""),
        "late": request.GET.get("late", ""),
        "flag": request.GET.get("flag", ""),
        "sort": request.GET.get("sort", "risk"),
    }
    rows = base
    wanted_state = state_q(filters["state"], now)
    if wanted_state is not None:
        rows = rows.filter(wanted_state)
    if filters["unit"].isdecimal():
        unit = next((u for u in units if u.pk == int(filters["unit"])), None)
        if unit is None:
            unit = get_object_or_404(units_visible_to(request.user), pk=int(filters["unit"]))
        rows = rows.filter(organization__path__startswith=unit.path)
    if filters["school_type"] in SchoolType.values:
        rows = rows.filter(organization__school_type=filters["school_type"])
    if filters["late"] == "1":
        rows = rows.filter(overdue_q(now))
    if filters["flag"] == "any":
        rows = rows.filter(ANY_FLAG)
    elif filters["flag"] == "clean":
        rows = clean_waiting(rows)
    elif filters["flag"] in FLAG_FILTERS:
        rows = rows.filter(FLAG_FILTERS[filters["flag"]][1])
    sort = filters["sort"] if filters["sort"] in SORTS else "risk"
    rows = (
        with_holder(rows)
        .annotate(bulk_ok=bulk_ok_expression("latest__analysis__"))
        .select_related("organization__parent")
        .defer(*ROW_UNUSED)
        .order_by(*SORTS[sort][1], "organization__path")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    sources = source_names(
        AnalysisResult.objects.all(), [r.latest_version_id for r in page if r.copied]
    )
    for report in page:
        named = sources.get(report.latest_version_id, [])
        report.flag_badges = flag_badges(report.flags or {}, report.copied, named)
    counts = state_counts(base, now)
    context.update(
        {
            "page": page,
            "counts": counts,
            "count_cards": [
                ("全部", counts["total"], ""),
                *[(label, counts[key], key) for key, label in STATE_FILTERS],
            ],
            "filters": filters,
            "units": units,
            "state_choices": STATE_FILTERS,
            "school_types": SchoolType.choices,
            "flag_choices": [(k, label) for k, (label, _q) in FLAG_FILTERS.items()],
            "sorts": [(k, label) for k, (label, _o) in SORTS.items()],
            "now": now,
            "bulk_rows": any(r.bulk_ok for r in page),
            "sample_percent": round(SAMPLE_SHARE * 100),
        }
    )
    return render(request, "review/queue.html", context)
