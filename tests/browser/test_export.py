"""demo-reviewer, on a phone: looks at the dashboard, starts an Excel export, watches the
progress poll until the file is ready, downloads it and the workbook holds the county."""

import openpyxl
import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_demo_reviewer_exports_a_workbook_and_downloads_it(live_server, demo_data, phone):
    from reports import demo
    from reports.dashboards.exports.jobs import export_run
    from reports.models import Campaign, ExportJob, Report

    base = live_server.url
    campaign = Campaign.objects.get(title=demo.CAMPAIGN_TITLE)
    login(phone, base, "demo-reviewer")

    phone.goto(f"{base}/dashboard/?campaign={campaign.pk}")
    phone.wait_for_selector("#progress-table")
    phone.wait_for_function("document.querySelector('canvas[data-chart=progress]').width > 0")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.goto(f"{base}/dashboard/exports/")
    phone.select_option("select[name=campaign]", str(campaign.pk))
    phone.select_option("select[name=kind]", "xlsx")
    phone.get_by_role("button", name="开始导出").click()
    phone.wait_for_selector("text=已开始生成")
    # The suite's broker has no worker: the job waits, the page polls its progress.
    job = ExportJob.objects.get(user__username="demo-reviewer")
    assert phone.locator(f"#job-{job.pk} [data-state]").inner_text() == "排队中"
    export_run(job_id=job.pk)  # what the worker would do
    link = phone.locator(f"#job-{job.pk} a.export-download")
    link.wait_for(timeout=10_000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    with phone.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:  # the temp path has no extension
        book = openpyxl.load_workbook(handle)
    codes = [row[0] for row in book["报告明细"].iter_rows(min_row=2, values_only=True)]
    expected = Report.objects.filter(
        campaign=campaign, organization__path__startswith=campaign.target_unit.path
    ).order_by("organization__path")
    assert codes == [r.organization.code for r in expected.select_related("organization")]
