"""The reviewer's side in Chromium: a return with two section comments reopens only those
sections; the school sees each comment above its box and edits only those; the resubmission
diff shows whole changed sentences with word marks and folds a punctuation-only change.
Then axe-core on every reviewer and supervisor page at 375 and 1280 px, none scrolling
sideways on a phone."""

import os
from pathlib import Path

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login
from tests.browser.test_review import _submit_demo_school_report, submitted_past_selfcheck

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _document(target, name: str, **options) -> None:
    """With DOCS_SCREENSHOTS=1, keep a screenshot of a page or an element for
    docs/review.md (off in normal runs, so the suite never rewrites tracked files)."""
    if os.environ.get("DOCS_SCREENSHOTS") == "1":
        target.screenshot(path=str(DOCS / f"review-{name}.png"), **options)


def test_return_two_sections_edit_only_those_and_read_the_diff(
    live_server, demo_data, browser, phone
):
    report = _submit_demo_school_report()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    login(desk, base, "demo-reviewer")
    desk.goto(f"{base}/review/?campaign={report.campaign_id}")
    _document(desk, "queue-1280", full_page=True)
    desk.goto(f"{base}/review/reports/{report.pk}/")
    assert desk.locator("#report-state").inner_text() == "已提交"  # reading changed nothing
    _document(desk, "page-1280", full_page=True)
    desk.get_by_role("button", name="开始审核").click()
    desk.wait_for_selector("#review-holder")
    desk.fill("#return-form textarea[name=comment]", "两处需要修改。")
    desk.fill("#return-form textarea[name=section_problems]", "XX学科是哪一科？请写明。")
    desk.fill("#return-form textarea[name=section_next_steps]", "措施请写明时限。")
    desk.get_by_role("button", name="退回修改").click()
    desk.wait_for_selector("text=已退回学校修改")

    login(phone, base, "demo-school")
    phone.goto(f"{base}/reports/{report.pk}/")
    comments = phone.locator(".section-comment")
    assert comments.all_inner_texts() == [
        "审核意见：XX学科是哪一科？请写明。",
        "审核意见：措施请写明时限。",
    ]
    assert phone.locator("textarea[name=section_achievements]").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _document(phone, "comments-in-place-375", full_page=True)
    problems = phone.locator("textarea[name=section_problems]")
    problems.fill(problems.input_value().replace("XX学科作业偏多", "数学和英语学科作业偏多"))
    steps = phone.locator("textarea[name=section_next_steps]")
    old_steps = steps.input_value()
    # Punctuation only: folded away in the diff.
    if "，" in old_steps:
        steps.fill(old_steps.replace("，", "、", 1))
    else:  # a full stop becomes an exclamation mark: the sentences stay as they are
        steps.fill(old_steps.replace("。", "！", 1))
    phone.keyboard.press("Tab")
    phone.wait_for_selector("#save-status >> text=已保存")
    phone.locator("#submit-report").click()
    submitted_past_selfcheck(phone)

    desk.goto(f"{base}/review/reports/{report.pk}/")
    diff = desk.locator("#resubmission-diff")
    changed = diff.locator(".diff-changed").first
    assert "XX" in changed.locator(".diff-old del").inner_text()
    assert "数学和英语" in changed.locator(".diff-new ins").inner_text()
    assert "个别教师作业设计能力不足" in changed.locator(".diff-old").inner_text()  # whole
    assert "下一步整改措施 （未修改）" in diff.inner_text()  # punctuation only: folded away
    assert diff.locator("details.diff-folded").count() == 1
    diff.scroll_into_view_if_needed()
    _document(diff, "diff-1280")
    context.close()


REVIEWER_PAGES = [
    "/review/",
    "/review/?flag=clean",
    "/review/reports/{report}/",
    "/review/reports/{report}/feedback/",
    "/review/overview/{campaign}/",
    "/review/rectifications/",
    "/dashboard/",
    "/dashboard/exports/",
    "/campaigns/{campaign}/",
]
SUPERVISOR_PAGES = [
    "/review/",
    "/review/reports/{report}/",
    "/review/overview/{campaign}/",
    "/dashboard/",
    "/dashboard/exports/",
]


@pytest.mark.parametrize("width", [375, 1280])
def test_reviewer_and_supervisor_pages_are_accessible_and_fit(
    live_server, demo_data, browser, width
):
    from reports import demo
    from reports.models import Report

    report = Report.objects.filter(campaign__title=demo.CAMPAIGN_TITLE, version__gt=0).first()
    names = {"report": report.pk, "campaign": report.campaign_id}
    for username, pages in (("demo-reviewer", REVIEWER_PAGES), ("demo-city", SUPERVISOR_PAGES)):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server.url, username)
        for path in pages:
            response = page.goto(live_server.url + path.format(**names))
            assert response.status == 200, (username, path)
            assert_accessible(page)
            if width == 375:
                width_used = page.evaluate("document.documentElement.scrollWidth")
                assert width_used <= 375, (username, path, width_used)
        context.close()
