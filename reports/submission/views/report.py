"""The school's report form: the page, autosave (htmx) and 保存草稿, 提交, 带入上一期.

Thin: parse the POST (``reports.submission.report_form``) → service or workflow → render.
A save from an expired session is kept in the session and applied after login.

提交 is one request: save what the form holds, check the fields (an error summary, "有 N 处
需要修改"), then the self-check (``reports.submission.selfcheck``); when it finds something
the form comes back with the list and a “仍然提交” button that carries the revision it
checked (``selfcheck_seen``), so an unchanged draft is then submitted without a second
check, and a draft edited since is checked again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports import validation
from reports.choices import ReportState
from reports.models import Report
from reports.rules import (
    SubmissionInvalid,
    WorkflowError,
    can_edit,
    submission_window_error,
)
from reports.selectors import previous_report, rectifications_for_report, user_unit
from reports.services import reports as report_services
from reports.submission import report_form, selfcheck
from reports.submission.access import visible_report
from reports.submission.forms import (
    AttachmentForm,
    RectificationForm,
    empty_rectification_form_html,
)
from reports.workflow import report_submit

PENDING_KEY = "pending_autosave"


def _render_report(
    request: HttpRequest, report, errors=None, status=200, typed=None, **extra
) -> HttpResponse:
    """``typed``: the POST whose refused fields (``errors``) are shown again as typed."""
    errors = errors or {}
    previous = previous_report(report)
    previous_values = {}
    if previous is not None:
        version = previous.versions.order_by("-number").first()
        previous_values = version.indicator_values if version else {}
    editable = can_edit(request.user, report)
    sections = report_form.section_rows(report, errors, typed)
    indicator_rows = report_form.indicator_rows(report, previous_values, errors)
    checklist_rows = report_form.checklist_rows(report, errors, typed)
    context = {
        "report": report,
        "campaign": report.campaign,
        "editable": editable,
        "errors": errors,
        "error_summary": report_form.error_summary(
            sections, indicator_rows, checklist_rows, errors
        ),
        "sections": sections,
        "indicator_rows": indicator_rows,
        "checklist_rows": checklist_rows,
        "rectifications": rectifications_for_report(report),
        "rectification_form": RectificationForm(),
        "rectification_form_html": empty_rectification_form_html(),
        "attachments": report.attachments.all(),
        "attachment_form": AttachmentForm(),
        "versions": report.versions.select_related("submitted_by").order_by("-number"),
        "previous": previous,
        "window_error": submission_window_error(report),
        "is_past_deadline": timezone.now() > report.campaign.deadline,
        "upload_max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        **extra,
    }
    return render(request, "submission/report_form.html", context, status=status)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = visible_report(request, pk)
    restored = _restore_pending(request, report)
    if restored == "conflict":
        messages.warning(
            request,
            "登录过期期间暂存的内容与他人随后保存的内容冲突，已保留对方的内容；"
            "您暂存的内容显示在下方，请核对后复制使用。",
        )
    elif restored:
        messages.success(request, "登录过期前输入的内容已恢复并保存")
    return _render_report(request, report, pending=request.session.get(f"{PENDING_KEY}_shown"))


def _restore_pending(request: HttpRequest, report) -> bool | str:
    stash = request.session.get(PENDING_KEY, {}).pop(str(report.pk), None)
    if stash is None:
        return False
    request.session.modified = True
    if not can_edit(request.user, report):
        return False
    try:
        report_services.report_save_draft(
            report_id=report.pk, actor=request.user, revision=stash["revision"], **stash["data"]
        )
    except report_services.EditConflict:
        request.session[f"{PENDING_KEY}_shown"] = stash["data"]["sections"]
        return "conflict"
    report.refresh_from_db()
    return True


@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx) and the plain “保存草稿” button. Never loses what was sent: a field that
    cannot be stored (too long, not a finite number) gets a message, the rest is saved."""
    if not request.user.is_authenticated:
        return _stash_for_login(request, pk)
    report = visible_report(request, pk)
    parsed = report_form.parse_form(report, request.POST)
    data = parsed.data
    try:
        report = report_services.report_save_draft(
            report_id=report.pk,
            actor=request.user,
            revision=report_form.parse_revision(request.POST.get("revision")),
            **data,
        )
    except report_services.UnknownRevision as exc:
        if request.htmx:
            return _save_status({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return _render_report(
            request, exc.current, status=409, conflict=_conflict(exc.current, data)
        )
    except report_services.EditConflict as conflict:
        if not request.htmx:
            messages.error(request, str(conflict))
            return _render_report(
                request, conflict.current, status=409, conflict=_conflict(conflict.current, data)
            )
        return render(
            request,
            "submission/_save_conflict.html",
            {"report": conflict.current, "diff": _conflict(conflict.current, data)},
            status=409,
        )
    except WorkflowError as exc:
        if request.htmx:
            return _save_status({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect("report_detail", pk=pk)
    if request.htmx:
        return _save_status({"report": report, "field_errors": list(parsed.errors.values())})
    if parsed.errors:
        messages.warning(
            request, "草稿已保存，但标出的内容需要修改（未保存的栏目仍显示您输入的文字）"
        )
        return _render_report(request, report, errors=parsed.errors, typed=request.POST)
    messages.success(request, "草稿已保存")
    return redirect("report_detail", pk=pk)


def _save_status(context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The autosave's status line (htmx swaps it in beside the form). Rendered without the
    request: it shows no menu, so the page context processors (the navigation, its unread
    count query) would be work thrown away on every save."""
    return HttpResponse(render_to_string("reports/_save_status.html", context), status=status)


def _conflict(current, mine: dict) -> list[dict[str, str]]:
    rows = []
    for section in current.campaign.sections:
        theirs = current.sections.get(section["key"], "")
        ours = mine["sections"].get(section["key"], "")
        if theirs != ours:
            rows.append({"title": section["title"], "theirs": theirs, "mine": ours})
    return rows


def _stash_for_login(request: HttpRequest, pk: int) -> HttpResponse:
    """The session expired mid-typing: keep what was sent in the (new, anonymous) session.

    Django keeps session data across login, so the report page applies it after re-login.
    Nothing is written to the report until the user is known and allowed to edit it.
    """
    report = Report.objects.select_related("campaign").filter(pk=pk).first()
    if report is None:
        return HttpResponse(status=404)
    stash = request.session.get(PENDING_KEY, {})
    stash[str(pk)] = {
        "revision": report_form.parse_revision(request.POST.get("revision")),
        "data": report_form.parse_post(report, request.POST),
    }
    request.session[PENDING_KEY] = stash
    return _save_status({"expired": True, "pk": pk}, status=401)


@require_POST
@login_required
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = visible_report(request, pk)
    if not can_edit(request.user, report):
        if _own_submitted(request, report):  # the other click or tab got there first
            messages.info(request, f"这份报告已提交（第 {report.version} 版），无需重复提交")
            return redirect("report_detail", pk=pk)
        raise PermissionDenied
    parsed = report_form.parse_form(report, request.POST)
    data = parsed.data
    try:
        report = report_services.report_save_draft(
            report_id=report.pk,
            actor=request.user,
            revision=report_form.parse_revision(request.POST.get("revision")),
            **data,
        )
        if parsed.errors:  # a refused field: what is stored is not what the school sees
            errors = {**parsed.errors, **validation.report_errors(report)}
            errors.update({f: m for f, m in parsed.errors.items() if not f.startswith("ind_")})
            raise SubmissionInvalid(errors)
        errors = validation.report_errors(report)
        if errors:
            raise SubmissionInvalid(errors)
        if request.POST.get("selfcheck_seen") != str(report.revision):
            found = selfcheck.findings(report)
            if found:
                return _render_report(request, report, selfcheck=found)
        version = report_submit(report_id=report.pk, actor=request.user, request=request)
    except report_services.EditConflict as conflict:
        messages.error(request, str(conflict) + "，请核对后再提交")
        return _render_report(
            request, conflict.current, status=409, conflict=_conflict(conflict.current, data)
        )
    except SubmissionInvalid as exc:
        report.refresh_from_db()
        return _render_report(request, report, errors=exc.errors, status=422, typed=request.POST)
    except WorkflowError as exc:
        report.refresh_from_db()
        if _own_submitted(request, report):
            messages.info(request, f"这份报告已提交（第 {report.version} 版），无需重复提交")
        else:
            messages.error(request, str(exc))
        return redirect("report_detail", pk=pk)
    late = "（逾期提交）" if version.is_late else ""
    messages.success(request, f"已提交第 {version.number} 版{late}，等待教育局审核")
    return redirect("report_detail", pk=pk)


def _own_submitted(request: HttpRequest, report: Report) -> bool:
    """The school's own report, submitted and waiting: a second 提交 (a double click, a
    second tab) lands here after the first made the version."""
    unit = user_unit(request.user)
    return (
        unit is not None
        and unit.pk == report.organization_id
        and report.state in (ReportState.SUBMITTED, ReportState.UNDER_REVIEW)
    )


@require_POST
@login_required
def report_copy_forward_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = visible_report(request, pk)
    try:
        copied = report_services.report_copy_forward(report_id=report.pk, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        if copied:
            messages.success(request, "已从上一期报告带入空白的栏目和指标，请逐项核对更新")
        else:
            messages.info(request, "当前各栏目都已填写，没有需要带入的内容")
    return redirect("report_detail", pk=pk)
