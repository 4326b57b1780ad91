"""Every change of a report's state, in one place.

Each transition is one function: it locks the row, checks who acts and from which state,
writes the change and an audit entry in one transaction, and hands follow-up work (the
text analysis, notifications) to Celery only after commit. No view sets ``state`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from reports import events, notifications
from reports.audit import audit_record
from reports.choices import (
    Answer,
    RectificationStatus,
    ReportState,
    ReviewKind,
)
from reports.definitions import campaign_checklist_items, campaign_indicators
from reports.models import (
    RectificationItem,
    Report,
    ReportVersion,
    ReviewAction,
    User,
)
from reports.rules import (
    CommentRequired,
    InvalidTransition,
    NotAllowed,
    StaleVersion,
    SubmissionInvalid,
    WorkflowError,
    can_edit,
    can_follow_up,
    can_review,
    submission_window_error,
)
from reports.selectors import rectifications_for_report
from reports.services.rectifications import record_event
from reports.validation import report_errors, report_values_for_submit


@transaction.atomic
def report_submit(
    *, report_id: int, actor: User, request: HttpRequest | None = None
) -> ReportVersion:
    """draft / returned → submitted: validate, snapshot an immutable version, mark late."""
    report = (
        Report.objects.select_for_update()
        .select_related("campaign", "organization")
        .get(pk=report_id)
    )
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise InvalidTransition(f"报告当前状态为“{report.get_state_display()}”，不能再次提交")
    if not can_edit(actor, report):
        raise NotAllowed("只有本校的填报员可以提交本校的报告")
    window = submission_window_error(report)
    if window:
        raise WorkflowError(window)
    errors = report_errors(report)
    if errors:
        raise SubmissionInvalid(errors)
    now = timezone.now()
    late = now > report.campaign.deadline
    report.indicator_values = report_values_for_submit(report)
    _open_rectifications_from_checklist(report)
    version = ReportVersion.objects.create(
        report=report,
        number=report.version + 1,
        sections=report.sections,
        indicator_values=report.indicator_values,
        checklist_answers=report.checklist_answers,
        rectification=_rectification_snapshot(report),
        text=report.full_text(),
        is_late=late,
        submitted_by=actor,
        submitted_at=now,
    )
    from_state = report.state
    report.state = ReportState.SUBMITTED
    report.version = version.number
    report.submitted_at = now
    report.is_late = late
    report.updated_by = actor
    report.save()
    audit_record(
        action="report_submit",
        actor=actor,
        target=str(report),
        organization=report.organization,
        detail={"from": from_state, "to": report.state, "version": version.number, "late": late},
        request=request,
    )
    transaction.on_commit(lambda: _after_submit(version.pk))
    return version


def _after_submit(version_id: int) -> None:
    """Hook for follow-up work after a submission commits (analysis, notifications)."""
    events.version_submitted.send(sender=ReportVersion, version_id=version_id)


def _open_rectifications_from_checklist(report: Report) -> None:
    """部分落实 / 未落实 opens a rectification item (once per checklist item and report)."""
    items = {i.code: i.text for i in campaign_checklist_items(report.campaign)}
    existing = set(
        report.rectification_items.exclude(checklist_code="").values_list(
            "checklist_code", flat=True
        )
    )
    for code, answer in report.checklist_answers.items():
        if answer.get("answer") in (Answer.PARTIAL, Answer.NOT_DONE) and code not in existing:
            item = RectificationItem.objects.create(
                organization=report.organization,
                report=report,
                problem=f"{items.get(code, code)}：{answer.get('note', '')}".strip("："),
                checklist_code=code,
                status=RectificationStatus.OPEN,
            )
            label = Answer(answer["answer"]).label
            record_event(item=item, kind="created", actor=None, comment=f"自查清单：{label}")


def _rectification_snapshot(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "id": item.pk,
            "problem": item.problem,
            "measure": item.measure,
            "owner": item.owner,
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "status": item.status,
        }
        for item in rectifications_for_report(report)
    ]


# ---------------------------------------------------------------- review


def _locked(report_id: int) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("campaign", "organization")
        .get(pk=report_id)
    )


def _guard_reviewer(actor: User, report: Report) -> None:
    if not can_review(actor, report):
        raise NotAllowed("只有上级教育局的审核员可以审核这份报告")


def _guard_version(report: Report, version_number: int, *allowed: str) -> None:
    """``version_number`` is the version the reviewer was looking at."""
    if report.version != version_number:
        raise StaleVersion(
            f"学校已提交了第 {report.version} 版，您看到的是第 {version_number} 版。"
            "请刷新页面，查看最新版本后再操作"
        )
    if report.state not in allowed:
        raise StaleVersion(
            f"这份报告的第 {version_number} 版已经处理过了"
            f"（当前状态：{report.get_state_display()}），请刷新页面"
        )


def _current_version(report: Report) -> ReportVersion:
    return report.versions.get(number=report.version)


# What each review act is called in the audit log and in the school's notification.
_ACT_NAMES = {
    ReviewKind.APPROVE: ("report_approve", "approved"),
    ReviewKind.RETURN: ("report_return", "returned"),
    ReviewKind.REOPEN: ("report_reopen", "reopened"),
}


def _review_act(
    report: Report,
    reviewer: User,
    *,
    to_state: str,
    kind: str,
    comment: str,
    section_comments: dict[str, str] | None = None,
    request: HttpRequest | None = None,
) -> ReviewAction:
    """The write every review act shares: state, ReviewAction, audit entry, notification."""
    audit_name, notice = _ACT_NAMES[kind]
    from_state = report.state
    report.state = to_state
    report.save(update_fields=["state", "updated_at"])
    action = ReviewAction.objects.create(
        report=report,
        version=_current_version(report),
        kind=kind,
        comment=comment,
        section_comments=section_comments or {},
        actor=reviewer,
    )
    extra = {"section_comments": section_comments} if section_comments is not None else {}
    _review_audit(
        audit_name,
        actor=reviewer,
        report=report,
        from_state=from_state,
        comment=comment,
        request=request,
        **extra,
    )
    _notify_later(notice, action.pk)
    return action


def _review_audit(
    action: str,
    *,
    actor: User,
    report: Report,
    from_state: str,
    comment: str = "",
    request: HttpRequest | None = None,
    **extra: Any,
) -> None:
    audit_record(
        action=action,
        actor=actor,
        target=str(report),
        organization=report.organization,
        detail={
            "report": report.pk,
            "version": report.version,
            "from": from_state,
            "to": report.state,
            "comment": comment,
            **extra,
        },
        request=request,
    )


def _notify_later(event: str, action_id: int) -> None:
    def send() -> None:
        notifications.notify_review_action(event, action_id)

    transaction.on_commit(send)


@transaction.atomic
def report_open_review(
    *, report_id: int, reviewer: User, request: HttpRequest | None = None
) -> Report:
    """submitted → under_review when a reviewer presses 开始审核 (a POST). Idempotent.

    Reading a report never starts its review (a GET writes nothing); the open action names
    the reviewer who holds the report, so the queue can show it to the others.
    """
    report = _locked(report_id)
    _guard_reviewer(reviewer, report)
    if report.state == ReportState.UNDER_REVIEW:
        return report
    if report.state != ReportState.SUBMITTED:
        raise InvalidTransition(f"报告当前状态为“{report.get_state_display()}”，不能开始审核")
    _start_review(report, reviewer, request)
    return report


def _start_review(report: Report, reviewer: User, request: HttpRequest | None) -> None:
    """The write of 开始审核: state, an OPEN action naming the holder, the audit entry."""
    from_state = report.state
    report.state = ReportState.UNDER_REVIEW
    report.save(update_fields=["state", "updated_at"])
    ReviewAction.objects.create(
        report=report, version=_current_version(report), kind=ReviewKind.OPEN, actor=reviewer
    )
    _review_audit(
        "report_open_review", actor=reviewer, report=report, from_state=from_state, request=request
    )


def _start_if_submitted(
    report: Report, reviewer: User, version_number: int, request: HttpRequest | None
) -> None:
    """Acting on a submitted report (approve / return) starts its review first, so the log
    shows who took it; a stale page (another version) is refused by ``_guard_version``."""
    if report.state == ReportState.SUBMITTED and report.version == version_number:
        _start_review(report, reviewer, request)


@transaction.atomic
def report_approve(
    *,
    report_id: int,
    reviewer: User,
    version_number: int,
    comment: str = "",
    request: HttpRequest | None = None,
) -> ReviewAction:
    """under_review (or submitted: acting starts the review) → approved, optional comment."""
    report = _locked(report_id)
    _guard_reviewer(reviewer, report)
    if report.state in (ReportState.DRAFT, ReportState.RETURNED) and report.version == 0:
        raise InvalidTransition("报告还没有提交，不能审核通过")
    _start_if_submitted(report, reviewer, version_number, request)
    _guard_version(report, version_number, ReportState.UNDER_REVIEW)
    return _review_act(
        report,
        reviewer,
        to_state=ReportState.APPROVED,
        kind=ReviewKind.APPROVE,
        comment=(comment or "").strip(),
        request=request,
    )


@transaction.atomic
def report_return(
    *,
    report_id: int,
    reviewer: User,
    version_number: int,
    comment: str,
    section_comments: dict[str, str] | None = None,
    indicators: list[str] | None = None,
    request: HttpRequest | None = None,
) -> ReviewAction:
    """under_review (or submitted) → returned: the school revises and resubmits.

    Naming sections (``section_comments``) or ``indicators`` reopens only those
    (``rules.return_scope``); an overall comment alone reopens everything."""
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired("退回时必须填写审核意见")
    report = _locked(report_id)
    _guard_reviewer(reviewer, report)
    _start_if_submitted(report, reviewer, version_number, request)
    _guard_version(report, version_number, ReportState.UNDER_REVIEW)
    keys = {s["key"] for s in report.campaign.sections}
    sections = {
        key: text.strip()
        for key, text in (section_comments or {}).items()
        if key in keys and text and text.strip()
    }
    codes = {d.code for d in campaign_indicators(report.campaign)}
    action = _review_act(
        report,
        reviewer,
        to_state=ReportState.RETURNED,
        kind=ReviewKind.RETURN,
        comment=comment,
        section_comments=sections,
        request=request,
    )
    named = sorted(code for code in set(indicators or ()) if code in codes)
    if named:
        action.reopened_indicators = named
        action.save(update_fields=["reopened_indicators"])
    return action


@transaction.atomic
def report_reopen(
    *, report_id: int, reviewer: User, reason: str, request: HttpRequest | None = None
) -> ReviewAction:
    """approved → under_review, with a reason (logged)."""
    reason = (reason or "").strip()
    if not reason:
        raise CommentRequired("重新打开已通过的报告时必须填写原因")
    report = _locked(report_id)
    _guard_reviewer(reviewer, report)
    if report.state != ReportState.APPROVED:
        raise InvalidTransition(
            f"只有已通过的报告可以重新打开（当前状态：{report.get_state_display()}）"
        )
    return _review_act(
        report,
        reviewer,
        to_state=ReportState.UNDER_REVIEW,
        kind=ReviewKind.REOPEN,
        comment=reason,
        request=request,
    )


# ---------------------------------------------------------------- rectification follow-up


def _locked_item(item_id: int) -> RectificationItem:
    return (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("organization", "report__organization", "report__campaign")
        .get(pk=item_id)
    )


@transaction.atomic
def rectification_verify(
    *, item_id: int, reviewer: User, comment: str = "", request: HttpRequest | None = None
) -> RectificationItem:
    """Any not-yet-verified item → verified (核实): the problem is closed."""
    item = _locked_item(item_id)
    if not can_follow_up(reviewer, item):
        raise NotAllowed("只有上级教育局的审核员可以核实整改事项")
    if item.status == RectificationStatus.VERIFIED:
        raise InvalidTransition("这项整改已经核实过了")
    if not item.measure.strip():
        raise InvalidTransition("学校还没有填写整改措施，不能核实；可等学校填写后再核实")
    return _rectification_act(
        item, reviewer, RectificationStatus.VERIFIED, "verified", comment, request
    )


@transaction.atomic
def rectification_send_back(
    *, item_id: int, reviewer: User, comment: str, request: HttpRequest | None = None
) -> RectificationItem:
    """已整改 (done) → 整改中 (in progress): the reviewer does not accept the fix."""
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired("退回整改时必须说明原因")
    item = _locked_item(item_id)
    if not can_follow_up(reviewer, item):
        raise NotAllowed("只有上级教育局的审核员可以退回整改事项")
    if item.status != RectificationStatus.DONE:
        raise InvalidTransition(
            f"只有学校标为“已整改”的事项可以退回（当前：{item.get_status_display()}）"
        )
    return _rectification_act(
        item, reviewer, RectificationStatus.IN_PROGRESS, "sent_back", comment, request
    )


_RECTIFICATION_AUDIT = {"verified": "rectification_verify", "sent_back": "rectification_send_back"}


def _rectification_act(
    item: RectificationItem,
    reviewer: User,
    to_status: str,
    event: str,
    comment: str,
    request: HttpRequest | None,
) -> RectificationItem:
    """The write both follow-up acts share: status, audit entry, notification after commit."""
    from_status = item.status
    item.status = to_status
    item.save(update_fields=["status", "updated_at"])
    record_event(item=item, kind=event, actor=reviewer, from_status=from_status, comment=comment)
    audit_record(
        action=_RECTIFICATION_AUDIT[event],
        actor=reviewer,
        target=f"{item.organization} · {item.problem[:60]}",
        organization=item.organization,
        detail={"item": item.pk, "from": from_status, "to": item.status, "comment": comment},
        request=request,
    )
    transaction.on_commit(lambda: _notify_rectification(event, item.pk, comment))
    return item


def _notify_rectification(event: str, item_id: int, comment: str) -> None:
    notifications.notify_rectification(event, item_id, comment)
