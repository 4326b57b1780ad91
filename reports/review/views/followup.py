"""Rectification follow-up (整改跟踪): the reviewer verifies or sends back a school's items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    F,
    IntegerField,
    Value,
    When,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports.choices import (
    RectificationStatus,
)
from reports.models import (
    RectificationItem,
)
from reports.review.access import require_staff
from reports.selectors import (
    scope_to_user,
)
from reports.workflow import (
    NotAllowed,
    WorkflowError,
    can_follow_up,
    rectification_send_back,
    rectification_verify,
)

PAGE_SIZE = 50


@login_required
def rectification_followup(request: HttpRequest) -> HttpResponse:
    """Open items across the user's schools, overdue ones first."""
    require_staff(request)
    today = timezone.localdate()
    items = (
        scope_to_user(RectificationItem.objects.all(), request.user, via="organization")
        .exclude(status=RectificationStatus.VERIFIED)
        .select_related("organization__parent", "report__campaign")
        .prefetch_related("events__actor")
        .annotate(
            overdue=Case(
                When(due_date__lt=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )
    status = request.GET.get("status", "")
    if status in RectificationStatus.values:
        items = items.filter(status=status)
    items = items.order_by("-overdue", F("due_date").asc(nulls_last=True), "organization__path")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.can_act = can_follow_up(request.user, item)
    return render(
        request,
        "review/rectifications.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                c for c in RectificationStatus.choices if c[0] != RectificationStatus.VERIFIED
            ],
        },
    )


def _followup_item(request: HttpRequest, pk: int) -> RectificationItem:
    item = get_object_or_404(
        scope_to_user(
            RectificationItem.objects.select_related("report__organization"),
            request.user,
            via="organization",
        ),
        pk=pk,
    )
    if not can_follow_up(request.user, item):
        raise PermissionDenied
    return item


@require_POST
@login_required
def rectification_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _followup_item(request, pk)
    try:
        rectification_verify(
            item_id=item.pk,
            reviewer=request.user,
            comment=request.POST.get("comment", "").replace("\x00", "").strip(),
            request=request,
        )
        messages.success(request, "已核实，该整改事项已闭环")
    except NotAllowed:
        raise PermissionDenied from None
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("rectification_followup")


@require_POST
@login_required
def rectification_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _followup_item(request, pk)
    try:
        rectification_send_back(
            item_id=item.pk,
            reviewer=request.user,
            comment=request.POST.get("comment", "").replace("\x00", ""),  # PostgreSQL: no NUL
            request=request,
        )
        messages.success(request, "已退回学校继续整改")
    except NotAllowed:
        raise PermissionDenied from None
    except WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("rectification_followup")
