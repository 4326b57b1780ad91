"""demo-admin creates a task making one mistake of each kind the form guards against — a
deadline already past, a deadline at night — keeps the notice file chosen once, changes the
topic (its indicators and checklist are preselected, one is unticked by hand), then saves the
draft, finds everything chosen on the task page and publishes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.axe import assert_accessible
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def _at(days: int, hour: int) -> str:
    moment = (timezone.localtime() + timedelta(days=days)).replace(hour=hour, minute=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _checked(page, code_label: str) -> bool:
    return page.get_by_label(code_label, exact=False).first.is_checked()


def test_create_a_task_with_mistakes_then_publish(live_server, demo_data, browser, tmp_path):
    from reports.models import AuditEvent, Campaign
    from tests.factories import MINIMAL_PDF

    notice = tmp_path / "关于开展教师减负自查的通知.pdf"
    notice.write_bytes(MINIMAL_PDF)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, "demo-admin")
    page.goto(f"{base}/campaigns/new/")

    # The default topic preselects the 双减 items; choosing 教师减负 switches the preselection.
    assert _checked(page, "初中书面作业平均完成时间")
    assert not _checked(page, "本年度发文数")
    page.select_option("select[name=topic]", "teacher")
    assert not _checked(page, "初中书面作业平均完成时间")
    assert _checked(page, "本年度发文数") and _checked(page, "要求教师使用的政务APP数")
    assert _checked(page, "不以留痕、截图代替实际工作评价")
    page.get_by_label("要求教师使用的政务APP数").uncheck()  # editable after preselection

    page.fill("input[name=title]", "青山县教师减负专项自查")
    page.fill("input[name=period]", "2026年春季学期")
    page.select_option("select[name=target_unit]", label="青山县教育局")
    page.fill("input[name=opens_at]", _at(0, 8))
    page.set_input_files("input[name=notice_file]", str(notice))

    # Mistake 1: a deadline already past.
    page.fill("input[name=deadline]", _at(-1, 17))
    page.get_by_role("button", name="保存为草稿").click()
    page.wait_for_selector(".alert-danger")
    assert "逾期未交" in page.content()
    assert "关于开展教师减负自查的通知.pdf" in page.locator("#pending-notice").inner_text()
    assert page.input_value("select[name=topic]") == "teacher"
    assert not _checked(page, "要求教师使用的政务APP数")  # the hand-made choice is kept

    # Mistake 2: a deadline at night; the file is still kept without choosing it again.
    page.fill("input[name=deadline]", _at(7, 23))
    page.get_by_role("button", name="保存为草稿").click()
    page.wait_for_selector(".alert-danger")
    assert "工作时间" in page.content()
    assert page.locator("#pending-notice").count() == 1

    page.fill("input[name=deadline]", _at(7, 17))
    page.get_by_role("button", name="保存为草稿").click()
    page.wait_for_selector("#campaign-content")
    content = page.locator("#campaign-content").inner_text()
    assert "本年度发文数" in content and "要求教师使用的政务APP数" not in content
    assert "不以留痕、截图代替实际工作评价" in content and "下一步整改措施" in content
    assert page.get_by_role("link", name="下载通知附件").count() == 1

    page.get_by_role("button", name="发布").click()
    page.wait_for_selector("text=任务已发布")
    campaign = Campaign.objects.get(title="青山县教师减负专项自查")
    assert campaign.status == "published" and campaign.reports.exists()
    assert campaign.notice_file.open("rb").read() == MINIMAL_PDF
    actions = set(AuditEvent.objects.filter(target=campaign.title).values_list("action", flat=True))
    assert actions == {"campaign_create", "campaign_publish"}
    context.close()


def test_the_task_form_and_page_on_a_phone(live_server, demo_data, phone):
    """At 375 px the form (also with its error) and the task page fit and pass axe-core.
    (At 1280 px axe flags the navbar's link contrast in base.html, outside these pages.)"""
    from reports.models import Campaign

    base = live_server.url
    login(phone, base, "demo-admin")
    phone.goto(f"{base}/campaigns/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    phone.fill("input[name=title]", "手机上建的任务")
    phone.fill("input[name=period]", "2026年春季学期")
    phone.select_option("select[name=target_unit]", label="青山县教育局")
    phone.fill("input[name=opens_at]", _at(0, 8))
    phone.fill("input[name=deadline]", _at(-1, 17))
    phone.get_by_role("button", name="保存为草稿").click()
    phone.wait_for_selector(".alert-danger")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
    campaign = Campaign.objects.order_by("-pk").first()
    phone.goto(f"{base}/campaigns/{campaign.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone)
