"""审计日志: the audit events of one's subtree, filtered by action, actor and dates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from reports.choices import Role
from reports.selectors import audit_events_visible_to, has_role


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    events = audit_events_visible_to(request.user)
    filters = {
        key: request.GET.get(key, "").strip() for key in ("action", "actor", "since", "until")
    }
    if filters["action"]:
        events = events.filter(action=filters["action"])
    if filters["actor"]:
        events = events.filter(actor__username=filters["actor"])
    for key, lookup in (("since", "created_at__date__gte"), ("until", "created_at__date__lte")):
        try:
            day = parse_date(filters[key]) if filters[key] else None
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            day = None
        if day is not None:
            events = events.filter(**{lookup: day})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = audit_events_visible_to(request.user).order_by().values_list("action", flat=True)
    return render(
        request,
        "bureau/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "actions": sorted(set(actions)),
        },
    )
