"""Attachments and document import over HTTP: every bad input gets a message, loses nothing."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Attachment, Report
from tests.factories import MINIMAL_PDF, fill, make_campaign


@pytest.fixture
def report(world):
    campaign = make_campaign(world)
    return Report.objects.get(campaign=campaign, organization=world.school_a1)


def upload(client, report, name: str, content: bytes):
    return client.post(
        f"/reports/{report.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_an_exe_renamed_docx_is_refused_with_a_message(world, report, login):
    page = upload(login(world.alice), report, "报告.docx", b"MZ\x90\x00" + b"\x00" * 200)
    assert "不支持的文件类型" in page.content.decode() or "不是" in page.content.decode()
    assert not Attachment.objects.exists()


def test_an_oversize_file_is_refused_with_its_size(world, report, login, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    page = upload(login(world.alice), report, "big.pdf", MINIMAL_PDF + b" " * (2 * 1024 * 1024))
    assert "超过上限 1 MB" in page.content.decode()
    assert not Attachment.objects.exists()


def test_a_pdf_is_stored_privately_and_served_only_in_scope(
    world, report, login, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    page = upload(login(world.alice), report, "../../自查 报告<1>.pdf", MINIMAL_PDF)
    assert "附件已上传" in page.content.decode()
    attachment = Attachment.objects.get()
    assert "/" not in attachment.original_name and "<" not in attachment.original_name
    assert Path(attachment.file.path).resolve().is_relative_to(Path(tmp_path).resolve())
    assert not attachment.file.name.startswith("static")
    own = login(world.alice).get(f"/attachments/{attachment.pk}/")
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"%PDF")
    assert login(world.rita).get(f"/attachments/{attachment.pk}/").status_code == 200
    assert login(world.ben).get(f"/attachments/{attachment.pk}/").status_code == 404
    assert login(world.amy).get(f"/attachments/{attachment.pk}/").status_code == 404


def test_importing_a_gbk_text_file_splits_it_for_confirmation(world, report, login):
    text = (
        "一、自查情况及成效\n学校落实作业公示。\n二、存在的问题\n师资不足。\n"
        "三、下一步整改措施\n加强培训。\n"
    )
    client = login(world.alice)
    fill(report, world.alice)
    response = client.post(
        f"/reports/{report.pk}/import/",
        {"document": SimpleUploadedFile("报告.txt", text.encode("gbk"))},
    )
    page = response.content.decode()
    assert "确认导入" in page and "师资不足。" in page
    report.refresh_from_db()
    assert report.sections["problems"] == "个别教师作业设计能力不足。"  # not replaced yet
    client.post(
        f"/reports/{report.pk}/import/",
        {
            "confirm": "1",
            "revision": str(report.revision),
            "section_achievements": "学校落实作业公示。",
            "section_problems": "师资不足。",
            "section_next_steps": "加强培训。",
        },
    )
    report.refresh_from_db()
    assert report.sections["problems"] == "师资不足。"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.docx", b"MZ\x90\x00" + b"\x00" * 100, "不是"),
        ("报告.docx", b"PK\x03\x04corrupt", "损坏"),
        ("报告.pdf", MINIMAL_PDF, "扫描件"),
    ],
)
def test_bad_documents_get_a_clear_message(world, report, login, name, content, message):
    page = login(world.alice).post(
        f"/reports/{report.pk}/import/", {"document": SimpleUploadedFile(name, content)}
    )
    assert message in page.content.decode()


def test_a_three_part_docx_is_split_into_the_campaign_sections(world, report, login):
    from docx import Document

    from tests.fixtures import fixture_lines

    document = Document()
    for line in fixture_lines("masked_report"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    page = login(world.alice).post(
        f"/reports/{report.pk}/import/",
        {"document": SimpleUploadedFile("自查报告.docx", buffer.getvalue())},
    )
    body = page.content.decode()
    assert "确认导入" in body
    assert 'name="section_problems"' in body
