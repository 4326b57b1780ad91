"""Import you can steer: the text before the first heading can go to a section, the preview
says which original heading went where, and pasted text is split the same way as a file."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.documents import split_sections
from reports.models import Report
from tests.factories import make_campaign

TEXT = (
    "甲县第一小学落实“双减”工作自查报告\n本学期学校高度重视减负工作。\n"
    "一、工作开展情况\n学校落实作业公示。\n二、存在的不足\n师资不足。\n"
    "三、下步打算\n加强培训。\n"
)


@pytest.fixture
def report(world):
    return Report.objects.get(campaign=make_campaign(world), organization=world.school_a1)


def preview_of(response) -> dict[str, str]:
    page = unescape(response.content.decode())
    boxes = re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', page, re.S)
    return dict(boxes)


def test_the_preview_lists_each_original_heading_beside_its_section(world, report, login):
    response = login(world.alice).post(
        f"/reports/{report.pk}/import/",
        {"document": SimpleUploadedFile("报告.txt", TEXT.encode("gbk"))},
    )
    page = unescape(response.content.decode())
    assert "来自原文标题：" in page
    for heading in ("一、工作开展情况", "二、存在的不足", "三、下步打算"):
        assert f"“{heading}”" in page
    assert preview_of(response)["preamble"].startswith("甲县第一小学落实")


def test_the_text_before_the_first_heading_goes_where_the_school_chose(world, report, login):
    client = login(world.alice)
    data = {
        "confirm": "1",
        "revision": str(report.revision),
        "preamble": "本学期学校高度重视减负工作。",
        "preamble_to": "achievements",
        "section_achievements": "学校落实作业公示。",
        "section_problems": "师资不足。",
        "section_next_steps": "加强培训。",
    }
    client.post(f"/reports/{report.pk}/import/", data)
    report.refresh_from_db()
    assert report.sections["achievements"] == "本学期学校高度重视减负工作。\n学校落实作业公示。"
    data.update(revision=str(report.revision), preamble_to="")  # 不导入
    data["section_achievements"] = "只要这一句。"
    client.post(f"/reports/{report.pk}/import/", data)
    report.refresh_from_db()
    assert report.sections["achievements"] == "只要这一句。"


def test_pasted_text_is_split_as_an_imported_file_would_be(world, report, login):
    response = login(world.alice).post(f"/reports/{report.pk}/import/", {"pasted": TEXT})
    boxes = preview_of(response)
    split = split_sections(TEXT, report.campaign.sections)
    for key, text in split.sections.items():
        assert boxes[f"section_{key}"] == text
    assert boxes["section_problems"] == "师资不足。"


def test_split_by_headings_from_the_report_form_keeps_the_other_boxes(world, report, login):
    response = login(world.alice).post(
        f"/reports/{report.pk}/import/",
        {
            "split_from": "section_achievements",
            "section_achievements": TEXT,
            "section_problems": "",
            "section_next_steps": "另有一段补充。",
            "revision": "0",
        },
    )
    boxes = preview_of(response)
    assert boxes["section_problems"] == "师资不足。"
    assert "另有一段补充。" in boxes["section_next_steps"]
    report.refresh_from_db()
    assert report.revision == 0  # nothing written before the school confirms


def test_the_report_form_offers_the_split(world, report, login):
    page = login(world.alice).get(f"/reports/{report.pk}/").content.decode()
    assert 'name="split_from" value="section_achievements"' in page
