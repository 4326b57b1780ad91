"""Review transitions: guards, review actions, audit entries, and the pages that call them."""

import pytest
from django.test import Client

from reports.choices import ReportState, ReviewKind
from reports.models import AuditEvent, Report, ReviewAction
from reports.workflow import (
    CommentRequired,
    InvalidTransition,
    NotAllowed,
    StaleVersion,
    report_approve,
    report_open_review,
    report_reopen,
    report_return,
    report_submit,
)
from tests.factories import complete_content, fill, form_data, make_campaign


def submitted_report(world, *, school=None, user=None, campaign=None) -> Report:
    """A report of ``school`` (A1 by default) filled and submitted by its submitter."""
    campaign = campaign or make_campaign(world)
    report = Report.objects.get(campaign=campaign, organization=school or world.school_a1)
    fill(report, user or world.alice)
    report_submit(report_id=report.pk, actor=user or world.alice)
    report.refresh_from_db()
    return report


def under_review(world, **kwargs) -> Report:
    report = submitted_report(world, **kwargs)
    return report_open_review(report_id=report.pk, reviewer=world.rita)


def resubmit(report: Report, user, problems: str) -> Report:
    report.refresh_from_db()
    content = complete_content()
    content["sections"]["problems"] = problems
    fill(report, user, content)
    report_submit(report_id=report.pk, actor=user)
    report.refresh_from_db()
    return report


@pytest.fixture
def report(world):
    return submitted_report(world)


# ---------------------------------------------------------------- transitions


def test_reading_the_review_page_leaves_a_submitted_report_submitted(world, report, login):
    response = login(world.rita).get(f"/review/reports/{report.pk}/")
    report.refresh_from_db()
    assert response.status_code == 200
    assert report.state == ReportState.SUBMITTED
    assert "开始审核" in response.content.decode()
    assert not ReviewAction.objects.exists()
    assert not AuditEvent.objects.filter(action="report_open_review").exists()


def test_pressing_start_review_puts_a_submitted_report_under_review(world, report, login):
    response = login(world.rita).post(
        f"/review/reports/{report.pk}/start/", REMOTE_ADDR="10.1.2.3", follow=True
    )
    report.refresh_from_db()
    assert response.status_code == 200
    assert report.state == ReportState.UNDER_REVIEW
    assert "审核中" in response.content.decode()
    action = ReviewAction.objects.get(report=report)
    assert (action.kind, action.actor, action.version.number) == (ReviewKind.OPEN, world.rita, 1)
    event = AuditEvent.objects.get(action="report_open_review")
    assert event.actor == world.rita and event.ip_address == "10.1.2.3"
    assert event.detail["from"] == "submitted" and event.detail["to"] == "under_review"


def test_start_review_refuses_a_get(world, report, login):
    assert login(world.rita).get(f"/review/reports/{report.pk}/start/").status_code == 405
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_supervisor_may_not_start_a_review(world, report, login):
    assert login(world.sam).post(f"/review/reports/{report.pk}/start/").status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_starting_twice_writes_one_open_action(world, report, login):
    client = login(world.rita)
    client.post(f"/review/reports/{report.pk}/start/")
    client.post(f"/review/reports/{report.pk}/start/")
    assert ReviewAction.objects.filter(report=report, kind=ReviewKind.OPEN).count() == 1


def test_a_supervisor_opening_the_page_does_not_start_the_review(world, report, login):
    assert login(world.sam).get(f"/review/reports/{report.pk}/").status_code == 200
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert not ReviewAction.objects.exists()


def test_it_refuses_to_approve_a_draft(world):
    campaign = make_campaign(world)
    draft = Report.objects.get(campaign=campaign, organization=world.school_a1)
    with pytest.raises(InvalidTransition, match="还没有提交"):
        report_approve(report_id=draft.pk, reviewer=world.rita, version_number=0)
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert not AuditEvent.objects.filter(action="report_approve").exists()


