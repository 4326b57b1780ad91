"""导入单位和账号: small sheets are imported in the request, large ones become an
``ImportJob`` run by Celery, whose page polls its progress."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from reports.bureau import import_jobs, tasks
from reports.bureau.forms import OrgImportForm
from reports.choices import ImportState, Role
from reports.models import ImportJob
from reports.selectors import has_role
from reports.services.org_import import ImportRejected, org_import
from reports.services.org_sheet import SheetError, read_sheet


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
                job = tasks.import_job_request(
                    actor=request.user, data=data, filename=upload.name, request=request
                )
                if getattr(job, "dispatch_failed", False):
                    messages.warning(request, tasks.BROKER_DOWN_MESSAGE)
                return redirect("org_import_job", job.pk)
            records = read_sheet(io.BytesIO(data), upload.name)
            context["result"] = org_import(records=records, actor=request.user, request=request)
            messages.success(request, "导入成功")
        except SheetError as exc:
            form.add_error("sheet", str(exc))
        except ImportRejected as exc:
            context["errors"] = exc.errors
    return render(request, "bureau/org_import.html", context)


def _own_import_job(request: HttpRequest, pk: int) -> ImportJob:
    """Only the requester sees an import job (it may hold generated passwords): else 404."""
    return get_object_or_404(import_jobs.import_jobs_of(request.user), pk=pk)


@require_GET
@login_required
@never_cache
def org_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_import_job(request, pk)
    return render(request, "bureau/org_import_job.html", {"job": job})


@require_GET
@login_required
@never_cache
def org_import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_import_job(request, pk)
    return render(request, "bureau/org_import_job_progress.html", {"job": job})


@require_POST
@login_required
def org_import_job_clear_passwords(request: HttpRequest, pk: int) -> HttpResponse:
    """我已保存密码: the generated passwords leave the job for good."""
    job = _own_import_job(request, pk)
    if job.state == ImportState.DONE:
        import_jobs.import_job_clear_passwords(job=job, actor=request.user)
        messages.success(request, "已删除系统保存的初始密码")
    return redirect("org_import_job", job.pk)
