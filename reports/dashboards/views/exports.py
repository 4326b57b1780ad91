"""The export pages: request an export and list one's jobs, poll a job's progress, download
its file (410 once expired), and the CSV streamed straight to the browser."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from reports.audit import audit_record
from reports.choices import ExportKind, ExportState
from reports.dashboards import tasks
from reports.dashboards.access import int_param
from reports.dashboards.exports import jobs
from reports.dashboards.exports.csv_rows import iter_csv
from reports.dashboards.exports.names import download_name
from reports.dashboards.forms import ExportForm
from reports.models import Campaign, ExportJob, Organization


@require_http_methods(["GET", "POST"])
@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    if not jobs.can_export(request.user):
        raise PermissionDenied(jobs.EXPORT_REFUSED)
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        job = tasks.export_request(
            user=request.user,
            kind=form.cleaned_data["kind"],
            campaign=form.cleaned_data["campaign"],
            unit=form.cleaned_data["unit"],
            request=request,
        )
        if getattr(job, "dispatch_failed", False):
            messages.warning(request, tasks.BROKER_DOWN_MESSAGE)
        else:
            messages.success(request, f"已开始生成“{job.get_kind_display()}”，完成后可在下方下载。")
        return redirect("export_list")
    return render(
        request,
        "dashboards/exports/list.html",
        {
            "form": form,
            "jobs": jobs.jobs_of(request.user)[:50],
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
    return render(request, "dashboards/exports/_job.html", {"job": job, "now": timezone.now()})


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    if jobs.job_is_expired(job):
        return render(request, "dashboards/exports/expired.html", {"job": job}, status=410)
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
    if not jobs.can_export(request.user):
        raise PermissionDenied(jobs.EXPORT_REFUSED)
    campaign = get_object_or_404(Campaign, pk=int_param(request.GET.get("campaign")))
    unit = get_object_or_404(Organization, pk=int_param(request.GET.get("unit")))
    jobs.check_export_scope(user=request.user, campaign=campaign, unit=unit)
    name = download_name(ExportKind.CSV, campaign, unit)
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
