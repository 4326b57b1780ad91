"""Thin views: parse the request, call a selector or service, render."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.dateparse import parse_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from reports.choices import ImportState, OrgKind, Role
from reports.forms import NoStaffPasswordResetForm, OrgImportForm
from reports.models import ImportJob
from reports.selectors import (
    audit_events_visible_to,
    has_role,
    is_bureau_staff,
    units_visible_to,
    user_role,
    user_unit,
)
from reports.services import import_jobs
from reports.services.accounts import account_password_reset, accounts_resettable_by
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
    resettable = set(
        accounts_resettable_by(request.user)
        .filter(membership__organization=unit)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "reports/org_detail.html",
        {"unit": unit, "children": children, "members": members, "resettable": resettable},
    )


@require_POST
@login_required
@never_cache
def member_password_reset(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """重置密码: an admin gives an account of their subtree a one-time password, shown once."""
    unit = get_object_or_404(units_visible_to(request.user), pk=pk)
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    target = get_object_or_404(
        accounts_resettable_by(request.user), pk=user_pk, membership__organization=unit
    )
    password = account_password_reset(actor=request.user, user=target, request=request)
    return render(
        request,
        "reports/member_password_reset.html",
        {"unit": unit, "target": target, "password": password},
    )


@login_required
@never_cache
def org_import_view(request: HttpRequest) -> HttpResponse:
    """Small sheets are imported in the request; large ones become an ``ImportJob``."""
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    form = OrgImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "jobs": import_jobs.import_jobs_of(request.user)[:10]}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["sheet"]
        data = upload.read()
        try:
            if import_jobs.needs_job(data, upload.name):
                job = import_jobs.import_job_request(
                    actor=request.user, data=data, filename=upload.name, request=request
                )
                if getattr(job, "dispatch_failed", False):
                    messages.warning(request, import_jobs.BROKER_DOWN_MESSAGE)
                return redirect("org_import_job", job.pk)
            records = read_sheet(io.BytesIO(data), upload.name)
            context["result"] = org_import(records=records, actor=request.user, request=request)
            messages.success(request, "导入成功")
        except SheetError as exc:
            form.add_error("sheet", str(exc))
        except ImportRejected as exc:
            context["errors"] = exc.errors
    return render(request, "reports/org_import.html", context)


def _own_import_job(request: HttpRequest, pk: int) -> ImportJob:
    """Only the requester sees an import job (it may hold generated passwords): else 404."""
    return get_object_or_404(import_jobs.import_jobs_of(request.user), pk=pk)


@require_GET
@login_required
@never_cache
def org_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_import_job(request, pk)
    return render(request, "reports/org_import_job.html", {"job": job})


@require_GET
@login_required
@never_cache
def org_import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_import_job(request, pk)
    return render(request, "reports/org_import_job_progress.html", {"job": job})


@require_POST
@login_required
def org_import_job_clear_passwords(request: HttpRequest, pk: int) -> HttpResponse:
    """我已保存密码: the generated passwords leave the job for good."""
    job = _own_import_job(request, pk)
    if job.state == ImportState.DONE:
        import_jobs.import_job_clear_passwords(job=job, actor=request.user)
        messages.success(request, "已删除系统保存的初始密码")
    return redirect("org_import_job", job.pk)


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


class LoginView(auth_views.LoginView):
    """Django's login; the page offers the e-mail reset only when it is turned on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_reset_by_email"] = _email_reset_on()
        return context


def _email_reset_on() -> bool:
    return bool(getattr(settings, "PASSWORD_RESET_BY_EMAIL", False))


def email_reset_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The e-mail reset pages answer 404 unless ``PASSWORD_RESET_BY_EMAIL`` is on
    (read at each request: recovery normally goes through an admin's 重置密码)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _email_reset_on():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class PasswordResetView(auth_views.PasswordResetView):
    form_class = NoStaffPasswordResetForm


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
