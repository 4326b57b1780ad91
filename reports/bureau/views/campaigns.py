"""填报任务: the list, creating and editing a draft, deleting it, its progress page, publishing,
closing, the notice file."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports.bureau.forms import CampaignForm
from reports.choices import CampaignStatus, Role, SchoolType
from reports.counts import STATE_COUNTS, state_counts
from reports.models import Campaign
from reports.rules import WorkflowError
from reports.selectors import (
    campaigns_visible_to,
    can_see_unit,
    has_role,
    is_bureau_staff,
    reports_visible_to,
    units_visible_to,
    user_unit,
)
from reports.services import campaigns as campaign_services
from reports.services import reports as report_services


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    campaigns = campaigns_visible_to(request.user)
    return render(
        request,
        "bureau/campaign_list.html",
        {"campaigns": campaigns, "can_create": has_role(request.user, Role.ADMIN)},
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    return _campaign_form_page(request, Campaign())


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, "任务已发布，不能再修改")
        return redirect("campaign_detail", pk=pk)
    return _campaign_form_page(request, campaign)


def _campaign_form_page(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The form for a new or a draft task; a valid notice file survives a refused submit."""
    token = request.POST.get("notice_token", "")
    pending = campaign_services.pending_notice_name(user=request.user, token=token)
    form = CampaignForm(
        request.POST or None,
        request.FILES or None,
        instance=campaign,
        units=units_visible_to(request.user),
        pending_name=pending,
    )
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        if campaign.pk is None:
            campaign.issuer = user_unit(request.user) or campaign.target_unit
            campaign.created_by = request.user
        campaign.sections = form.sections()
        if pending and not form.new_upload():
            campaign.notice_file = campaign_services.pending_notice_take(
                user=request.user, token=token
            )
        try:
            campaign_services.campaign_save(
                campaign=campaign,
                indicators=list(form.cleaned_data["indicators"]),
                checklist_items=list(form.cleaned_data["checklist_items"]),
                actor=request.user,
                request=request,
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("campaign_detail", pk=campaign.pk)
        messages.success(request, "任务已保存为草稿，确认无误后请点击“发布”")
        return redirect("campaign_detail", pk=campaign.pk)
    if request.method == "POST" and (upload := form.new_upload()):
        token = campaign_services.pending_notice_store(user=request.user, upload=upload)
        pending = upload.name
    return render(
        request,
        "bureau/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "notice_token": token if pending else "",
            "pending_name": pending,
        },
    )


@require_POST
@login_required
def campaign_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    try:
        campaign_services.campaign_delete(campaign=campaign, actor=request.user, request=request)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("campaign_detail", pk=pk)
    messages.success(request, f"草稿任务“{campaign.title}”已删除")
    return redirect("campaign_list")


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    reports = reports_visible_to(request.user).filter(campaign=campaign)
    counts = state_counts(reports)  # the one definition every page shares
    can_manage = has_role(request.user, Role.ADMIN) and can_see_unit(request.user, campaign.issuer)
    return render(
        request,
        "bureau/campaign_detail.html",
        {
            "campaign": campaign,
            # the partition that adds up to 应报; 审核中 and 逾期 cut across it
            "counts": [
                (key, label, counts[key])
                for key, label in STATE_COUNTS
                if key not in ("under_review", "late")
            ],
            "total": counts["total"],
            "under_review": counts["under_review"],
            "late": counts["late"],
            "school_types": [SchoolType(t).label for t in campaign.target_school_types],
            "indicators": campaign.indicators.all(),
            "checklist": campaign.checklist_items.all(),
            "can_manage": can_manage,
            "reports": reports.order_by("organization__path")[:500],
        },
    )


@login_required
def campaign_notice_file(request: HttpRequest, pk: int) -> FileResponse:
    """The notice attachment, for anyone the campaign is visible to (media is not public)."""
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    if not campaign.notice_file:
        raise Http404
    name = Path(campaign.notice_file.name).name
    return FileResponse(
        campaign.notice_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    if not (has_role(request.user, Role.ADMIN) and can_see_unit(request.user, campaign.issuer)):
        raise PermissionDenied
    return campaign


@require_POST
@login_required
def campaign_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    if campaign.status == CampaignStatus.DRAFT and campaign.deadline <= timezone.now():
        messages.error(
            request,
            "截止时间已经过去，发布后所有应报学校会立即成为“逾期未交”；请先修改截止时间再发布",
        )
        return redirect("campaign_detail", pk=pk)
    try:
        count = report_services.campaign_publish(
            campaign=campaign, actor=request.user, request=request
        )
        messages.success(request, f"任务已发布，{count} 所学校可以开始填报")
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("campaign_detail", pk=pk)


@require_POST
@login_required
def campaign_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    report_services.campaign_close(campaign=campaign, actor=request.user, request=request)
    messages.success(request, "任务已关闭，不再接收提交")
    return redirect("campaign_detail", pk=pk)
