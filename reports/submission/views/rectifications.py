"""整改事项: the school adds or updates an item of its report's rectification list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from reports.rules import WorkflowError
from reports.services import reports as report_services
from reports.submission.access import visible_report
from reports.submission.forms import RectificationForm


@require_POST
@login_required
def rectification_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = visible_report(request, pk)
    form = RectificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "整改事项未保存：请填写问题，并检查日期格式")
        return redirect("report_detail", pk=pk)
    try:
        report_services.rectification_save(report=report, actor=request.user, **form.cleaned_data)
        messages.success(request, "整改事项已保存")
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect(f"{redirect('report_detail', pk=pk).url}#rectification")