def test_approving_a_submitted_report_starts_its_review_first(world, report):
    report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    kinds = list(ReviewAction.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == [ReviewKind.OPEN, ReviewKind.APPROVE]
    actions = list(
        AuditEvent.objects.filter(action__startswith="report_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["report_open_review", "report_approve"]


def test_returning_a_submitted_report_from_a_stale_page_is_refused(world, report):
    with pytest.raises(StaleVersion):
        report_return(report_id=report.pk, reviewer=world.rita, version_number=2, comment="改")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert not ReviewAction.objects.exists()


def test_it_refuses_to_approve_a_returned_report(world):
    report = under_review(world)
    report_return(report_id=report.pk, reviewer=world.rita, version_number=1, comment="请修改")
    with pytest.raises(StaleVersion, match="已经处理过了"):
        report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert not ReviewAction.objects.filter(kind=ReviewKind.APPROVE).exists()
    assert not AuditEvent.objects.filter(action="report_approve").exists()


def test_return_without_a_comment_is_refused(world):
    report = under_review(world)
    with pytest.raises(CommentRequired, match="退回时必须填写审核意见"):
        report_return(
            report_id=report.pk,
            reviewer=world.rita,
            version_number=1,
            comment="  ",
            section_comments={"problems": "问题写得太笼统"},
        )
    report.refresh_from_db()
    assert report.state == ReportState.UNDER_REVIEW


def test_acting_twice_on_the_same_version_from_two_tabs_is_refused(world):
    report = under_review(world)
    report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)
    with pytest.raises(StaleVersion, match="已经处理过了"):
        report_return(
            report_id=report.pk, reviewer=world.rita, version_number=1, comment="请补充数据"
        )
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert ReviewAction.objects.filter(kind=ReviewKind.RETURN).count() == 0


def test_a_reviewer_looking_at_an_older_version_cannot_act_on_the_new_one(world):
    report = under_review(world)
    report_return(report_id=report.pk, reviewer=world.rita, version_number=1, comment="请修改")
    report = resubmit(report, world.alice, "修改后的问题")
    report_open_review(report_id=report.pk, reviewer=world.rita)
    with pytest.raises(StaleVersion, match="第 2 版"):
        report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)


def test_return_then_resubmit_makes_the_next_version(world):
    report = under_review(world)
    action = report_return(
        report_id=report.pk,
        reviewer=world.rita,
        version_number=1,
        comment="数据不完整",
        section_comments={"problems": "请写明具体问题", "unknown": "ignored", "next_steps": ""},
    )
    assert action.section_comments == {"problems": "请写明具体问题"}
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.editable
    report = resubmit(report, world.alice, "作业总量偏多的班级有三个。")
    assert report.state == ReportState.SUBMITTED and report.version == 2


def test_only_a_reviewer_above_the_school_may_act(world, report):
    for user in (world.sam, world.ben, world.alice, world.amy):
        with pytest.raises(NotAllowed):
            report_open_review(report_id=report.pk, reviewer=user)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_an_admin_above_the_school_may_review(world, report):
    report_open_review(report_id=report.pk, reviewer=world.ada)
    report_approve(report_id=report.pk, reviewer=world.ada, version_number=1, comment="好")
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


def test_reopen_needs_a_reason_and_goes_back_under_review(world):
    report = under_review(world)
    report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)
    with pytest.raises(CommentRequired):
        report_reopen(report_id=report.pk, reviewer=world.rita, reason="")
    report_reopen(report_id=report.pk, reviewer=world.rita, reason="发现指标填写错误")
    report.refresh_from_db()
    assert report.state == ReportState.UNDER_REVIEW
    event = AuditEvent.objects.get(action="report_reopen")
    assert event.detail == {
        "report": report.pk,
        "version": 1,
        "from": "approved",
        "to": "under_review",
        "comment": "发现指标填写错误",
    }


