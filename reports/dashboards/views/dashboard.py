"""Dashboards, exports and the API-token page. Thin: parse → selector/service → render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from reports.audit import audit_record
from reports.choices import ExportKind, ExportState, OrgKind
from reports.dashboards import queries
from reports.exports import service
from reports.models import Campaign, ExportJob, Organization, User
from reports.selectors import (
    campaigns_visible_to,
    is_bureau_staff,
    units_visible_to,
    user_unit,
)

ANSWER_COLOURS = ["#198754", "#ffc107", "#dc3545", "#adb5bd"]
STATE_COLOURS = ["#adb5bd", "#6c757d", "#0d6efd", "#fd7e14", "#198754", "#dc3545"]


def _require_staff(user: User) -> None:
    if not is_bureau_staff(user):
        raise PermissionDenied


def _default_unit(user: User, campaign: Campaign | None) -> Organization | None:
    unit = user_unit(user)
    if unit is None and user.is_superuser and campaign is not None:
        return campaign.target_unit
    return unit


def _pick(request: HttpRequest) -> tuple[list[Campaign], Campaign | None, Organization | None]:
    """The campaign (``?campaign=``, default the latest visible) and the unit (``?unit=``,
    default the user's own); 404 when either is outside the user's scope."""
    user = request.user
    campaigns = list(campaigns_visible_to(user)[:100])
    campaign = None
    if request.GET.get("campaign"):
        campaign = get_object_or_404(
            campaigns_visible_to(user), pk=_int(request.GET.get("campaign"))
        )
    elif campaigns:
        campaign = campaigns[0]
    unit = _default_unit(user, campaign)
    if request.GET.get("unit"):
        unit = get_object_or_404(units_visible_to(user), pk=_int(request.GET.get("unit")))
    return campaigns, campaign, unit


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _chart(kind: str, labels: list, datasets: list[dict], **options: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "datasets": datasets,
        **options,
    }


def dashboard_context(campaign: Campaign, unit: Organization, user: User) -> dict[str, Any]:
    """Everything the dashboard shows. A fixed number of queries whatever the number of units
    (see tests/test_dashboard.py and benchmarks/bench_dashboard.py)."""
    children = [] if unit.is_school else queries.children_of(unit)
    definitions = queries.number_indicators(campaign)
    items = queries.checklist_items(campaign)
    # Progress, indicators, checklist and flags, in total and per child: one scan.
    overview = queries.dashboard_pass(campaign, unit, user, definitions, items, children)
    progress = overview["progress"]
    timeliness = queries.timeliness(campaign, unit, user)
    indicators = overview["indicators"]
    by_child = overview["indicators_by_child"]
    checklist = overview["checklist"]
    flags = overview["flags"]
    attention = queries.attention(campaign, unit, user)
    charts: dict[str, Any] = {}
    if progress["children"]:
        charts["progress"] = _chart(
            "bar",
            [row.unit.name for row in progress["children"]],
            [
                {
                    "label": label,
                    "data": [row.counts[key] for row in progress["children"]],
                    "backgroundColor": colour,
                }
                for (key, label), colour in zip(
                    queries.STATE_COLUMNS[:5], STATE_COLOURS, strict=False
                )
            ],
            stacked=True,
            horizontal=True,
        )
    if timeliness["days"]:
        charts["timeliness"] = _chart(
            "bar",
            [f"{row['day']:%m-%d}" for row in timeliness["days"]],
            [
                {
                    "label": "当日首次提交",
                    "data": [row["count"] for row in timeliness["days"]],
                    "backgroundColor": [
                        "#dc3545" if row["after_deadline"] else "#0d6efd"
                        for row in timeliness["days"]
                    ],
                }
            ],
        )
    histograms = []
    for i, stat in enumerate(indicators["stats"]):
        if stat.count and stat.histogram:
            key = f"hist{i}"
            charts[key] = _chart(
                "bar",
                [bucket["label"] for bucket in stat.histogram],
                [
                    {
                        "label": "学校数",
                        "data": [bucket["count"] for bucket in stat.histogram],
                        "backgroundColor": [
                            "#dc3545" if _beyond(stat.definition, bucket) else "#0d6efd"
                            for bucket in stat.histogram
                        ],
                    }
                ],
            )
            histograms.append({"key": key, "stat": stat})
    if checklist:
        charts["checklist"] = _chart(
            "bar",
            [row["item"].text for row in checklist],
            [
                {
                    "label": label,
                    "data": [row["counts"][j] for row in checklist],
                    "backgroundColor": ANSWER_COLOURS[j],
                }
                for j, (_, label) in enumerate(queries.ANSWERS)
            ],
            stacked=True,
            horizontal=True,
        )
    flag_rows = [(label, flags["totals"][key]) for key, label in queries.FLAG_COLUMNS]
    if flags["totals"]["analysed"]:
        charts["flags"] = _chart(
            "bar",
            [label for label, _ in flag_rows],
            [{"label": "报告数", "data": [n for _, n in flag_rows], "backgroundColor": "#fd7e14"}],
            horizontal=True,
        )
    return {
        "campaign": campaign,
        "unit": unit,
        "progress": progress,
        "state_columns": queries.STATE_COLUMNS,
        "timeliness": timeliness,
        "indicators": indicators,
        "indicator_definitions": definitions,
        "indicators_by_child": by_child,
        "histograms": histograms,
        "checklist": checklist,
        "answer_labels": [label for _, label in queries.ANSWERS],
        "flags": flags,
        "flag_rows": flag_rows,
        "flag_child_columns": [
            column
            for column in queries.FLAG_COLUMNS
            if column[0] not in ("copied_schools", "copied_reference")
        ],
        "attention": attention,
        "charts": charts,
    }


def _beyond(definition, bucket: dict[str, Any]) -> bool:
    """Red only when every value the bucket can hold breaks the limit: [61, 70) over a
    60-minute cap is red, [56, 60] and a bucket of zeros under a zero cap are not."""
    low, high = bucket["low"], bucket["high"]
    if definition.policy_max is not None and low > definition.policy_max:
        return True
    if definition.policy_min is not None:
        below = high < definition.policy_min if bucket["closed"] else high <= definition.policy_min
        return below
    return False


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    campaigns, campaign, unit = _pick(request)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "unit": unit}
    if campaign is not None and unit is not None:
        context.update(dashboard_context(campaign, unit, request.user))
        context["breadcrumb"] = list(
            units_visible_to(request.user)
            .filter(pk__in=[*unit.ancestor_ids(), unit.pk])
            .order_by("depth")
        )
    return render(request, "reports/dashboard/index.html", context)


# ---------------------------------------------------------------- exports


class ExportForm(forms.Form):
    campaign = forms.ModelChoiceField(label="填报任务", queryset=Campaign.objects.none())
    unit = forms.ModelChoiceField(label="范围（单位）", queryset=Organization.objects.none())
    kind = forms.ChoiceField(label="导出内容", choices=ExportKind.choices)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_visible_to(user)
        self.fields["unit"].queryset = (
            units_visible_to(user).exclude(kind=OrgKind.SCHOOL).order_by("path")
        )
        self.fields["unit"].initial = user_unit(user)


@require_http_methods(["GET", "POST"])
@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    if not service.can_export(request.user):
        raise PermissionDenied
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = service.export_request(
            user=request.user,
            kind=form.cleaned_data["kind"],
            campaign=form.cleaned_data["campaign"],
            unit=form.cleaned_data["unit"],
            request=request,
        )
        if getattr(job, "dispatch_failed", False):
            messages.warning(request, service.BROKER_DOWN_MESSAGE)
        else:
            messages.success(request, f"已开始生成“{job.get_kind_display()}”，完成后可在下方下载。")
        return redirect("export_list")
    jobs = service.jobs_of(request.user)[:50]
    return render(
        request,
        "reports/exports/list.html",
        {
            "form": form,
            "jobs": jobs,
            "now": timezone.now(),
            "expire_days": settings.EXPORT_EXPIRE_DAYS,
        },
    )


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("campaign", "unit"), pk=pk)
    if job.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@require_GET
@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "reports/exports/_job.html", {"job": job, "now": timezone.now()})


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    if service.job_is_expired(job):
        return render(request, "reports/exports/expired.html", {"job": job}, status=410)
    if job.state != ExportState.DONE or not job.file:
        raise Http404
    audit_record(
        action="export_download",
        actor=request.user,
        target=job.filename,
        organization=job.unit,
        detail={"job": job.pk},
        request=request,
    )
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@require_GET
@login_required
def export_csv_stream(request: HttpRequest) -> StreamingHttpResponse:
    """The CSV streamed straight to the browser (no job, nothing stored): ``?campaign=&unit=``."""
    if not service.can_export(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=_int(request.GET.get("campaign")))
    unit = get_object_or_404(Organization, pk=_int(request.GET.get("unit")))
    service.check_export_scope(user=request.user, campaign=campaign, unit=unit)
    from reports.exports.csv_rows import iter_csv

    name = service.download_name(ExportKind.CSV, campaign, unit)
    audit_record(
        action="export_request",
        actor=request.user,
        target=f"CSV 明细（直接下载） · {campaign.title}",
        organization=unit,
        detail={"kind": "csv", "campaign": campaign.pk, "unit": unit.pk, "streamed": True},
        request=request,
    )
    response = StreamingHttpResponse(
        iter_csv(campaign=campaign, unit=unit, user=request.user),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# ---------------------------------------------------------------- API token


@require_http_methods(["GET", "POST"])
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """A bureau account creates or rotates its API token and sees how to call the API."""
    from rest_framework.authtoken.models import Token

    _require_staff(request.user)
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        audit_record(
            action="api_token_rotate",
            actor=request.user,
            target=request.user.username,
            organization=user_unit(request.user),
            request=request,
        )
        messages.success(request, "已生成新的接口令牌，旧令牌立即失效。")
        return redirect("api_token")
    token = Token.objects.filter(user=request.user).first()
    base = request.build_absolute_uri("/api/")
    return render(request, "reports/dashboard/api_token.html", {"token": token, "api_base": base})
