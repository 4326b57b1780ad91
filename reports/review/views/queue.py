"""The review queue: one campaign's reports with state counts, filters, flags and sorting.

The reviewers' busiest page, kept lean (issue 17: under load its latency follows its own
CPU): the rows are read as tuples (``queries.QUEUE_ROW``), not model instances; the page's
query also carries the filtered total, so there is no separate COUNT; the state counts are
one aggregate; what a row shows (labels, dates, badges, its link) is prepared here, so the
template's row loop only prints values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from reports.approval_batches import SAMPLE_SHARE
from reports.choices import (
    AnalysisState,
    ReportState,
    SchoolType,
)
from reports.counts import STATE_COUNT_LABELS, is_not_started
from reports.review.access import require_staff
from reports.review.compiled import scope_key
from reports.review.copies import source_names
from reports.review.queries import (
    FLAG_FILTERS,
    SORTS,
    STATE_FILTERS,
    CampaignChoice,
    QueueQuery,
    QueueTuple,
    flag_badges,
    queue_campaigns,
    queue_counts,
    queue_page,
    queue_units,
)
from reports.selectors import campaigns_visible_to, units_visible_to

PAGE_SIZE = 50
STATE_LABELS = dict(ReportState.choices)
SCHOOL_TYPE_LABELS = dict(SchoolType.choices)
FLAG_CHOICES = [(key, label) for key, (label, _q) in FLAG_FILTERS.items()]
SORT_CHOICES = [(key, label) for key, (label, _o) in SORTS.items()]


@dataclass(slots=True)
class QueueSchool:
    name: str
    school_type_label: str
    parent_name: str


@dataclass(slots=True)
class QueueRow:
    """One report of the queue, as the template prints it."""

    pk: int
    url: str
    organization: QueueSchool
    version: int
    state_label: str
    holder: str | None
    late_label: str  # 逾期, 逾期未交 or ""
    submitted: str  # "m-d H:i" in the current time zone, or "—"
    analysis_state: str | None
    bulk_ok: bool
    flag_badges: list[str] = field(default_factory=list)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    user = request.user
    scope = scope_key(user)
    campaigns = queue_campaigns(user, scope)
    campaign = None
    wanted = request.GET.get("campaign", "")
    if wanted.isdecimal():  # not isdigit: int("²") fails
        campaign = next((c for c in campaigns if c.pk == int(wanted)), None)
        if campaign is None:  # a draft, or past the 50 listed
            visible = campaigns_visible_to(user).values_list(*CampaignChoice._fields)
            campaign = CampaignChoice._make(get_object_or_404(visible, pk=int(wanted)))
    elif campaigns:
        campaign = campaigns[0]
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign}
    if campaign is None:
        return render(request, "review/queue.html", context)

    now = timezone.now()
    units = queue_units(user, scope)
    filters = {
        "state": request.GET.get("state", ""),
        "unit": request.GET.get("unit", ""),
        "school_type": request.GET.get("school_type", ""),
        "late": request.GET.get("late", ""),
        "flag": request.GET.get("flag", ""),
        "sort": request.GET.get("sort", "risk"),
    }
    unit_path = ""
    if filters["unit"].isdecimal():
        unit = next((u for u in units if u.pk == int(filters["unit"])), None)
        if unit is None:
            visible = units_visible_to(user).values_list("path", flat=True)
            unit_path = get_object_or_404(visible, pk=int(filters["unit"]))
        else:
            unit_path = unit.path
    flag = filters["flag"]
    q = QueueQuery(
        scope=scope,
        campaign=campaign.pk,
        deadline_passed=campaign.deadline < now,
        state=filters["state"] if filters["state"] in STATE_COUNT_LABELS else "",
        unit_path=unit_path,
        school_type=filters["school_type"] if filters["school_type"] in SchoolType.values else "",
        late=filters["late"] == "1",
        flag=flag if flag in ("any", "clean") or flag in FLAG_FILTERS else "",
        sort=filters["sort"] if filters["sort"] in SORTS else "risk",
    )
    when = {"deadline": campaign.deadline, "now": now}
    page = queue_page(user, q, request.GET.get("page"), per_page=PAGE_SIZE, **when)
    page.object_list = _printed(page.object_list, deadline_passed=q.deadline_passed)
    counts = queue_counts(user, q, **when)
    context.update(
        {
            "page": page,
            "counts": counts,
            "count_cards": [
                ("全部", counts["total"], ""),
                *[(label, counts[key], key) for key, label in STATE_FILTERS],
            ],
            "filters": filters,
            "unit_options": [(u.pk, u.name, filters["unit"] == str(u.pk)) for u in units],
            "state_options": _options(STATE_FILTERS, filters["state"]),
            "school_type_options": _options(SchoolType.choices, filters["school_type"]),
            "flag_options": _options(FLAG_CHOICES, filters["flag"]),
            "sort_options": _options(SORT_CHOICES, filters["sort"]),
            "bulk_rows": any(r.bulk_ok for r in page.object_list),
            "sample_percent": round(SAMPLE_SHARE * 100),
        }
    )
    return render(request, "review/queue.html", context)


def _options(choices, current: str) -> list[tuple[str, str, bool]]:
    """A select's options as (value, label, selected)."""
    return [(value, label, value == current) for value, label in choices]


def _printed(tuples: list[QueueTuple], *, deadline_passed: bool) -> list[QueueRow]:
    """The page's tuples as the rows the template prints."""
    url = _report_url()
    rows = []
    for t in tuples:
        if t.is_late:
            late = "逾期"
        elif t.version == 0 and deadline_passed:
            late = "逾期未交"
        else:
            late = ""
        state = "未开始" if is_not_started(t) else STATE_LABELS.get(t.state, t.state)
        school_type = t.school_type
        analysed = t.version and t.analysis_state == AnalysisState.DONE
        rows.append(
            QueueRow(
                pk=t.pk,
                url=f"{url}{t.pk}/",
                organization=QueueSchool(
                    t.school,
                    SCHOOL_TYPE_LABELS.get(school_type, school_type),
                    t.parent or "",
                ),
                version=t.version,
                state_label=state,
                holder=t.holder,
                late_label=late,
                submitted=_minute(t.submitted_at),
                analysis_state=t.analysis_state,
                bulk_ok=t.bulk_ok,
                flag_badges=flag_badges(t.flags or {}, t.copied, source_names(t.copies))
                if analysed
                else [],
            )
        )
    return rows


def _minute(moment) -> str:
    """``{{ moment|date:"m-d H:i"|default:"—" }}``."""
    return timezone.localtime(moment).strftime("%m-%d %H:%M") if moment else "—"


def _report_url() -> str:
    """``/review/reports/`` as ``reverse`` spells it: a row's link is this and ``<pk>/``."""
    return reverse("review_report", args=[0]).removesuffix("0/")
