"""demo-school, on a phone: import a Word document, confirm the split, fill, submit."""

import io

import pytest

from tests.browser.conftest import login
from tests.fixtures import fixture_lines

pytestmark = pytest.mark.browser


def report_docx(path) -> str:
    from docx import Document

    document = Document()
    for line in fixture_lines("masked_report"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_demo_school_imports_confirms_fills_and_submits(live_server, demo_data, phone, tmp_path):
    from reports.models import Report

    base = live_server.url
    login(phone, base, "demo-school")
    phone.get_by_text("2025—2026学年第一学期落实", exact=False).click()
    phone.wait_for_selector("#report-form")

    phone.get_by_role("link", name="导入已写好的 Word/PDF").click()
    phone.set_input_files("input[name=document]", report_docx(tmp_path / "自查报告.docx"))
    phone.get_by_role("button", name="上传并分栏").click()
    phone.wait_for_selector("text=确认导入")
    # The split as the school sees it before confirming: each heading in its place.
    assert "精简会议方面" in phone.input_value("textarea[name=section_achievements]")
    problems = phone.input_value("textarea[name=section_problems]")
    assert problems.startswith("1、个别教师的作业设计") and "精简会议" not in problems
    assert "加强会议的统筹整合" in phone.input_value("textarea[name=section_next_steps]")
    preamble = phone.input_value("#id_preamble")
    assert "××小学20xx年减负工作自查报告" in preamble  # kept out unless the school says where
    assert phone.input_value("#id_preamble_to") == ""
    assert "来自原文标题" in phone.locator("#headings_problems").inner_text()
    # The school adjusts the split before confirming.
    phone.fill("textarea[name=section_problems]", problems + "\n3、课后服务师资紧张。")
    phone.get_by_role("button", name="确认导入").click()
    phone.wait_for_selector("text=已按您确认的分栏导入草稿")
    values = {
        "ind_homework_grade12": "0",
        "ind_homework_grade36": "50",
        "ind_enrolment": "600",
        "ind_after_school_days": "5",
        "ind_after_school_students": "540",
        "ind_pe_minutes": "60",
    }
    for name, value in values.items():
        phone.fill(f"input[name={name}]", value)
    phone.select_option("select[name=ind_phones_managed]", "yes")
    for radio in phone.locator("input[type=radio][value=done]").all():
        radio.check()
    phone.wait_for_selector("#save-status >> text=已保存", timeout=20_000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.locator("#submit-report").click()
    # 提交前自查: the imported text still has its masked rate; the school submits anyway.
    phone.locator("#selfcheck").wait_for()
    assert "“*.*”是没有填写的占位符或打码" in phone.locator("#selfcheck").inner_text()
    phone.get_by_role("button", name="仍然提交").click()
    phone.wait_for_selector("text=等待教育局审核")
    assert phone.locator("#report-state").inner_text() == "已提交"
    report = Report.objects.get(organization__code="4301011001", campaign__status="published")
    assert report.state == "submitted" and report.version == 1
    assert report.indicator_values["after_school_rate"] == 90.0
    version = report.versions.get()
    assert version.sections["problems"].endswith(
        "2、课后服务的内容还不够丰富,学生参与率*.*%,与全覆盖的目标还有差距。\n3、课后服务师资紧张。"
    )
    assert "\r" not in version.text
