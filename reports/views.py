"""The core's pages: the home page, the account pages (login, password change, the e-mail
reset when it is on) and the health check. Feature pages live in the feature apps."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports.audit import audit_record
from reports.checks import static_manifest_problem
from reports.choices import CampaignStatus, OrgKind, RectificationStatus
from reports.forms import NoStaffPasswordResetForm
from reports.models import User
from reports.selectors import (
    is_bureau_staff,
    school_rectifications,
    school_tasks,
    units_visible_to,
    user_role,
    user_unit,
)
from reports.services.reports import report_is_started


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = user_unit(request.user)
    context = {"unit": unit, "role": user_role(request.user)}
    if unit is not None and unit.is_school:
        context["tasks"] = _school_task_rows(request.user)
        context["open_rectifications"] = (
            school_rectifications(request.user).exclude(status=RectificationStatus.VERIFIED).count()
        )
    if unit is not None and is_bureau_staff(request.user):
        below = units_visible_to(request.user).exclude(pk=unit.pk)
        context["unit_counts"] = below.aggregate(
            schools=Count("pk", filter=Q(kind=OrgKind.SCHOOL)),
            others=Count("pk", filter=~Q(kind=OrgKind.SCHOOL)),
        )
    return render(request, "reports/home.html", context)


def _school_task_rows(user: User) -> list[dict[str, Any]]:
    """The school's tasks with their deadline in days (None once past) for the home page."""
    now = timezone.now()
    rows = []
    for report in school_tasks(user):
        days_left = (report.campaign.deadline - now).total_seconds() / 86400
        rows.append(
            {
                "report": report,
                "days_left": int(days_left) if days_left >= 0 else None,
                "overdue": days_left < 0,
                "closed": report.campaign.status == CampaignStatus.CLOSED,
                "started": report_is_started(report),
            }
        )
    return rows


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
        user = self.request.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit_record(
            action="password_change",
            actor=user,
            target=user.username,
            organization=user_unit(user),
            request=self.request,
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mail reset's last step (only when ``PASSWORD_RESET_BY_EMAIL``), audited."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        audit_record(
            action="password_reset",
            actor=None,
            actor_name=user.username,
            target=user.username,
            organization=user_unit(user),
            detail={"user": user.pk, "by": "email"},
            request=self.request,
        )
        return response


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and static files; 200 when the database answers and the static
    manifest is in place (without it every page fails), else 503."""
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
    from portal.celery import app  # the Celery app only where it is used: views import no Celery

    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # kombu raises transport-specific errors
        return f"error: {type(exc).__name__}"
