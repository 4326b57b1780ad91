"""demo-reviewer filters the queue to flagged reports and returns one with a section comment;
demo-school reads the comment, revises and resubmits; the reviewer sees the diff and approves."""

import pytest

from reports.choices import AnalysisState
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

REVISED = "三年级数学和英语作业时间偶有超过60分钟的情况。"


def _submit_demo_school_report():
    """demo-school submits its draft; the analysis found a template blank in it."""
    from reports import demo
    from reports.models import AnalysisResult, Organization, Report, User
    from reports.services.reports import report_save_draft
    from reports.workflow import report_submit

    school = Organization.objects.get(code="4301011001")
    report = Report.objects.get(organization=school, campaign__title=demo.CAMPAIGN_TITLE)
    user = User.objects.get(username="demo-school")
    content = demo._demo_report_content(report.campaign, school, seed=2)
    content["sections"]["problems"] = "个别教师作业设计能力不足，XX学科作业偏多。"
    report_save_draft(report_id=report.pk, actor=user, revision=report.revision, **content)
    version = report_submit(report_id=report.pk, actor=user)
    start = version.text.index("XX")
    AnalysisResult.objects.update_or_create(
        version=version,
        defaults={
            "state": AnalysisState.DONE,
            "risk": 50,
            "flags": {"placeholders": 1, "copied_share": 0},
            "result": {"placeholders": [{"text": "XX", "start": start, "end": start + 2}]},
        },
    )
    return report


def submitted_past_selfcheck(page) -> None:
    """提交 → either submitted, or the 提交前自查 lists what the reviewer will see and the
    school submits anyway (仍然提交)."""
    page.get_by_text("等待教育局审核").or_(page.locator("#selfcheck")).first.wait_for()
    if page.locator("#selfcheck").count():
        page.locator("#submit-anyway").click()
    page.wait_for_selector("text=等待教育局审核")


def test_return_revise_resubmit_approve(live_server, demo_data, browser, phone):
    from reports.models import Report

    report = _submit_demo_school_report()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = context.new_page()
    desk.set_default_timeout(15_000)

    # The reviewer filters the queue to flagged reports and opens the school's report.
    login(desk, base, "demo-reviewer")
    desk.get_by_role("link", name="审核", exact=True).click()
    desk.select_option("select[name=flag]", "placeholders")
    desk.get_by_role("button", name="筛选").click()
    desk.wait_for_url("**flag=placeholders**")
    rows = desk.locator("#queue tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link", name="青山县第一小学").click()
    desk.wait_for_selector("#return-form")
    assert desk.locator("mark.mark-placeholder").first.inner_text() == "XX"
    assert "是没有填写的模板占位符" in desk.locator("#flag-list").inner_text()

    # Return it with an overall comment and a comment on 存在的问题.
    desk.fill("#return-form textarea[name=comment]", "请把存在的问题写具体。")
    desk.fill("#return-form textarea[name=section_problems]", "XX学科是哪一科？请写明。")
    desk.get_by_role("button", name="退回修改").click()
    desk.wait_for_selector("text=已退回学校修改")
    assert desk.locator("#report-state").inner_text() == "退回修改"

    # The school sees the comment (notification → comments page), revises and resubmits.
    login(phone, base, "demo-school")
    assert phone.locator("#unread-count").inner_text() == "1"
    phone.locator(".navbar-toggler").click()  # the menu is collapsed on a phone
    phone.locator("#nav-notifications").click()
    phone.get_by_text("您的自查报告被退回修改").click()
    phone.wait_for_selector("text=XX学科是哪一科？请写明。")
    assert "请把存在的问题写具体。" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("link", name="去修改报告").click()
    phone.wait_for_selector("#report-form")
    phone.fill("textarea[name=section_problems]", REVISED)
    phone.keyboard.press("Tab")  # blur: the autosave runs now, not as the button is pressed
    phone.wait_for_timeout(3500)  # and the typing-pause autosave too
    phone.wait_for_selector("#save-status >> text=已保存")
    phone.wait_for_selector("#submit-report:enabled")
    phone.locator("#submit-report").click()
    submitted_past_selfcheck(phone)

    # The reviewer sees what changed beside the comment, and approves.
    desk.goto(f"{base}/review/reports/{report.pk}/")
    diff = desk.locator("#resubmission-diff")
    assert "第 1 版退回后的修改" in diff.inner_text()
    assert "XX学科是哪一科？请写明。" in diff.inner_text()
    assert "数学和英语" in "".join(diff.locator("ins").all_inner_texts())
    assert "XX" in "".join(diff.locator("del").all_inner_texts())
    desk.fill("#approve-form textarea[name=comment]", "已按意见修改。")
    desk.get_by_role("button", name="审核通过").click()
    desk.wait_for_selector("text=已审核通过")
    report.refresh_from_db()
    assert report.state == "approved" and report.version == 2
    assert Report.objects.get(pk=report.pk).review_actions.filter(kind="approve").exists()
    context.close()
