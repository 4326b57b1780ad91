"""A report's attachments: upload (checked by content), download (scoped), delete."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from reports.documents import DocumentError
from reports.models import Attachment
from reports.rules import WorkflowError, can_edit
from reports.selectors import reports_visible_to
from reports.services import reports as report_services
from reports.submission.access import visible_report
from reports.submission.forms import AttachmentForm


@require_POST
@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = visible_report(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect("report_detail", pk=pk)
    upload = form.cleaned_data["file"]
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        messages.error(
            request,
            f"文件大小 {upload.size / 1024 / 1024:.1f} MB 超过上限 {limit // 1024 // 1024} MB",
        )
        return redirect("report_detail", pk=pk)
    try:
        report_services.attachment_add(
            report=report,
            actor=request.user,
            data=upload.read(),
            filename=upload.name,
            max_bytes=limit,
        )
        messages.success(request, "附件已上传")
    except (DocumentError, WorkflowError) as exc:
        messages.error(request, str(exc))
    return redirect("report_detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=pk)
    get_object_or_404(reports_visible_to(request.user), pk=attachment.report_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@require_POST
@login_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=pk)
    report = visible_report(request, attachment.report_id)
    if not can_edit(request.user, report):
        raise PermissionDenied
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, "附件已删除")
    return redirect("report_detail", pk=report.pk)
