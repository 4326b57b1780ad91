"""整改事项: the school's page of its rectification items, reached from its home page.

The school updates any item that is not yet verified, at any time (the report that raised it
may be submitted or approved long ago): measures, person responsible, deadline, status, a
note and an evidence file. Each item shows its history. A refused update re-renders the page
with what was typed (nothing is lost); a saved one returns to the item.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reports.choices import RectificationStatus
from reports.models import RectificationEvent, RectificationItem
from reports.rules import NotAllowed, WorkflowError, can_update_rectification
from reports.selectors import school_rectifications, scope_to_user, user_unit
from reports.services.rectifications import SCHOOL_STATUSES, rectification_update


class RectificationUpdateForm(forms.Form):
    measure = forms.CharField(
        label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    owner = forms.CharField(label="责任人", required=False, max_length=60)
    due_date = forms.DateField(
        label="完成时限",
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
        error_messages={"invalid": "请输入正确的日期，如 2026-06-30"},
    )
    status = forms.ChoiceField(label="状态", choices=[(s.value, s.label) for s in SCHOOL_STATUSES])
    comment = forms.CharField(label="本次说明", required=False, max_length=1000)
    evidence = forms.FileField(label="佐证材料（可选）", required=False)

    @classmethod
    def for_item(cls, item: RectificationItem, data=None, files=None) -> RectificationUpdateForm:
        initial = {
            "measure": item.measure,
            "owner": item.owner,
            "due_date": item.due_date,
            "status": item.status,
        }
        return cls(data, files, initial=initial, prefix=f"item{item.pk}")


def _school_only(request: HttpRequest) -> None:
    unit = user_unit(request.user)
    if unit is None or not unit.is_school:
        raise PermissionDenied


def _page(request: HttpRequest, bound: dict[int, RectificationUpdateForm] | None = None):
    items = list(school_rectifications(request.user))
    for item in items:
        item.can_update = can_update_rectification(request.user, item)
        if item.can_update:
            item.form = (bound or {}).get(item.pk) or RectificationUpdateForm.for_item(item)
    open_items = [i for i in items if i.status != RectificationStatus.VERIFIED]
    return render(
        request,
        "submission/rectification_items.html",
        {
            "open_items": open_items,
            "verified_items": [i for i in items if i.status == RectificationStatus.VERIFIED],
        },
        status=400 if bound else 200,
    )


@login_required
def school_rectifications_view(request: HttpRequest) -> HttpResponse:
    _school_only(request)
    return _page(request)


@require_POST
@login_required
def school_rectification_update(request: HttpRequest, pk: int) -> HttpResponse:
    _school_only(request)
    item = get_object_or_404(school_rectifications(request.user), pk=pk)
    form = RectificationUpdateForm.for_item(item, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "整改事项未保存，请按提示修改")
        return _page(request, {item.pk: form})
    upload = form.cleaned_data["evidence"]
    limit = settings.UPLOAD_MAX_BYTES
    if upload is not None and upload.size > limit:
        form.add_error("evidence", f"文件超过上限 {limit // 1024 // 1024} MB")
        return _page(request, {item.pk: form})
    data = form.cleaned_data
    try:
        rectification_update(
            item_id=item.pk,
            actor=request.user,
            measure=data["measure"].replace("\x00", ""),
            owner=data["owner"].replace("\x00", ""),
            due_date=data["due_date"],
            status=data["status"],
            comment=data["comment"].replace("\x00", ""),
            evidence=(upload.read(), upload.name) if upload is not None else None,
            max_bytes=limit,
            request=request,
        )
    except NotAllowed:
        raise PermissionDenied from None
    except WorkflowError as exc:
        messages.error(request, f"整改事项未保存：{exc}")
        return _page(request, {item.pk: form})
    messages.success(request, "整改事项已更新")
    return redirect(reverse("school_rectifications") + f"#item-{item.pk}")


@login_required
def rectification_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for the school and the units above it (media is not public)."""
    events = scope_to_user(
        RectificationEvent.objects.exclude(evidence=""), request.user, via="item__organization"
    )
    event = get_object_or_404(events, pk=pk)
    return FileResponse(event.evidence.open("rb"), as_attachment=True, filename=event.evidence_name)