def test_reopen_of_a_report_not_approved_is_refused(world):
    report = under_review(world)
    with pytest.raises(InvalidTransition):
        report_reopen(report_id=report.pk, reviewer=world.rita, reason="原因")


# ---------------------------------------------------------------- the action pages


def test_approving_from_the_page_writes_the_action_and_the_audit_entry(world, login):
    report = under_review(world)
    response = login(world.rita).post(
        f"/review/reports/{report.pk}/approve/",
        {"version_number": "1", "comment": "材料翔实"},
        REMOTE_ADDR="192.168.3.4",
        follow=True,
    )
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert "已审核通过" in response.content.decode()
    event = AuditEvent.objects.get(action="report_approve")
    assert event.actor == world.rita and event.ip_address == "192.168.3.4"
    assert event.organization == world.school_a1
    assert (event.detail["from"], event.detail["to"], event.detail["comment"]) == (
        "under_review",
        "approved",
        "材料翔实",
    )


def test_returning_without_a_comment_keeps_what_was_typed(world, login):
    report = under_review(world)
    response = login(world.rita).post(
        f"/review/reports/{report.pk}/return/",
        {"version_number": "1", "comment": "", "section_problems": "问题部分太笼统了"},
    )
    page = response.content.decode()
    report.refresh_from_db()
    assert response.status_code == 422
    assert "退回时必须填写审核意见" in page
    assert "问题部分太笼统了" in page
    assert report.state == ReportState.UNDER_REVIEW


def test_returning_from_the_page_with_section_comments(world, login):
    report = under_review(world)
    login(world.rita).post(
        f"/review/reports/{report.pk}/return/",
        {"version_number": "1", "comment": "请补充", "section_problems": "写明哪些班级"},
    )
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    action = ReviewAction.objects.get(kind=ReviewKind.RETURN)
    assert action.section_comments == {"problems": "写明哪些班级"}
    event = AuditEvent.objects.get(action="report_return")
    assert event.detail["comment"] == "请补充"
    assert event.detail["section_comments"] == {"problems": "写明哪些班级"}


def test_a_second_tab_gets_a_clear_conflict(world, login):
    report = under_review(world)
    client = login(world.rita)
    client.post(f"/review/reports/{report.pk}/approve/", {"version_number": "1"})
    response = client.post(
        f"/review/reports/{report.pk}/return/", {"version_number": "1", "comment": "退回"}
    )
    assert response.status_code == 409
    assert "已经处理过了" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


def test_reopen_from_the_page(world, login):
    report = under_review(world)
    report_approve(report_id=report.pk, reviewer=world.rita, version_number=1)
    client = login(world.rita)
    assert client.post(f"/review/reports/{report.pk}/reopen/", {"reason": ""}).status_code == 422
    client.post(f"/review/reports/{report.pk}/reopen/", {"reason": "需要复核"})
    report.refresh_from_db()
    assert report.state == ReportState.UNDER_REVIEW


def test_the_action_pages_refuse_get(world, report, login):
    client = login(world.rita)
    for action in ("approve", "return", "reopen", "reanalyze"):
        assert client.get(f"/review/reports/{report.pk}/{action}/").status_code == 405


def test_the_action_pages_need_the_csrf_token(world):
    report = under_review(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.rita)
    response = client.post(f"/review/reports/{report.pk}/approve/", {"version_number": "1"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.UNDER_REVIEW


def test_the_school_edits_a_returned_report_through_its_form(world, login):
    report = under_review(world)
    report_return(report_id=report.pk, reviewer=world.rita, version_number=1, comment="请修改")
    report.refresh_from_db()
    content = complete_content()
    content["sections"]["problems"] = "修改后的问题"
    response = login(world.alice).post(
        f"/reports/{report.pk}/submit/", form_data(report, content), follow=True
    )
    report.refresh_from_db()
    assert "已提交第 2 版" in response.content.decode()
    assert report.state == ReportState.SUBMITTED and report.version == 2
