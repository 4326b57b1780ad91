"""审计日志: the audit events of one's subtree, filtered by action, actor or unit and period,
and exported to XLSX. Read by the 审计员 role only (separation of duties: admins get 403)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reports.audit import ACTION_LABELS, action_label, audit_record
from reports.bureau import audit_query
from reports.selectors import audit_events_visible_to, can_read_audit_log, user_unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _events(request: HttpRequest):
    if not can_read_audit_log(request.user):
        raise PermissionDenied
    filters = audit_query.parse_filters(request.GET)
    events = audit_query.apply_filters(audit_events_visible_to(request.user), filters)
    return filters, events


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    filters, events = _events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "actor": audit_query.actor_text(event),
            "action": action_label(event.action),
            "change": audit_query.change_text(event),
        }
        for event in page
    ]
    present = audit_events_visible_to(request.user).order_by().values_list("action", flat=True)
    actions = sorted({*present.distinct()}, key=lambda a: (a not in ACTION_LABELS, action_label(a)))
    return render(
        request,
        "bureau/audit_log.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters.raw,
            "actions": [(a, action_label(a)) for a in actions],
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@login_required
def audit_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as XLSX (the period is the filter's dates); the export is audited."""
    filters, events = _events(request)
    content = audit_query.export_xlsx(events)
    audit_record(
        action="audit_export",
        actor=request.user,
        target="审计日志（XLSX）",
        organization=user_unit(request.user),
        detail={k: v for k, v in (filters.raw or {}).items() if v},
        request=request,
    )
    name = f"审计日志_{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
