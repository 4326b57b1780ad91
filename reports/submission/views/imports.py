"""导入已写好的报告: upload a .docx/.pdf/.txt, see it split into the campaign's sections,
confirm to replace the draft's sections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reports.documents import MAX_IMPORT_BYTES, DocumentError, extract_text, split_sections
from reports.rules import WorkflowError, can_edit
from reports.services import reports as report_services
from reports.submission import report_form
from reports.submission.access import visible_report
from reports.submission.forms import DocumentImportForm


@login_required
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a .docx/.pdf/.txt, see it split into sections, confirm to replace the draft."""
    report = visible_report(request, pk)
    if not can_edit(request.user, report):
        raise PermissionDenied
    form = DocumentImportForm(request.POST or None, request.FILES or None)
    context = {"report": report, "form": form}
    if request.method == "POST" and "confirm" in request.POST:
        parsed = report_form.parse_form(report, request.POST)
        try:
            report_services.report_save_draft(
                report_id=report.pk,
                actor=request.user,
                revision=report_form.parse_revision(request.POST.get("revision")),
                sections=parsed.data["sections"],
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("report_detail", pk=pk)
        refused = [m for f, m in parsed.errors.items() if f.startswith("section_")]
        for message in refused:
            messages.warning(request, message)
        done = "已按您确认的分栏导入草稿"
        messages.success(request, done + ("（上述栏目除外）" if refused else ""))
        return redirect("report_detail", pk=pk)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise DocumentError(
                    f"文件大小 {upload.size / 1024 / 1024:.1f} MB 超过上限 "
                    f"{MAX_IMPORT_BYTES // 1024 // 1024} MB"
                )
            text = extract_text(upload.read(), upload.name)
        except DocumentError as exc:
            form.add_error("document", str(exc))
        else:
            split = split_sections(text, report.campaign.sections)
            context["split"] = split
            context["preview"] = [
                {**s, "name": f"section_{s['key']}", "text": split.sections.get(s["key"], "")}
                for s in report.campaign.sections
            ]
    return render(request, "submission/report_import.html", context)
