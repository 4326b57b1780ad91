"""Thin views: parse the request, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils.dateparse import parse_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports.choices import OrgKind, Role
from reports.forms import OrgImportForm
from reports.selectors import (
    audit_events_visible_to,
    has_role,
    is_bureau_staff,
    units_visible_to,
    user_role,
    user_unit,
)
from reports.services.org_import import ImportRejected, SheetError, org_import, read_sheet


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = user_unit(request.user)
    context = {"unit": unit, "role": user_role(request.user)}
    if unit is not None and unit.is_school:
        from reports.report_views import school_home_context

        context.update(school_home_context(request))
    if unit is not None and is_bureau_staff(request.user):
        below = units_visible_to(request.user).exclude(pk=unit.pk)
        context["unit_counts"] = below.aggregate(
            schools=Count("pk", filter=Q(kind=OrgKind.SCHOOL)),
            others=Count("pk", filter=~Q(kind=OrgKind.SCHOOL)),
        )
    return render(request, "reports/home.html", context)


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    units = units_visible_to(request.user).select_related("parent")
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "reports/org_list.html", {"page": page, "q": query})


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(units_visible_to(request.user), pk=pk)
    children = unit.children.all()
    members = unit.memberships.select_related("user") if is_bureau_staff(request.user) else []
    return render(
        request, "reports/org_detail.html", {"unit": unit, "children": children, "members": members}
    )


@login_required
def org_import_view(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    form = OrgImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["sheet"]
        try:
            records = read_sheet(upload, upload.name)
            context["result"] = org_import(records=records, actor=request.user, request=request)
            messages.success(request, "导入成功")
        except SheetError as exc:
            form.add_error("sheet", str(exc))
        except ImportRejected as exc:
            context["errors"] = exc.errors
    return render(request, "reports/org_import.html", context)


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
        day = parse_date(filters[key]) if filters[key] else None
        if day is not None:
            events = events.filter(**{lookup: day})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = audit_events_visible_to(request.user).order_by().values_list("action", flat=True)
    return render(
        request,
        "reports/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "actions": sorted(set(actions)),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view, plus clearing the first-login flag once the password is changed."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        return response


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and static files; 200 when the database answers and the static
    manifest is in place (without it every page fails), else 503."""
    from django.conf import settings

    from reports.checks import static_manifest_problem

    status = {"database": "ok", "broker": "eager", "static": "ok"}
    static_problem = static_manifest_problem()
    if static_problem:
        status["static"] = static_problem
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        status["database"] = f"error: {type(exc).__name__}"
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        status["broker"] = _broker_status(settings.CELERY_BROKER_URL)
    healthy = status["database"] == "ok" and status["static"] == "ok"
    return JsonResponse(status, status=200 if healthy else 503)


def _broker_status(url: str) -> str:
    from portal.celery import app

    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # kombu raises transport-specific errors
        return f"error: {type(exc).__name__}"
