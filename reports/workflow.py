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

from reports.audit import audit_record
from reports.choices import Answer, CampaignStatus, RectificationStatus, ReportState, Role
from reports.models import (
    RectificationItem,
    Report,
    ReportVersion,
    User,
)
from reports.selectors import user_role, user_unit


class WorkflowError(Exception):
    """A transition that may not happen; ``str()`` is a Chinese message for the user."""


class NotAllowed(WorkflowError):
    pass


class InvalidTransition(WorkflowError):
    pass


class SubmissionInvalid(WorkflowError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("报告还有未填写或填写有误的地方，请按提示修改后再提交")
        self.errors = errors


def can_edit(user: User, report: Report) -> bool:
    """Only the school's own submitters edit, and only a draft or a returned report."""
    unit = user_unit(user)
    return (
        unit is not None
        and unit.pk == report.organization_id
        and user_role(user) == Role.SUBMITTER
        and report.state in (ReportState.DRAFT, ReportState.RETURNED)
    )


def submission_window_error(report: Report, now=None) -> str | None:
    campaign = report.campaign
    now = now or timezone.now()
    if campaign.status == CampaignStatus.DRAFT:
        return "该填报任务尚未发布"
    if campaign.status == CampaignStatus.CLOSED:
        return "该填报任务已关闭，不再接收提交。您的草稿已保留，如需补报请联系教育局。"
    if now < campaign.opens_at:
        return f"该填报任务 {timezone.localtime(campaign.opens_at):%Y-%m-%d %H:%M} 开始接收提交"
    return None


@transaction.atomic
def report_submit(
    *, report_id: int, actor: User, request: HttpRequest | None = None
) -> ReportVersion:
    """draft / returned → submitted: validate, snapshot an immutable version, mark late."""
    from reports.services.reports import report_errors, report_values_for_submit

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
    from reports import signals

    signals.version_submitted.send(sender=ReportVersion, version_id=version_id)


def _open_rectifications_from_checklist(report: Report) -> None:
    """部分落实 / 未落实 opens a rectification item (once per checklist item and report)."""
    items = {i.code: i.text for i in report.campaign.checklist_items.all()}
    existing = set(
        report.rectification_items.exclude(checklist_code="").values_list(
            "checklist_code", flat=True
        )
    )
    for code, answer in report.checklist_answers.items():
        if answer.get("answer") in (Answer.PARTIAL, Answer.NOT_DONE) and code not in existing:
            RectificationItem.objects.create(
                organization=report.organization,
                report=report,
                problem=f"{items.get(code, code)}：{answer.get('note', '')}".strip("："),
                checklist_code=code,
                status=RectificationStatus.OPEN,
            )


def _rectification_snapshot(report: Report) -> list[dict[str, Any]]:
    from reports.selectors import rectifications_for_report

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
