"""Bulk approval with a sampled audit: start a batch from the queue, approve its random sample
one by one, then approve the rest (``reports.approval_batches``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from reports.approval_batches import (
    approval_batch_finish,
    approval_batch_start,
    sample_status,
)
from reports.choices import ReportState
from reports.models import ApprovalBatch
from reports.review.access import require_staff
from reports.rules import WorkflowError
from reports.selectors import campaigns_visible_to, reports_visible_to

MAX_BATCH = 1000


@require_POST
@login_required
def bulk_start(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    raw = request.POST.get("campaign", "")
    campaign = get_object_or_404(
        campaigns_visible_to(request.user), pk=int(raw) if raw.isdecimal() else 0
    )
    ids = [int(v) for v in request.POST.getlist("report")[:MAX_BATCH] if v.isdecimal()]
    visible = set(reports_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    if not visible.issuperset(ids):
        raise Http404
    back = f"{reverse('review_queue')}?campaign={campaign.pk}&flag=clean"
    try:
        batch = approval_batch_start(
            reviewer=request.user,
            campaign=campaign,
            report_ids=ids,
            comment=request.POST.get("comment", "")[:2000],
            request=request,
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(
        request, f"已选 {len(batch.reports)} 份，请先逐份审核随机抽查的 {len(batch.sample)} 份"
    )
    return redirect("bulk_detail", pk=batch.pk)


def _own_batch(request: HttpRequest, pk: int) -> ApprovalBatch:
    require_staff(request)
    return get_object_or_404(
        ApprovalBatch.objects.select_related("campaign"), pk=pk, reviewer=request.user
    )


@require_GET
@login_required
def bulk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    ids = [int(k) for k in batch.reports]
    reports = {
        r.pk: r
        for r in reports_visible_to(request.user).filter(pk__in=ids).select_related("organization")
    }
    states = sample_status(batch)
    sample = [(reports[i], states.get(i)) for i in batch.sample if i in reports]
    rest = [reports[i] for i in sorted(ids) if i in reports and i not in batch.sample]
    context = {
        "batch": batch,
        "sample": sample,
        "rest": rest,
        "sample_done": all(state == ReportState.APPROVED for _, state in sample),
        "sample_returned": any(state == ReportState.RETURNED for _, state in sample),
        "approved": set(batch.approved),
    }
    return render(request, "review/bulk.html", context)


@require_POST
@login_required
def bulk_finish(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    try:
        batch = approval_batch_finish(batch_id=batch.pk, reviewer=request.user, request=request)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("bulk_detail", pk=pk)
    note = f"，{len(batch.skipped)} 份因已变化未通过" if batch.skipped else ""
    messages.success(request, f"已批量通过 {len(batch.approved)} 份{note}")
    return redirect("bulk_detail", pk=pk)
