"""A report pasted from an AI chat page, as the reviewer sees it in Chromium: the page's
interface, the clerk's prompt and the answer's lead-in and closing are marked 网页残留 in
the text and counted once in the side panel; the school's own title and prose are not.
The real pipeline analyses the text (nothing stubbed). At 375 and 1280 px, axe-clean,
no sideways scrolling on a phone."""

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

OWN = "本学期学校严格控制书面作业总量，三年级以上每天不超过60分钟，家长满意度明显提高。"
AI_PAGE = (
    "某某AI\n新建对话\n历史对话\n期末家长会发言稿\n下载App\n"
    "帮我写一份小学落实双减的自查报告，要有基本情况、主要做法、存在问题\n"
    "好的，以下是一份小学落实“双减”工作自查报告，您可以根据学校实际情况修改：\n"
    f"城南小学落实“双减”工作自查报告\n{OWN}\n"
    "以上内容可根据实际情况增删。如需调整篇幅，请告诉我。\n"
    "复制\n重新生成\n内容由AI生成，请仔细甄别\n给某某AI发送消息\n深度思考\n联网搜索"
)


def _submit_ai_paste():
    from reports import demo
    from reports.models import Organization, Report, User
    from reports.pipeline import run_analysis
    from reports.services.reports import report_save_draft
    from reports.workflow import report_submit

    school = Organization.objects.get(code="4301011001")
    report = Report.objects.get(organization=school, campaign__title=demo.CAMPAIGN_TITLE)
    user = User.objects.get(username="demo-school")
    content = demo._demo_report_content(report.campaign, school, seed=3)
    content["sections"]["achievements"] = AI_PAGE
    report_save_draft(report_id=report.pk, actor=user, revision=report.revision, **content)
    version = report_submit(report_id=report.pk, actor=user)
    run_analysis(version.pk)
    return report


@pytest.mark.parametrize("width", [375, 1280])
def test_the_reviewer_sees_an_ai_pages_chrome_marked_and_the_report_not(
    live_server, demo_data, browser, width
):
    report = _submit_ai_paste()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server.url, "demo-reviewer")
    page.goto(f"{live_server.url}/review/reports/{report.pk}/")
    marked = page.locator("mark.mark-residue").all_inner_texts()
    for chrome in (
        "新建对话",
        "帮我写一份小学落实双减的自查报告",
        "好的，以下是一份",
        "重新生成",
        "内容由AI生成，请仔细甄别",
        "联网搜索",
    ):
        assert any(chrome in m for m in marked), (chrome, marked)
    assert not any(OWN[:12] in m or "城南小学落实" in m for m in marked)
    panel = page.locator("#flag-list").inner_text()
    assert panel.count("网页残留") == 1  # one grouped flag with its count, not a line each
    assert_accessible(page)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
