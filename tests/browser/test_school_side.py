"""The school's side as a clerk meets it, on a 375 px phone and a 1280 px desk: one click
submits, errors are summarised in the first screen, nothing typed is lost on a reload, the
self-check lists a planted blank and a contradiction, a 初中 sees no 小学 item, and axe-core
finds no serious or critical violation on the school's pages."""

import os
from pathlib import Path

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
WIDTHS = {"phone": (375, 740), "desk": (1280, 900)}
CLEAN = {
    "section_achievements": "学校落实作业公示制度，教研组每周研讨作业设计，推行分层作业。",
    "section_problems": "个别教师作业设计能力不足，分层作业质量参差不齐。",
    "section_next_steps": "加强作业设计培训，每学期开展一次作业设计评比。",
}
VALUES = {
    "ind_homework_grade12": "0",
    "ind_homework_grade36": "50",
    "ind_enrolment": "600",
    "ind_after_school_days": "5",
    "ind_after_school_students": "540",
    "ind_pe_minutes": "60",
}


@pytest.fixture(params=sorted(WIDTHS))
def page(browser, request):
    width, height = WIDTHS[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the leave-page warning on reload
    yield page
    context.close()


def demo_report(code: str = "4301011001"):
    from reports import demo
    from reports.models import Report

    return Report.objects.get(organization__code=code, campaign__title=demo.CAMPAIGN_TITLE)


def open_form(page, base: str, username: str = "demo-school") -> None:
    login(page, base, username)
    page.get_by_text("2025—2026学年第一学期落实", exact=False).click()
    page.wait_for_selector("#report-form")


def fill_fields(page, sections: dict[str, str]) -> None:
    for name, text in {**sections, **VALUES}.items():
        page.fill(f"[name={name}]", text)
    page.select_option("select[name=ind_phones_managed]", "yes")
    for radio in page.locator("input[type=radio][value=done]").all():
        radio.check()


def test_typing_then_one_click_submits(live_server, demo_data, page):
    open_form(page, live_server.url)
    fill_fields(page, CLEAN)
    page.wait_for_selector("#save-status .text-success", timeout=20_000)
    # the last edit, then at once the click: its blur starts an autosave under the click
    page.fill("[name=section_next_steps]", CLEAN["section_next_steps"] + "责任到人。")
    page.locator("#submit-report").click()
    page.wait_for_selector("text=等待教育局审核", timeout=30_000)
    report = demo_report()
    assert report.state == "submitted" and report.versions.count() == 1
    assert report.versions.get().sections["next_steps"].endswith("责任到人。")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_an_empty_submit_shows_the_summary_first_and_focuses_it(live_server, demo_data, page):
    open_form(page, live_server.url)
    page.fill("[name=section_achievements]", "")
    page.locator("#submit-report").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    from reports import validation

    expected = len(validation.report_errors(demo_report()))
    assert summary.locator("h2").inner_text() == f"有 {expected} 处需要修改"
    assert summary.locator("li").count() == expected
    box = summary.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"] - 40  # in the first screen
    assert page.evaluate("document.activeElement.id") == "error-summary"
    # a link lands on its field
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.name") == "section_achievements"
    assert_accessible(page)
    # DOCS_SCREENSHOTS=1 refreshes the README's picture; normal runs never rewrite tracked files
    if page.viewport_size["width"] == 375 and os.environ.get("DOCS_SCREENSHOTS") == "1":
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(DOCS / "school-error-summary-375.png"))


def test_a_reload_right_after_typing_restores_the_text(live_server, demo_data, page):
    open_form(page, live_server.url)
    typed = "刚粘贴的一大段文字。" * 200
    page.fill("[name=section_problems]", typed)
    page.reload()  # well before the 3 s autosave
    page.wait_for_selector("#draft-restored:visible")
    assert page.input_value("[name=section_problems]") == typed
    assert "已恢复" in page.locator("#draft-restored").inner_text()
    page.wait_for_selector("#save-status .text-success", timeout=20_000)  # "已保存 HH:MM"
    assert demo_report().sections["problems"] == typed


def test_the_self_check_lists_a_blank_and_a_contradiction(live_server, demo_data, page):
    open_form(page, live_server.url)
    planted = dict(CLEAN)
    planted["section_achievements"] = (
        "学校落实作业公示制度，开设社团××个。参加课后服务学生580人，课后服务每周5天。"
    )
    fill_fields(page, planted)
    page.locator("#submit-report").click()
    check = page.locator("#selfcheck")
    check.wait_for()
    text = check.inner_text()
    assert "“××”是没有填写的占位符或打码" in text
    assert "“参加课后服务学生数”（540）不一致" in text
    assert demo_report().state == "draft"
    assert page.evaluate("document.activeElement.id") == "selfcheck"
    check.get_by_text("“××”是没有填写的占位符或打码").click()
    selected = page.evaluate(
        "(() => { const t = document.activeElement;"
        " return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert selected == "××"
    assert_accessible(page)
    page.get_by_role("button", name="仍然提交").click()
    page.wait_for_selector("text=等待教育局审核")
    assert demo_report().state == "submitted"


def test_a_junior_school_sees_no_primary_item(live_server, demo_data, page):
    open_form(page, live_server.url, "demo-school2")
    content = page.content()
    assert "自查清单" in content
    assert "小学一二年级" not in content and "一二年级书面作业" not in content
    assert_accessible(page)


def test_the_schools_pages_pass_axe(live_server, demo_data, page):
    base = live_server.url
    login(page, base, "demo-school")
    assert_accessible(page)  # home
    report = demo_report()
    page.goto(f"{base}/reports/{report.pk}/import/")
    assert_accessible(page)
    page.goto(f"{base}/reports/{report.pk}/")
    assert_accessible(page)
    assert page.request.get(f"{base}/favicon.ico").ok
    # the feedback page of a returned report, as its school reads it
    from reports.models import Report

    returned = Report.objects.filter(state="returned").select_related("organization").first()
    page.context.clear_cookies()
    login(page, base, f"school-{returned.organization.code}")
    page.goto(f"{base}/reports/{returned.pk}/feedback/")
    page.wait_for_selector("main")
    assert_accessible(page)
