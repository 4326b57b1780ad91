"""One guard for every Office/ZIP upload; bounded extraction; hostile PDFs refused.

Issue 12, points 3 and 4: a 58 KB .docx whose document.xml expands to 7.4 MB held a web
worker for 13.7 s on import; a zip-bomb .docx and a PDF with JavaScript were accepted as
attachments and served to reviewers.  Each file is built at test time.
"""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import documents
from reports.documents import (
    DocumentError,
    check_attachment,
    check_pdf,
    extract_text,
    limits,
    zipguard,
)
from reports.documents import docx as docx_reader
from reports.documents.zipguard import ZipRejected, check_zip
from reports.models import Attachment, Report
from tests.factories import make_campaign
from tests.test_documents import make_docx, make_pdf

MB = 1024 * 1024
PARAGRAPH = "学校严格落实作业公示制度，教师精选作业内容，减少机械重复训练。"


# ------------------------------------------------------------------------- builders


def replace_member(docx_bytes: bytes, member: str, payload: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, payload if info.filename == member else src.read(info))
    return buf.getvalue()


def document_xml(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def small_file_large_xml(xml_bytes: int = 7_400_000) -> bytes:
    """The file of issue 12: a small .docx whose document.xml expands to 7.4 MB."""
    p = f"<w:p><w:r><w:t>{PARAGRAPH}</w:t></w:r></w:p>"
    body = p * (xml_bytes // len(p.encode()))
    return replace_member(make_docx(["x"]), "word/document.xml", document_xml(body))


def zip_with(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buf.getvalue()


def pdf_with_catalog_entry(entry: bytes) -> bytes:
    """A text PDF whose catalog also holds ``entry`` (an action, a name tree…)."""
    pdf = make_pdf(b"BT /F1 24 Tf 72 700 Td (Hello report) Tj ET")
    return pdf.replace(
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Catalog /Pages 2 0 R " + entry + b">>"
    )


JS_PDF = pdf_with_catalog_entry(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")
ESCAPED_JS_PDF = pdf_with_catalog_entry(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ")


# ------------------------------------------------------------------------- check_zip


def test_a_normal_office_file_passes_the_guard() -> None:
    check_zip(make_docx([PARAGRAPH] * 50, table=[["项目", "数量"], ["社团", "12个"]]))


def test_the_guard_refuses_a_file_that_is_not_a_zip() -> None:
    with pytest.raises(ZipRejected, match="已损坏"):
        check_zip(b"PK\x03\x04 not really")


def test_zip_rejected_is_a_document_error_and_a_value_error() -> None:
    assert issubclass(ZipRejected, DocumentError)
    assert issubclass(ZipRejected, ValueError)


def test_the_guard_refuses_too_many_members() -> None:
    members = {f"xl/worksheets/sheet{i}.xml": b"<a/>" for i in range(zipguard.MAX_MEMBERS + 1)}
    with pytest.raises(ZipRejected, match=f"超过上限 {zipguard.MAX_MEMBERS} 个"):
        check_zip(zip_with(members))
    members.popitem()
    check_zip(zip_with(members))


def test_the_guard_refuses_an_xml_part_over_the_parsing_cap() -> None:
    import os

    # random text deflates ~1.3:1, so only the size cap can refuse it
    big = os.urandom(zipguard.MAX_XML_MEMBER_BYTES // 2).hex().encode()[:-10]
    check_zip(zip_with({"word/document.xml": big}))
    with pytest.raises(ZipRejected, match="内容过多"):
        check_zip(zip_with({"word/document.xml": big + b"0123456789ab"}))
    # a caller that does not parse the file (attachments) passes a larger cap
    check_zip(zip_with({"word/document.xml": big + b"0" * 20}), max_xml_member_bytes=8 * MB)


def test_the_guard_refuses_a_part_over_the_member_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipguard, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(ZipRejected, match="超过上限"):
        check_zip(zip_with({"word/media/image1.png": bytes(range(256)) * 4}))


def test_the_guard_refuses_a_total_over_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipguard, "MAX_TOTAL_BYTES", 1500)
    parts = {f"word/media/image{i}.png": bytes(range(256)) * 2 for i in range(3)}
    with pytest.raises(ZipRejected, match="解压后过大"):
        check_zip(zip_with(parts))


def test_the_guard_refuses_a_highly_compressed_part() -> None:
    size = zipguard.RATIO_MIN_BYTES + 1
    with pytest.raises(ZipRejected, match="压缩比异常"):
        check_zip(zip_with({"word/media/image1.png": b"\0" * size}))
    # the same bytes stored uncompressed are only a large picture
    check_zip(zip_with({"word/media/image1.png": b"\0" * size}, zipfile.ZIP_STORED))


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/x", "/etc/passwd", "word\\..\\evil.xml", "C:/x.xml", "a/../../b"]
)
def test_the_guard_refuses_path_traversal_names(name: str) -> None:
    with pytest.raises(ZipRejected, match="路径跳转"):
        check_zip(zip_with({"word/document.xml": b"<a/>", name: b"x"}))


def test_the_guard_refuses_a_name_given_twice() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("word/document.xml", b"<a/>")
        zf.writestr("word/document.xml", b"<b/>")
    with pytest.raises(ZipRejected, match="出现了两次"):
        check_zip(buf.getvalue())


def test_the_guard_refuses_an_archive_inside_the_file() -> None:
    inner = zip_with({"a.txt": b"x"})
    with pytest.raises(ZipRejected, match="嵌入了压缩包"):
        check_zip(zip_with({"word/document.xml": b"<a/>", "word/media/x.zip": inner}))
    # other archive types are refused by name, whatever their bytes
    with pytest.raises(ZipRejected, match="嵌入了压缩包"):
        check_zip(zip_with({"word/document.xml": b"<a/>", "word/media/x.7z": b"7z\xbc\xaf"}))
    # a ZIP renamed to look like a picture is found by its first bytes
    with pytest.raises(ZipRejected, match="嵌入了压缩包"):
        check_zip(zip_with({"word/document.xml": b"<a/>", "word/media/image1.png": inner}))


def test_the_guard_allows_one_level_of_embedded_office_file_and_checks_it() -> None:
    sheet = zip_with({"xl/workbook.xml": b"<workbook/>"})
    name = "word/embeddings/Microsoft_Excel_Worksheet.xlsx"
    check_zip(zip_with({"word/document.xml": b"<a/>", name: sheet}))
    # the embedded file is checked with the same limits…
    bomb_sheet = zip_with({"xl/workbook.xml": b"\0" * (zipguard.RATIO_MIN_BYTES + 1)})
    with pytest.raises(ZipRejected, match="压缩比异常"):
        check_zip(zip_with({"word/document.xml": b"<a/>", name: bomb_sheet}))
    # …and a package inside the embedded one is refused
    nested = zip_with({"xl/workbook.xml": b"<w/>", "xl/embeddings/inner.docx": sheet})
    with pytest.raises(ZipRejected, match="嵌入了压缩包"):
        check_zip(zip_with({"word/document.xml": b"<a/>", name: nested}))


# ------------------------------------------------------------------------- extraction


def test_the_small_file_with_large_xml_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = small_file_large_xml()
    assert len(data) < 100 * 1024
    monkeypatch.setattr(docx_reader, "_parse_docx", lambda data: pytest.fail("parsed"))
    with pytest.raises(ZipRejected, match="疑似异常文件"):
        extract_text(data, "报告.docx")


def test_a_long_docx_under_the_size_caps_stops_at_the_character_cap() -> None:
    import random

    rng = random.Random(12)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    paragraphs = "".join(
        f"<w:p><w:r><w:t>{''.join(rng.choices(chars, k=60))}</w:t></w:r></w:p>"
        for _ in range(documents.MAX_IMPORT_CHARS // 60 + 10)
    )
    data = replace_member(make_docx(["x"]), "word/document.xml", document_xml(paragraphs))
    check_zip(data)  # within every ZIP limit: only the text cap refuses it
    with pytest.raises(DocumentError, match="文档文字超过 20 万字"):
        extract_text(data, "报告.docx")


def test_a_docx_that_costs_too_much_cpu_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "IMPORT_CPU_SECONDS", 0.0)
    with pytest.raises(DocumentError, match="读取超时"):
        extract_text(make_docx([PARAGRAPH] * 3), "报告.docx")


def test_the_xml_of_a_docx_is_read_without_entities() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "AAAAAAAAAA">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p><w:p><w:r><w:t>text</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )
    data = replace_member(make_docx(["x"]), "word/document.xml", xml)
    try:
        text = extract_text(data, "报告.docx")
    except DocumentError:
        return  # refused as damaged: fine
    assert "AAAAAAAAAA" not in text


def test_a_zip_bomb_docx_is_refused_as_an_attachment() -> None:
    bomb = small_file_large_xml(60 * MB)
    with pytest.raises(DocumentError, match="疑似异常文件"):
        check_attachment(bomb, "报告.docx", len(bomb), 20 * MB)


def test_a_large_honest_spreadsheet_is_accepted_as_an_attachment() -> None:
    import os

    sheet = os.urandom(3 * MB).hex().encode()  # 6 MB of XML: over the parsing cap
    data = zip_with({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": sheet})
    content_type, name = check_attachment(data, "统计表.xlsx", len(data), 20 * MB)
    assert name == "统计表.xlsx" and "spreadsheet" in content_type


# ------------------------------------------------------------------------- pdf


@pytest.mark.parametrize(
    "entry",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ",
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ",
        b"/Names << /JavaScript 9 0 R >> ",
        b"/OpenAction << /S /Launch /F (cmd.exe) >> ",
        b"/AA << /O 9 0 R >> ",
        b"/Names << /EmbeddedFiles 9 0 R >> ",
        b"/AcroForm << /XFA 9 0 R >> ",
    ],
)
def test_a_pdf_with_scripts_or_actions_is_refused(entry: bytes) -> None:
    data = pdf_with_catalog_entry(entry)
    with pytest.raises(DocumentError, match="已拒绝"):
        check_pdf(data)
    with pytest.raises(DocumentError, match="已拒绝"):
        extract_text(data, "报告.pdf")
    with pytest.raises(DocumentError, match="已拒绝"):
        check_attachment(data, "报告.pdf", len(data), 20 * MB)


def test_javascript_hidden_in_a_compressed_object_stream_is_found() -> None:
    import zlib

    hidden = zlib.compress(b"9 0 << /S /JavaScript /JS (app.alert(1)) >>")
    objstm = (
        b"6 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(hidden)
        + hidden
        + b"\nendstream\nendobj\n"
    )
    data = make_pdf(b"BT /F1 24 Tf 72 700 Td (Hello report) Tj ET")
    data = data.replace(b"xref\n", objstm + b"xref\n", 1)
    with pytest.raises(DocumentError, match="JavaScript"):
        check_pdf(data)


def test_an_ordinary_open_action_and_a_compressed_page_pass() -> None:
    import zlib

    data = pdf_with_catalog_entry(b"/OpenAction [3 0 R /XYZ 0 792 0] ")
    check_pdf(data)
    assert extract_text(data, "r.pdf") == "Hello report"
    # compressed streams whose bytes happen to contain "/JS " are not searched
    page = zlib.compress(b"BT /F1 24 Tf 72 700 Td (Hello) Tj ET")
    stream = b"7 0 obj\n<< /Filter /FlateDecode /Length 9 >>\nstream\n/JS /AA \nendstream\nendobj\n"
    check_pdf(make_pdf(page).replace(b"xref\n", stream + b"xref\n", 1))


def test_a_pdf_flate_bomb_is_refused() -> None:
    import zlib

    bomb = zlib.compress(b"\0" * (documents.PDF_MAX_INFLATED_BYTES + MB), 9)
    data = make_pdf(b"BT /F1 24 Tf 72 700 Td (Hello) Tj ET").replace(
        b"xref\n",
        b"7 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(bomb)
        + bomb
        + b"\nendstream\nendobj\nxref\n",
        1,
    )
    with pytest.raises(DocumentError, match="解压后过大"):
        check_attachment(data, "a.pdf", len(data), 20 * MB)
    with pytest.raises(DocumentError, match="PDF 内容过多"):
        extract_text(data, "a.pdf")


def test_a_pdf_page_that_costs_too_much_cpu_is_stopped() -> None:
    # 2,000 overlapping lines on one page: pdfminer's layout analysis took 15 s
    ops = b"".join(
        b"BT /F1 10 Tf 72 %d Td (Report line number %d here) Tj ET\n" % (700 - (i % 60) * 10, i)
        for i in range(2000)
    )
    started = time.thread_time()
    with pytest.raises(DocumentError, match="读取超时"):
        extract_text(make_pdf(ops), "报告.pdf")
    # stopped in the middle of the page, not after it (CPU time, generous for slow CI)
    assert time.thread_time() - started < 2 * documents.IMPORT_CPU_SECONDS + 0.5


# ------------------------------------------------------------------------- over HTTP


@pytest.fixture
def report(world):
    campaign = make_campaign(world)
    return Report.objects.get(campaign=campaign, organization=world.school_a1)


def attach(client, report, name: str, content: bytes):
    return client.post(
        f"/reports/{report.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def import_document(client, report, name: str, content: bytes):
    return client.post(
        f"/reports/{report.pk}/import/", {"document": SimpleUploadedFile(name, content)}
    )


def test_the_small_file_large_xml_docx_is_refused_on_import(world, report, login):
    page = import_document(login(world.alice), report, "自查报告.docx", small_file_large_xml())
    body = page.content.decode()
    assert page.status_code == 200
    assert "疑似异常文件" in body
    assert "确认导入" not in body
    assert len(page.content) < 200_000  # not the 1.3 MB preview of issue 12


def test_the_small_file_large_xml_docx_is_refused_as_attachment(world, report, login, tmp_path):
    page = attach(login(world.alice), report, "自查报告.docx", small_file_large_xml())
    assert "疑似异常文件" in page.content.decode()
    assert not Attachment.objects.exists()


def test_a_zip_bomb_docx_is_refused_as_attachment_and_nothing_is_stored(
    world, report, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    bomb = small_file_large_xml(60 * MB)
    assert len(bomb) < MB
    page = attach(login(world.alice), report, "报告.docx", bomb)
    assert "疑似异常文件" in page.content.decode()
    assert "附件已上传" not in page.content.decode()
    assert not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.docx"))


@pytest.mark.parametrize("pdf", [JS_PDF, ESCAPED_JS_PDF], ids=["plain", "hex-escaped"])
def test_a_pdf_with_javascript_is_refused_on_both_paths(
    world, report, login, settings, tmp_path, pdf
):
    settings.MEDIA_ROOT = tmp_path
    client = login(world.alice)
    page = attach(client, report, "通知.pdf", pdf)
    assert "JavaScript" in page.content.decode() and "已拒绝" in page.content.decode()
    assert not Attachment.objects.exists()
    page = import_document(client, report, "自查报告.pdf", pdf)
    assert "JavaScript" in page.content.decode() and "确认导入" not in page.content.decode()


def test_a_normal_docx_and_pdf_are_still_accepted(world, report, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(world.alice)
    document = docx.Document()
    for line in ["一、自查情况及成效", PARAGRAPH, "二、存在的问题", "师资不足。"]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    page = import_document(client, report, "自查报告.docx", buffer.getvalue())
    assert "确认导入" in page.content.decode() and "师资不足。" in page.content.decode()
    pdf = make_pdf(b"BT /F1 24 Tf 72 700 Td (Hello report) Tj ET")
    page = import_document(client, report, "报告.pdf", pdf)
    assert "确认导入" in page.content.decode()
    assert "附件已上传" in attach(client, report, "报告.docx", buffer.getvalue()).content.decode()
    assert "附件已上传" in attach(client, report, "报告.pdf", pdf).content.decode()
    assert Attachment.objects.count() == 2
