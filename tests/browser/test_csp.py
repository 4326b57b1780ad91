"""Chromium enforces the Content-Security-Policy on the main pages of every role and reports
no violation: no inline script, handler or style is refused (each would be a feature that
silently stops working). The behaviour moved out of inline attributes into static/js/portal.js
still works: selects submit their form, a confirm is asked, charts and progress bars are sized."""

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

# Records violations as the page sees them, in addition to the console messages. Scripts added
# through the DevTools protocol are not subject to the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


class Watch:
    """A desktop page in Chinese whose console and policy violations are collected."""

    def __init__(self, browser):
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.visited: list[str] = []

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # htmx's first htmx:load runs after a zero timeout
        self.check(url)
        self.visited.append(url)

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__cspViolations || []")
        refused = [
            text
            for text in self.console
            if "Content Security Policy" in text or "Refused to" in text or "pageerror" in text
        ]
        assert violations == [] and refused == [], (where, violations, refused)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watch(browser):
    watchers: list[Watch] = []

    def make() -> Watch:
        watcher = Watch(browser)
        watchers.append(watcher)
        return watcher

    yield make
    for watcher in watchers:
        watcher.close()


def test_the_main_pages_of_every_role_run_under_the_policy(live_server, demo_data, watch):
    from reports import demo
    from reports.models import Campaign, Report

    base = live_server.url
    campaign = Campaign.objects.get(title=demo.CAMPAIGN_TITLE)
    submitted = Report.objects.filter(campaign=campaign, state="submitted").first()
    assert submitted is not None

    anonymous = watch()
    anonymous.visit(f"{base}/accounts/login/")

    # The school: home, its report form, an autosave swapped in by htmx.
    school = watch()
    login(school.page, base, "demo-school")
    school.check("after login")
    own = Report.objects.get(campaign=campaign, organization__code="4301011001")
    school.visit(f"{base}/")
    school.visit(f"{base}/reports/{own.pk}/")
    textarea = school.page.locator("textarea").first
    assert textarea.is_editable()  # the demo school's report is a draft
    with school.page.expect_response(lambda r: "/save/" in r.url):
        textarea.fill("作业总量得到控制，书面作业平均时长不超过60分钟。")
        textarea.dispatch_event("change")
    school.page.wait_for_timeout(300)
    school.check("autosave")

    # The reviewer: queue, a review page, dashboard, exports with a polling progress bar.
    reviewer = watch()
    login(reviewer.page, base, "demo-reviewer")
    reviewer.visit(f"{base}/review/")
    reviewer.visit(f"{base}/review/reports/{submitted.pk}/")
    reviewer.visit(f"{base}/dashboard/?campaign={campaign.pk}")
    reviewer.page.wait_for_function(
        "document.querySelector('canvas[data-chart=progress]').width > 0"
    )
    box = reviewer.page.locator(".chart-box[data-height]").first
    height = box.evaluate("el => el.getBoundingClientRect().height")
    assert height >= 180  # sized by portal.js from data-height, min-height in portal.css
    reviewer.visit(f"{base}/review/notifications/")
    reviewer.visit(f"{base}/api/campaigns/")  # DRF's browsable page, its own static files
    reviewer.visit(f"{base}/dashboard/exports/")
    reviewer.page.select_option("select[name=campaign]", str(campaign.pk))
    reviewer.page.select_option("select[name=kind]", "csv")
    reviewer.page.get_by_role("button", name="开始导出").click()
    reviewer.page.wait_for_selector("text=已开始生成")
    bar = reviewer.page.locator(".progress-bar").first
    bar.wait_for()
    reviewer.page.wait_for_timeout(1800)  # one progress poll swapped in by htmx
    assert bar.evaluate("el => el.style.width") == "5%"
    reviewer.check("export progress")

    # The selects that submit their form on change (was onchange="…").
    reviewer.visit(f"{base}/review/")
    select = reviewer.page.locator("#campaign-select")
    other = select.locator("option:not([selected])").first.get_attribute("value")
    with reviewer.page.expect_navigation():
        select.select_option(other)
    assert f"campaign={other}" in reviewer.page.url
    reviewer.check("queue campaign select")

    # The supervisor and the admin.
    city = watch()
    login(city.page, base, "demo-city")
    city.visit(f"{base}/dashboard/?campaign={campaign.pk}")

    admin = watch()
    login(admin.page, base, "demo-admin")
    admin.visit(f"{base}/orgs/")
    admin.visit(f"{base}/orgs/import/")
    admin.visit(f"{base}/campaigns/")
    admin.visit(f"{base}/campaigns/{campaign.pk}/")
    questions: list[str] = []

    def dismiss(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    admin.page.once("dialog", dismiss)
    admin.page.locator("form[data-confirm] button").click()
    admin.page.wait_for_timeout(300)
    assert questions and "确定关闭" in questions[0]  # asked (was onsubmit="…")
    campaign.refresh_from_db()
    assert campaign.status == "published"  # and answering no keeps it open
    admin.check("close confirm")


def test_the_django_admin_runs_under_the_policy(live_server, transactional_db, watch):
    from reports.models import User

    User.objects.create_superuser("root", "root@example.edu.cn", "jianfu2026")
    base = live_server.url
    operator = watch()
    operator.page.goto(f"{base}/django-admin/login/")
    operator.page.fill("input[name=username]", "root")
    operator.page.fill("input[name=password]", "jianfu2026")
    operator.page.click("input[type=submit]")
    operator.page.wait_for_url(f"{base}/django-admin/")
    operator.check("admin login")
    operator.visit(f"{base}/django-admin/reports/organization/")
    operator.visit(f"{base}/django-admin/reports/organization/add/")
