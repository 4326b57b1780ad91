"""In-app notifications (and e-mail), and the deadline reminders.

``notify`` writes one ``Notification`` row per user and sends an e-mail to each user who
has an address, through whatever ``EMAIL_BACKEND`` is configured (console in development,
locmem in tests, SMTP in production). Every caller runs after commit, never inside a
transaction that could still roll back.

``on_version_submitted`` listens to ``reports.events.version_submitted``; it is connected in
``ReportsConfig.ready``, so in every process (web and worker) alike.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from reports.choices import CampaignStatus, ReportState, Role
from reports.models import (
    Campaign,
    Notification,
    Organization,
    RectificationItem,
    ReminderSent,
    Report,
    ReportVersion,
    ReviewAction,
    User,
)

log = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
REMINDER_HOURS = (8, 20)  # local 08:00 ≤ now < 20:00
REMINDERS = (("1d", timedelta(days=1)), ("3d", timedelta(days=3)))


def notify(
    users: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    report: Report | None = None,
) -> list[Notification]:
    """One notification per distinct user; an e-mail to those with an address."""
    seen: set[int] = set()
    created = []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(
            Notification.objects.create(
                user=user, kind=kind, title=title[:200], body=body, url=url[:300], report=report
            )
        )
    for note in created:
        if note.user.email:
            _email(note)
    return created


def _email(note: Notification) -> None:
    link = f"\n\n{note.url}" if note.url else ""
    try:
        send_mail(
            subject=f"【减负自查报告平台】{note.title}",
            message=f"{note.body}{link}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[note.user.email],
        )
    except Exception:  # an SMTP problem must not lose the in-app notification
        log.exception("e-mail for notification %s failed", note.pk)
        return
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def school_submitters(organization_id: int):
    return User.objects.filter(
        membership__organization_id=organization_id,
        membership__role=Role.SUBMITTER,
        is_active=True,
    )


def reviewers_of(organization: Organization):
    """Reviewers at the units above the school (its strict ancestors)."""
    return User.objects.filter(
        membership__organization_id__in=organization.ancestor_ids(),
        membership__role=Role.REVIEWER,
        is_active=True,
    )


def review_url(report_id: int) -> str:
    return reverse("review_report", args=[report_id])


def feedback_url(report_id: int) -> str:
    return reverse("review_feedback", args=[report_id])


# ---------------------------------------------------------------- events


def on_version_submitted(sender, version_id: int, **kwargs) -> None:
    """Submitted / resubmitted → the reviewers of the school."""
    version = (
        ReportVersion.objects.select_related("report__organization", "report__campaign")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        return
    report = version.report
    again = version.number > 1
    late = "（逾期）" if version.is_late else ""
    title = (
        f"{report.organization.name} 重新提交了第 {version.number} 版自查报告{late}"
        if again
        else f"{report.organization.name} 提交了自查报告{late}"
    )
    notify(
        reviewers_of(report.organization),
        "report_resubmitted" if again else "report_submitted",
        title,
        f"任务：{report.campaign.title}",
        review_url(report.pk),
        report=report,
    )


def notify_review_action(event: str, action_id: int) -> None:
    """approved / returned / reopened → the school's submitters."""
    action = (
        ReviewAction.objects.select_related("report__organization", "report__campaign", "version")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        return
    report = action.report
    campaign = report.campaign.title
    if event == "approved":
        title = f"您的自查报告（第 {action.version.number} 版）已通过审核"
        body = f"任务：{campaign}" + (f"\n审核意见：{action.comment}" if action.comment else "")
    elif event == "returned":
        title = "您的自查报告被退回修改，请按审核意见修改后重新提交"
        titles = {s["key"]: s["title"] for s in report.campaign.sections}
        lines = [f"任务：{campaign}", f"审核意见：{action.comment}"]
        lines += [f"【{titles.get(k, k)}】{text}" for k, text in action.section_comments.items()]
        body = "\n".join(lines)
    else:
        title = "您已通过审核的自查报告被重新打开审核"
        body = f"任务：{campaign}\n原因：{action.comment}"
    notify(
        school_submitters(report.organization_id),
        f"report_{event}",
        title,
        body,
        feedback_url(report.pk),
        report=report,
    )


def notify_rectification(event: str, item_id: int, comment: str) -> None:
    """done → the reviewers above the school, linked to the follow-up page where they verify;
    verified / sent_back → the school's submitters, linked to its page of items where it acts."""
    item = (
        RectificationItem.objects.select_related("report", "organization")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return
    anchor = f"#item-{item.pk}"
    if event == "done":
        notify(
            reviewers_of(item.organization),
            "rectification_done",
            f"{item.organization.name} 已完成整改，请核实：{item.problem[:40]}",
            f"整改措施：{item.measure}",
            reverse("rectification_followup") + f"?status=done{anchor}",
            report=item.report,
        )
        return
    if event == "verified":
        title = f"整改事项已核实：{item.problem[:40]}"
    else:
        title = f"整改事项被退回，请继续整改：{item.problem[:40]}"
    body = f"说明：{comment}" if comment else ""
    notify(
        school_submitters(item.organization_id),
        f"rectification_{event}",
        title,
        body,
        reverse("school_rectifications") + anchor,
        report=item.report,
    )


# ---------------------------------------------------------------- deadline reminders


def reminder_kind(deadline, now) -> str | None:
    left = deadline - now
    if left <= timedelta(0):
        return None
    for kind, window in REMINDERS:
        if left <= window:
            return kind
    return None


def send_deadline_reminders(now=None) -> int:
    """Remind schools that have not submitted, 3 days and 1 day before the deadline.

    Only between 08:00 and 20:00 Asia/Shanghai (nothing is due at night, nobody is woken),
    only for published campaigns, only to schools whose report is a draft or returned, and
    never twice: a ``ReminderSent`` row per (campaign, school, kind) is written first.
    Runs hourly from Celery beat; returns how many schools were reminded.
    """
    now = now or timezone.now()
    local = timezone.localtime(now, LOCAL_TZ)
    if not (REMINDER_HOURS[0] <= local.hour < REMINDER_HOURS[1]):
        return 0
    campaigns = Campaign.objects.filter(
        status=CampaignStatus.PUBLISHED,
        opens_at__lte=now,
        deadline__gt=now,
        deadline__lte=now + REMINDERS[-1][1],
    )
    sent = 0
    for campaign in campaigns:
        kind = reminder_kind(campaign.deadline, now)
        if kind is None:
            continue
        pending = campaign.reports.filter(
            state__in=[ReportState.DRAFT, ReportState.RETURNED]
        ).select_related("organization")
        deadline = timezone.localtime(campaign.deadline, LOCAL_TZ)
        for report in pending:
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        campaign=campaign, organization=report.organization, kind=kind
                    )
            except IntegrityError:
                continue  # already reminded (or another worker is doing it right now)
            days = "1 天" if kind == "1d" else "3 天"
            notify(
                school_submitters(report.organization_id),
                "deadline_reminder",
                f"提醒：“{campaign.title}”将于 {deadline:%m月%d日 %H:%M} 截止",
                f"距截止还有不到 {days}，贵校的自查报告尚未提交。草稿会自动保存，"
                "填写完成后请点击“提交报告”。",
                reverse("report_detail", args=[report.pk]),
                report=report,
            )
            sent += 1
    return sent


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
