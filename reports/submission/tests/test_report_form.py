"""The school's report form: autosave, conflicts, expired sessions, submission rules."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reports.choices import ReportState
from reports.models import AuditEvent, RectificationItem, Report, ReportVersion
from tests.factories import complete_content, fill, form_data, make_campaign
from tests.world import PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def report(world):
    campaign = make_campaign(world)
    return Report.objects.get(campaign=campaign, organization=world.school_a1)


def test_autosave_stores_the_text_and_shows_the_time(world, report, login):
    client = login(world.alice)
    response = client.post(f"/reports/{report.pk}/save/", form_data(report), **HTMX)
    report.refresh_from_db()
    assert response.status_code == 200
    assert "已保存" in response.content.decode()
    assert f'value="{report.revision}"' in response.content.decode()
    assert report.revision == 1
    assert report.sections["problems"] == "个别教师作业设计能力不足。"
    assert report.indicator_values["enrolment"] == 800


def test_a_stale_save_is_refused_and_shows_both_versions(world, report, login):
    fill(report, world.alice)  # the colleague saved: revision 0 → 1
    mine = complete_content()
    mine["sections"]["problems"] = "我写的问题"
    data = form_data(report, mine)
    data["revision"] = "0"
    response = login(world.alice).post(f"/reports/{report.pk}/save/", data, **HTMX)
    page = response.content.decode()
    report.refresh_from_db()
    assert response.status_code == 409
    assert "已被他人修改" in page
    assert "我写的问题" in page and "个别教师作业设计能力不足。" in page
    assert report.sections["problems"] == "个别教师作业设计能力不足。"


def test_an_expired_session_keeps_the_last_keystrokes_until_login(world, report):
    client = Client()
    data = form_data(report)
    data["section_problems"] = "登录过期时最后输入的文字"
    response = client.post(f"/reports/{report.pk}/save/", data, **HTMX)
    assert response.status_code == 401
    assert "登录已过期" in response.content.decode()
    report.refresh_from_db()
    assert report.revision == 0  # nothing written for an unknown user
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    page = client.get(f"/reports/{report.pk}/").content.decode()
    report.refresh_from_db()
    assert "已恢复" in page
    assert report.sections["problems"] == "登录过期时最后输入的文字"


def test_another_schools_report_is_404_everywhere(world, report, login):
    client = login(world.amy)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.post(f"/reports/{report.pk}/save/", form_data(report)).status_code == 404
    assert client.post(f"/reports/{report.pk}/submit/", form_data(report)).status_code == 404
    assert login(world.ben).get(f"/reports/{report.pk}/").status_code == 404


def test_a_reviewer_can_read_but_not_save_a_draft(world, report, login):
    client = login(world.rita)
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    client.post(f"/reports/{report.pk}/save/", form_data(report))
    report.refresh_from_db()
    assert report.revision == 0


def test_saving_without_a_csrf_token_is_refused(world, report):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    assert client.post(f"/reports/{report.pk}/save/", form_data(report)).status_code == 403


def test_submitting_creates_an_immutable_version(world, report, login):
    response = login(world.alice).post(f"/reports/{report.pk}/submit/", form_data(report))
    report.refresh_from_db()
    version = ReportVersion.objects.get(report=report)
    assert response.status_code == 302
    assert report.state == ReportState.SUBMITTED and report.version == 1
    assert version.sections["achievements"].startswith("学校全面落实作业公示制度")
    assert version.indicator_values["after_school_rate"] == 90.0  # computed, not asked
    assert "二、存在的问题" in version.text
    assert not version.is_late
    assert AuditEvent.objects.filter(action="report_submit", actor=world.alice).exists()
    with pytest.raises(ValueError):
        version.save()
    page = login(world.alice).get(f"/reports/{report.pk}/").content.decode()
    assert "已提交" in page and 'id="report-form"' not in page


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        (lambda c: c["sections"].update(problems="  "), "请填写“存在的问题”"),
        (lambda c: c["indicator_values"].update(homework_grade36=500), "不能大于 300分钟/天"),
        (
            lambda c: c["indicator_values"].update(after_school_students=900),
            "参加课后服务学生数（900）不能超过在校学生数（800）",
        ),
        (
            lambda c: c["indicator_values"].update(after_school_rate=50),
            "参与率应约为 90.0%（720÷800），与填写的 50% 不符",
        ),
        (
            lambda c: c["indicator_values"].update(enrolment="八百"),
            "请填写数字（现在填的是“八百”）",
        ),
        (
            lambda c: c["indicator_values"].pop("homework_grade36"),
            "请填写“三至六年级书面作业平均完成时间”",
        ),
        (
            lambda c: c["checklist_answers"].update(as_every_day={"answer": "partial", "note": ""}),
            "选择“部分落实”或“未落实”时，请说明情况",
        ),
        (lambda c: c["checklist_answers"].pop("hw_no_grade12"), "请选择落实情况"),
    ],
)
def test_submission_errors_are_shown_at_the_field_and_nothing_is_lost(
    world, report, login, change, field_message
):
    content = complete_content()
    change(content)
    response = login(world.alice).post(f"/reports/{report.pk}/submit/", form_data(report, content))
    page = response.content.decode()
    report.refresh_from_db()
    assert response.status_code == 422
    assert field_message in page
    assert report.state == ReportState.DRAFT and report.version == 0
    assert report.revision == 1  # what was typed is saved as a draft


@pytest.mark.parametrize(("participants", "refused"), [(101, True), (100, False)])
def test_after_school_participants_may_not_exceed_enrolment(
    world, report, login, participants, refused
):
    content = complete_content()
    content["indicator_values"].update(enrolment=100, after_school_students=participants)
    response = login(world.alice).post(f"/reports/{report.pk}/submit/", form_data(report, content))
    report.refresh_from_db()
    if refused:
        assert response.status_code == 422
        assert "参加课后服务学生数（101）不能超过在校学生数（100）" in response.content.decode()
        assert report.state == ReportState.DRAFT
    else:
        assert response.status_code == 302
        assert report.state == ReportState.SUBMITTED


def test_a_number_typed_in_words_is_kept_as_typed(world, report, login):
    data = form_data(report)
    data["ind_enrolment"] = "八百"
    login(world.alice).post(f"/reports/{report.pk}/save/", data, **HTMX)
    report.refresh_from_db()
    assert report.indicator_values["enrolment"] == "八百"


def test_a_submission_after_the_deadline_is_marked_late(world, login):
    campaign = make_campaign(
        world,
        opens_at=timezone.now() - timedelta(days=10),
        deadline=timezone.now() - timedelta(hours=1),
    )
    report = Report.objects.get(campaign=campaign, organization=world.school_a1)
    response = login(world.alice).post(
        f"/reports/{report.pk}/submit/", form_data(report), follow=True
    )
    report.refresh_from_db()
    assert report.is_late and report.state == ReportState.SUBMITTED
    assert "逾期" in response.content.decode()


def test_a_closed_campaign_refuses_submission_and_keeps_the_draft(world, report, login):
    from reports.services.reports import campaign_close

    campaign_close(campaign=report.campaign, actor=world.ada)
    response = login(world.alice).post(
        f"/reports/{report.pk}/submit/", form_data(report), follow=True
    )
    report.refresh_from_db()
    assert "已关闭，不再接收提交" in response.content.decode()
    assert report.state == ReportState.DRAFT
    assert report.sections["problems"] == "个别教师作业设计能力不足。"


def test_resubmitting_a_submitted_report_is_refused(world, report):
    from reports.workflow import InvalidTransition, report_submit

    fill(report, world.alice)
    report_submit(report_id=report.pk, actor=world.alice)
    with pytest.raises(InvalidTransition):
        report_submit(report_id=report.pk, actor=world.alice)


def test_copy_forward_fills_only_empty_places_from_the_previous_report(world, login):
    from reports.services.reports import campaign_close
    from reports.workflow import report_submit

    old = make_campaign(world, title="上一期", period="2024—2025学年第二学期", days_left=1)
    old_report = Report.objects.get(campaign=old, organization=world.school_a1)
    fill(old_report, world.alice)
    report_submit(report_id=old_report.pk, actor=world.alice)
    campaign_close(campaign=old, actor=world.ada)
    new = make_campaign(world, title="本期", days_left=20)
    report = Report.objects.get(campaign=new, organization=world.school_a1)
    fill(
        report,
        world.alice,
        {"sections": {"achievements": "本期新写的成效"}},
    )
    client = login(world.alice)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "从上一期报告带入" in page and "上一期：800" in page
    client.post(f"/reports/{report.pk}/copy-forward/")
    report.refresh_from_db()
    assert report.sections["achievements"] == "本期新写的成效"
    assert report.sections["problems"] == "个别教师作业设计能力不足。"
    assert report.indicator_values["enrolment"] == 800


def test_partial_checklist_answers_open_rectification_items_that_carry_over(world, login):
    from reports.workflow import report_submit

    old = make_campaign(world, title="上一期", days_left=1)
    old_report = Report.objects.get(campaign=old, organization=world.school_a1)
    content = complete_content()
    content["checklist_answers"]["as_every_day"] = {"answer": "partial", "note": "周五未开展"}
    fill(old_report, world.alice, content)
    report_submit(report_id=old_report.pk, actor=world.alice)
    item = RectificationItem.objects.get(organization=world.school_a1)
    assert item.checklist_code == "as_every_day" and "周五未开展" in item.problem
    new = make_campaign(world, title="本期", days_left=20)
    report = Report.objects.get(campaign=new, organization=world.school_a1)
    client = login(world.alice)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "周五未开展" in page and "遗留" in page
    client.post(
        f"/reports/{report.pk}/rectifications/",
        {
            "item_id": item.pk,
            "problem": item.problem,
            "measure": "增加周五课后服务",
            "status": "done",
        },
    )
    item.refresh_from_db()
    assert item.status == "done" and item.measure == "增加周五课后服务"
    assert "周五未开展" not in login(world.amy).get("/").content.decode()
