"""The review page and its actions (approve, return, reopen, re-analyse); the school's
view of the comments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from reports import indicators
from reports.choices import (
    AnalysisState,
    ReportState,
    ReviewKind,
)
from reports.definitions import campaign_checklist_items, campaign_indicators
from reports.models import (
    AnalysisResult,
    Report,
    ReportVersion,
)
from reports.review.access import (
    posted_version_number,
    require_staff,
    reviewable_report,
    visible_report,
)
from reports.review.copies import copied_from, copies_of, side_by_side
from reports.review.diff import display_plain, resubmission_diff
from reports.review.forms import ApproveForm, ReopenForm, ReturnForm, form_html
from reports.review.highlight import flag_list, highlight
from reports.review.queries import holder_of
from reports.selectors import (
    is_bureau_staff,
    previous_report,
    rectifications_for_report,
)
from reports.tasks import enqueue_analysis
from reports.workflow import (
    CommentRequired,
    WorkflowError,
    can_review,
    report_approve,
    report_open_review,
    report_reopen,
    report_return,
)

# Approve and return are offered from 已提交 too: acting starts the review (logged as such).
OPEN_STATES = (ReportState.SUBMITTED, ReportState.UNDER_REVIEW)

ANSWERS = {"done": "已落实", "partial": "部分落实", "not_done": "未落实", "na": "不适用"}


def _analysis(version: ReportVersion | None) -> AnalysisResult | None:
    if version is None:
        return None
    return AnalysisResult.objects.filter(version=version).first()


def _indicator_rows(
    definitions: list, shown: ReportVersion | None, previous: Report | None
) -> list[dict[str, Any]]:
    """Each applicable indicator: this version's value beside last period's."""
    previous_values: dict[str, Any] = {}
    if previous is not None:
        last = previous.versions.order_by("-number").first()
        previous_values = last.indicator_values if last else {}
    values = shown.indicator_values if shown else {}
    return [
        {
            "definition": d,
            "value": display_plain(values.get(d.code)),
            "previous": display_plain(previous_values.get(d.code)),
        }
        for d in definitions
    ]


def _checklist_rows(report: Report, shown: ReportVersion | None) -> list[dict[str, Any]]:
    """The items asked of this school (学段, 寄宿: the form's rule), with its answers."""
    answers = shown.checklist_answers if shown else {}
    rows = []
    for item in indicators.applicable(
        campaign_checklist_items(report.campaign), report.organization
    ):
        answer = answers.get(item.code) or {}
        code = answer.get("answer", "")
        rows.append(
            {
                "item": item,
                "answer": ANSWERS.get(code, "未答"),
                "code": code,
                "note": answer.get("note", ""),
            }
        )
    return rows


def _render_review(request: HttpRequest, report: Report, *, status: int = 200, **forms_):
    campaign = report.campaign
    versions = list(report.versions.select_related("submitted_by").order_by("number"))
    shown = versions[-1] if versions else None
    wanted = request.GET.get("v", "")
    if wanted.isdecimal():  # not isdigit: int("²") fails
        shown = next((v for v in versions if v.number == int(wanted)), shown)
    analysis = _analysis(shown)
    previous = previous_report(report)
    indicator_definitions = indicators.applicable(
        campaign_indicators(campaign), report.organization
    )
    reviewer = can_review(request.user, report)
    is_latest = shown is not None and shown.number == report.version
    acting = reviewer and is_latest
    context = {
        "report": report,
        "campaign": campaign,
        "versions": versions,
        "shown": shown,
        "is_latest": is_latest,
        "analysis": analysis,
        "analysis_pending": shown is not None
        and (analysis is None or analysis.state in (AnalysisState.PENDING, AnalysisState.RUNNING)),
        "analysis_failed": analysis is not None and analysis.state == AnalysisState.FAILED,
        "highlighted": highlight(
            shown.text if shown else "",
            analysis.result if analysis and analysis.state == AnalysisState.DONE else None,
        ),
        "flag_items": flag_list(shown.text, analysis) if shown else [],
        "indicator_rows": _indicator_rows(indicator_definitions, shown, previous),
        "previous": previous,
        "checklist_rows": _checklist_rows(report, shown),
        "attachments": report.attachments.all(),
        "rectifications": rectifications_for_report(report),
        "actions": report.review_actions.select_related("actor", "version").order_by(
            "created_at", "pk"
        ),
        "section_titles": {s["key"]: s["title"] for s in campaign.sections},
        "diff": resubmission_diff(report, shown, versions) if shown else None,
        "can_act": reviewer,
        "copied_from": copied_from(request.user, report),
        "can_start": acting and report.state == ReportState.SUBMITTED,
        "holder": holder_of(report),
        "approve_form": _html(
            forms_.get("approve_form")
            or (ApproveForm() if acting and report.state in OPEN_STATES else None)
        ),
        "return_form": _html(
            forms_.get("return_form")
            or (
                ReturnForm(sections=campaign.sections, indicators=indicator_definitions)
                if acting and report.state in OPEN_STATES
                else None
            )
        ),
        "reopen_form": _html(
            forms_.get("reopen_form")
            or (ReopenForm() if acting and report.state == ReportState.APPROVED else None)
        ),
    }
    return render(request, "review/report.html", context, status=status)


def _html(form) -> SafeString | None:
    """A form offered on the page, as crispy renders it (``forms.form_html``), or None."""
    return None if form is None else form_html(form)


@require_GET
@login_required
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Reading a report writes nothing: 审核中 begins only with 开始审核 (``review_start``)."""
    report = visible_report(request, pk)
    require_staff(request)
    return _render_review(request, report)


@require_POST
@login_required
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    """开始审核: submitted → under_review, held by this reviewer (shown in the queue)."""
    report = reviewable_report(request, pk)
    try:
        report_open_review(report_id=report.pk, reviewer=request.user, request=request)
    except WorkflowError as exc:
        return _refused(request, pk, exc)
    messages.success(request, "已开始审核，其他审核员会在队列中看到由您审核")
    return redirect("review_report", pk=pk)


def _refused(request: HttpRequest, pk: int, exc: WorkflowError, **forms_) -> HttpResponse:
    messages.error(request, str(exc))
    status = 422 if isinstance(exc, CommentRequired) else 409
    return _render_review(request, visible_report(request, pk), status=status, **forms_)


@require_POST
@login_required
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = reviewable_report(request, pk)
    form = ApproveForm(request.POST)
    form.is_valid()
    try:
        report_approve(
            report_id=report.pk,
            reviewer=request.user,
            version_number=posted_version_number(request),
            comment=form.cleaned_data.get("comment", ""),
            request=request,
        )
    except WorkflowError as exc:
        return _refused(request, pk, exc)
    messages.success(request, "已审核通过，学校会收到通知")
    return redirect("review_report", pk=pk)


@require_POST
@login_required
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = reviewable_report(request, pk)
    form = ReturnForm(
        request.POST,
        sections=report.campaign.sections,
        indicators=indicators.applicable(campaign_indicators(report.campaign), report.organization),
    )
    if not form.is_valid():
        messages.error(request, "退回时必须填写审核意见")
        return _render_review(request, report, status=422, return_form=form)
    try:
        report_return(
            report_id=report.pk,
            reviewer=request.user,
            version_number=posted_version_number(request),
            comment=form.cleaned_data["comment"],
            section_comments=form.section_comments(),
            indicators=form.cleaned_data.get("indicators") or [],
            request=request,
        )
    except WorkflowError as exc:
        return _refused(request, pk, exc, return_form=form)
    messages.success(request, "已退回学校修改，学校会收到您的意见")
    return redirect("review_report", pk=pk)


@require_POST
@login_required
def review_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    report = reviewable_report(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "重新打开已通过的报告时必须填写原因")
        return _render_review(request, report, status=422, reopen_form=form)
    try:
        report_reopen(
            report_id=report.pk,
            reviewer=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except WorkflowError as exc:
        return _refused(request, pk, exc)
    messages.success(request, "报告已重新打开，可以再次审核")
    return redirect("review_report", pk=pk)


@require_POST
@login_required
def review_reanalyze(request: HttpRequest, pk: int) -> HttpResponse:
    """Retry a failed analysis."""
    report = reviewable_report(request, pk)
    version = report.versions.filter(number=report.version).first()
    if version is None:
        raise PermissionDenied
    enqueue_analysis(version.pk)
    messages.success(request, "已重新提交分析，请稍后刷新页面")
    return redirect("review_report", pk=pk)


@login_required
def review_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The review comments as the school reads them (everyone who sees the report may)."""
    report = visible_report(request, pk)
    actions = (
        report.review_actions.exclude(kind=ReviewKind.OPEN)
        .select_related("actor", "version")
        .order_by("-created_at", "-pk")
    )
    rows = []
    for action in actions:
        rows.append(
            {
                "action": action,
                "sections": [
                    {
                        "title": s["title"],
                        "comment": action.section_comments.get(s["key"], ""),
                        "text": action.version.sections.get(s["key"], ""),
                    }
                    for s in report.campaign.sections
                    if action.section_comments.get(s["key"])
                ],
            }
        )
    return render(
        request,
        "review/feedback.html",
        {"report": report, "rows": rows, "is_staff": is_bureau_staff(request.user)},
    )


@require_GET
@login_required
def review_copies(request: HttpRequest, pk: int) -> HttpResponse:
    """The side-by-side view of one copy source: every shared passage aligned, then both
    texts (the other school's only if this reviewer may see that report)."""
    report = visible_report(request, pk)
    require_staff(request)
    versions = list(report.versions.order_by("number"))
    wanted = request.GET.get("v", "")
    shown = next((v for v in versions if wanted.isdecimal() and v.number == int(wanted)), None)
    shown = shown or (versions[-1] if versions else None)
    analysis = _analysis(shown)
    view = side_by_side(
        request.user,
        shown.text if shown else "",
        copies_of(analysis),
        request.GET.get("source", ""),
    )
    if view is None or not view["pairs"]:
        raise Http404
    return render(request, "review/copies.html", {"report": report, "shown": shown, **view})
