"""Notifications (in-app and e-mail) and the deadline reminders."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reports.models import Notification, ReminderSent, Report
from reports.notifications import send_deadline_reminders
from reports.workflow import report_approve, report_open_review, report_return, report_submit
from tests.factories import fill, make_campaign
from tests.test_review_workflow import resubmit

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def emails(world):
    for user in (world.alice, world.rita, world.ben):
        user.email = f"{user.username}@example.cn"
        user.save()
    return world


def submit(report, user, capture):
    fill(report, user)
    with capture(execute=True):
        report_submit(report_id=report.pk, actor=user)
    report.refresh_from_db()
    return report


def test_a_submission_notifies_the_reviewers_above_the_school(
    emails, django_capture_on_commit_callbacks, mailoutbox
):
    world = emails
    campaign = make_campaign(world)
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    submit(report, world.alice, django_capture_on_commit_callbacks)
    note = Notification.objects.get(user=world.rita)
    assert note.title == "甲县第一小学 提交了自查报告"
    assert note.url == f"/review/reports/{report.pk}/" and note.emailed_at is not None
    assert not Notification.objects.filter(user=world.ben).exists()
    assert [m.to for m in mailoutbox] == [["rita@example.cn"]]
    assert "甲县第一小学 提交了自查报告" in mailoutbox[0].subject


def test_return_and_approve_notify_the_school(
    emails, django_capture_on_commit_callbacks, mailoutbox, login
):
    world = emails
    campaign = make_campaign(world)
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    submit(report, world.alice, django_capture_on_commit_callbacks)
    report_open_review(report_id=report.pk, reviewer=world.rita)
    with django_capture_on_commit_callbacks(execute=True):
        report_return(
            report_id=report.pk,
            reviewer=world.rita,
            version_number=1,
            comment="数据不完整",
            section_comments={"problems": "请写明是哪些学科"},
        )
    returned = Notification.objects.get(user=world.alice, kind="report_returned")
    assert "数据不完整" in returned.body and "【存在的问题】请写明是哪些学科" in returned.body
    assert mailoutbox[-1].to == ["alice@example.cn"] and "请写明是哪些学科" in mailoutbox[-1].body
    assert not Notification.objects.filter(user=world.amy).exists()  # another school

    with django_capture_on_commit_callbacks(execute=True):
        resubmit(report, world.alice, "数学和英语学科作业偏多")
    again = Notification.objects.filter(user=world.rita).first()
    assert again.title == "甲县第一小学 重新提交了第 2 版自查报告"
    report_open_review(report_id=report.pk, reviewer=world.rita)
    with django_capture_on_commit_callbacks(execute=True):
        report_approve(report_id=report.pk, reviewer=world.rita, version_number=2)
    assert Notification.objects.get(user=world.alice, kind="report_approved").title == (
        "您的自查报告（第 2 版）已通过审核"
    )


def test_the_navbar_shows_the_unread_count_and_the_centre_marks_them_read(world, login):
    from reports.notifications import notify

    notify([world.alice], "test", "第一条", url="/review/notifications/")
    notify([world.alice], "test", "第二条")
    client = login(world.alice)
    page = client.get("/").content.decode()
    assert '<span class="badge text-bg-danger" id="unread-count">2</span>' in page
    centre = client.get("/review/notifications/").content.decode()
    assert "第一条" in centre and "第二条" in centre
    first = Notification.objects.get(title="第一条")
    response = client.get(f"/review/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/review/notifications/"
    assert 'id="unread-count">1<' in client.get("/").content.decode()
    client.post("/review/notifications/read-all/")
    assert 'id="unread-count"' not in client.get("/").content.decode()


def test_a_user_cannot_open_someone_elses_notification(world, login):
    from reports.notifications import notify

    (note,) = notify([world.alice], "test", "给 alice 的")
    assert login(world.amy).get(f"/review/notifications/{note.pk}/").status_code == 404
    assert login(world.amy).post("/review/notifications/read-all/").status_code == 302
    note.refresh_from_db()
    assert note.read_at is None


# ---------------------------------------------------------------- reminders


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SH)


@pytest.fixture
def campaign(world):
    with time_machine.travel(_at(1, 9), tick=False):
        campaign = make_campaign(world, deadline=_at(13, 17))
    return campaign


def test_reminders_go_three_days_before_in_daytime_only_and_once(world, campaign, mailoutbox):
    world.alice.email = "alice@example.cn"
    world.alice.save()
    with time_machine.travel(_at(10, 16), tick=False):
        assert send_deadline_reminders() == 0  # more than 3 days before the deadline
    with time_machine.travel(_at(11, 7, 30), tick=False):
        assert send_deadline_reminders() == 0  # 07:30 Beijing time: nobody is woken
    with time_machine.travel(_at(11, 9), tick=False):
        assert send_deadline_reminders() == 2  # A1 and A2 have not submitted
        assert send_deadline_reminders() == 0  # never twice
    with time_machine.travel(_at(11, 19), tick=False):
        assert send_deadline_reminders() == 0  # still the same 3-day reminder
    notes = Notification.objects.filter(kind="deadline_reminder")
    assert sorted(n.user.username for n in notes) == ["alice", "amy"]
    assert notes[0].title == "提醒：“甲县落实双减自查”将于 03月13日 17:00 截止"
    assert [m.to for m in mailoutbox] == [["alice@example.cn"]]
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"3d"}


def test_the_one_day_reminder_skips_schools_that_submitted(world, campaign):
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    with time_machine.travel(_at(12, 10), tick=False):
        fill(report, world.alice)
        report_submit(report_id=report.pk, actor=world.alice)
    with time_machine.travel(_at(12, 19, 59), tick=False):
        assert send_deadline_reminders() == 1
    assert list(ReminderSent.objects.values_list("organization__name", "kind")) == [
        ("甲县实验中学", "1d")
    ]
    with time_machine.travel(_at(12, 20, 0), tick=False):
        assert send_deadline_reminders() == 0


def test_no_reminder_a_week_before_or_after_the_deadline(world, campaign):
    with time_machine.travel(_at(6, 10), tick=False):
        assert send_deadline_reminders() == 0
    with time_machine.travel(_at(14, 10), tick=False):
        assert send_deadline_reminders() == 0


def test_the_beat_task_is_registered_under_its_name(world, campaign, eager_celery):
    from reports import tasks as review_tasks

    assert review_tasks.send_deadline_reminders.name == "reports.send_deadline_reminders"
    with time_machine.travel(_at(11, 9), tick=False):
        assert review_tasks.send_deadline_reminders.delay().get() == 2
