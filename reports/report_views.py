"""Campaign and report pages. Thin: parse → selector/service/workflow → render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports import report_form, validation
from reports.choices import CampaignStatus, ReportState, Role
from reports.forms import AttachmentForm, CampaignForm, DocumentImportForm, RectificationForm
from reports.models import Attachment, Campaign
from reports.selectors import (
    campaigns_visible_to,
    can_see_unit,
    has_role,
    is_bureau_staff,
    previous_report,
    rectifications_for_report,
    reports_visible_to,
    units_visible_to,
    user_unit,
)
from reports.services import reports as report_services
from reports.workflow import (
    SubmissionInvalid,
    WorkflowError,
    can_edit,
    report_submit,
    submission_window_error,
)

PENDING_KEY = "pending_autosave"


# ---------------------------------------------------------------- campaigns


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    campaigns = campaigns_visible_to(request.user)
    return render(
        request,
        "reports/campaign_list.html",
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
    return render(request, "reports/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
    if not is_bureau_staff(request.user):
        raise PermissionDenied
    reports = reports_visible_to(request.user).filter(campaign=campaign)
    counts = {state: 0 for state in ReportState.values}
    not_started = 0
    late = 0
    for state, revision, is_late in reports.values_list("state", "revision", "is_late"):
        counts[state] += 1
        not_started += state == ReportState.DRAFT and revision == 0
        late += is_late
    can_manage = has_role(request.user, Role.ADMIN) and can_see_unit(request.user, campaign.issuer)
    return render(
        request,
        "reports/campaign_detail.html",
        {
            "campaign": campaign,
            "counts": [(ReportState(s).label, n) for s, n in counts.items()],
            "not_started": not_started,
            "late": late,
            "total": sum(counts.values()),
            "can_manage": can_manage,
            "reports": reports.order_by("organization__path")[:500],
        },
    )


@login_required
def campaign_notice_file(request: HttpRequest, pk: int) -> FileResponse:
    """The notice attachment, for anyone the campaign is visible to (media is not public)."""
    import mimetypes
    from pathlib import Path

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


# ---------------------------------------------------------------- reports


def _report(request: HttpRequest, pk: int):
    return get_object_or_404(reports_visible_to(request.user), pk=pk)


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
    context = {
        "report": report,
        "campaign": report.campaign,
        "editable": editable,
        "errors": errors,
        "sections": report_form.section_rows(report, errors, typed),
        "indicator_rows": report_form.indicator_rows(report, previous_values, errors),
        "checklist_rows": report_form.checklist_rows(report, errors, typed),
        "rectifications": rectifications_for_report(report),
        "rectification_form": RectificationForm(),
        "attachments": report.attachments.all(),
        "attachment_form": AttachmentForm(),
        "versions": report.versions.order_by("-number"),
        "previous": previous,
        "window_error": submission_window_error(report),
        "is_past_deadline": timezone.now() > report.campaign.deadline,
        "upload_max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        **extra,
    }
    return render(request, "reports/report_form.html", context, status=status)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
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
    report = _report(request, pk)
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
            return render(request, "reports/_save_status.html", {"error": str(exc)}, status=409)
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
            "reports/_save_conflict.html",
            {"report": conflict.current, "diff": _conflict(conflict.current, data)},
            status=409,
        )
    except WorkflowError as exc:
        if request.htmx:
            return render(request, "reports/_save_status.html", {"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect("report_detail", pk=pk)
    if request.htmx:
        return render(
            request,
            "reports/_save_status.html",
            {"report": report, "field_errors": list(parsed.errors.values())},
        )
    if parsed.errors:
        messages.warning(
            request, "草稿已保存，但标出的内容需要修改（未保存的栏目仍显示您输入的文字）"
        )
        return _render_report(request, report, errors=parsed.errors, typed=request.POST)
    messages.success(request, "草稿已保存")
    return redirect("report_detail", pk=pk)


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
    from reports.models import Report

    report = Report.objects.select_related("campaign").filter(pk=pk).first()
    if report is None:
        return HttpResponse(status=404)
    stash = request.session.get(PENDING_KEY, {})
    stash[str(pk)] = {
        "revision": report_form.parse_revision(request.POST.get("revision")),
        "data": report_form.parse_post(report, request.POST),
    }
    request.session[PENDING_KEY] = stash
    return render(request, "reports/_save_status.html", {"expired": True, "pk": pk}, status=401)


@require_POST
@login_required
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not can_edit(request.user, report):
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
        version = report_submit(report_id=report.pk, actor=request.user, request=request)
    except report_services.EditConflict as conflict:
        messages.error(request, str(conflict) + "，请核对后再提交")
        return _render_report(
            request, conflict.current, status=409, conflict=_conflict(conflict.current, data)
        )
    except SubmissionInvalid as exc:
        messages.error(request, str(exc))
        report.refresh_from_db()
        return _render_report(request, report, errors=exc.errors, status=422, typed=request.POST)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("report_detail", pk=pk)
    late = "（逾期提交）" if version.is_late else ""
    messages.success(request, f"已提交第 {version.number} 版{late}，等待教育局审核")
    return redirect("report_detail", pk=pk)


@require_POST
@login_required
def report_copy_forward_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
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


@login_required
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a .docx/.pdf/.txt, see it split into sections, confirm to replace the draft."""
    from reports.documents import MAX_IMPORT_BYTES, DocumentError, extract_text, split_sections

    report = _report(request, pk)
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
    return render(request, "reports/report_import.html", context)


@require_POST
@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    from reports.documents import DocumentError

    report = _report(request, pk)
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
    report = _report(request, attachment.report_id)
    if not can_edit(request.user, report):
        raise PermissionDenied
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, "附件已删除")
    return redirect("report_detail", pk=report.pk)


@require_POST
@login_required
def rectification_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
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


def school_home_context(request: HttpRequest) -> dict:
    from reports.selectors import school_tasks

    now = timezone.now()
    tasks = []
    for report in school_tasks(request.user):
        days_left = (report.campaign.deadline - now).total_seconds() / 86400
        tasks.append(
            {
                "report": report,
                "days_left": int(days_left) if days_left >= 0 else None,
                "overdue": days_left < 0,
                "closed": report.campaign.status == CampaignStatus.CLOSED,
                "started": report_services.report_is_started(report),
            }
        )
    return {"tasks": tasks}
