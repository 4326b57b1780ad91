"""Who may do what to a report, and the workflow's refusals.

The predicates answer for the pages (which buttons to show) and for ``reports.workflow``
(which guards every transition with them); the exceptions carry a Chinese message for the
user in ``str()``. Plain reads: nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from reports.choices import CampaignStatus, RectificationStatus, ReportState, ReviewKind, Role
from reports.models import RectificationItem, Report, User
from reports.selectors import user_role, user_unit

REVIEW_ROLES = (Role.REVIEWER, Role.ADMIN)


class WorkflowError(Exception):
    """A transition that may not happen; ``str()`` is a Chinese message for the user."""


class NotAllowed(WorkflowError):
    pass


class InvalidTransition(WorkflowError):
    pass


class StaleVersion(InvalidTransition):
    """The reviewer acted on a page that no longer shows the report as it is."""


class CommentRequired(WorkflowError):
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


def can_review(user: User, report: Report) -> bool:
    """A reviewer (or admin) at a strict ancestor unit of the school acts on its report.

    Decision: admins review too (a province admin is often the one who checks a county's
    work); supervisors only read. Superusers (operators) may act everywhere.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    unit = user_unit(user)
    if unit is None or user_role(user) not in REVIEW_ROLES:
        return False
    school = report.organization
    return school.pk != unit.pk and school.path.startswith(unit.path)


def can_follow_up(user: User, item: RectificationItem) -> bool:
    """The reviewers who review the school's reports verify its rectification items."""
    return can_review(user, item.report)


@dataclass(frozen=True)
class ReturnScope:
    """What a return that named sections or indicators reopened; the rest stays as submitted.

    ``comments``: the reviewer's comment per section key, shown above that section's box.
    """

    sections: frozenset[str]
    indicators: frozenset[str]
    comments: dict[str, str] = field(default_factory=dict)


def return_scope(report: Report) -> ReturnScope | None:
    """None when the whole report is editable: not returned, or returned with an overall
    comment only (which reopens everything, as before). Otherwise only the sections the
    return commented on and the indicators it named may change; the checklist stays too."""
    if report.state != ReportState.RETURNED:
        return None
    action = (
        report.review_actions.filter(kind=ReviewKind.RETURN)
        .order_by("-created_at", "-pk")
        .only("section_comments", "reopened_indicators")
        .first()
    )
    if action is None or not (action.section_comments or action.reopened_indicators):
        return None
    return ReturnScope(
        sections=frozenset(action.section_comments),
        indicators=frozenset(action.reopened_indicators),
        comments=dict(action.section_comments),
    )


def editable_sections(report: Report) -> set[str] | None:
    """The section keys the school may change now (None: all of them)."""
    scope = return_scope(report)
    return None if scope is None else set(scope.sections)


def can_update_rectification(user: User, item: RectificationItem) -> bool:
    """The school's own submitters update its items at any time, until they are verified
    (whatever the state of the report that raised them)."""
    unit = user_unit(user)
    return (
        unit is not None
        and unit.pk == item.organization_id
        and user_role(user) == Role.SUBMITTER
        and item.status != RectificationStatus.VERIFIED
    )
