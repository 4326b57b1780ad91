"""填报任务: the list, creating a draft, its progress page, publishing, closing, the notice file."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reports.bureau.forms import CampaignForm
from reports.choices import Role
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
    units = units_visible_to(request.user)
    form = CampaignForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.issuer = user_unit(request.user) or campaign.target_unit
        campaign.created_by = request.user
        campaign.sections = form.sections()
        campaign.save()
        form.save_m2m()
        messages.success(request, "任务已保存为草稿，确认无误后请点击“发布”")
        return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "bureau/campaign_form.html", {"form": form})


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
            "counts": [(key, label, counts[key]) for key, label in STATE_COUNTS],
            "total": counts["total"],
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
