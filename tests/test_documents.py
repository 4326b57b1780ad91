"""Tests for reports.documents: sniffing, text extraction, splitting, attachment checks.

Every input is built at test time (python-docx, hand-written PDFs, zipfile); nothing
binary is stored in the repository.  No database.
"""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest

from reports import documents
from reports.documents import (
    MAX_IMPORT_BYTES,
    DocumentError,
    SplitResult,
    extract_text,
    sniff,
    split_sections,
)
from reports.documents import docx as docx_reader
from tests.fixtures import fixture_lines

TEMPLATE = [
    {"key": "achievements", "title": "自查情况及成效", "kind": "work_done"},
    {"key": "problems", "title": "存在的问题", "kind": "problems"},
    {"key": "next_steps", "title": "下一步整改措施", "kind": "next_steps"},
]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


# ------------------------------------------------------------------------- builders


def masked_report() -> list[str]:
    """A school's three-part report with a title and preamble (tests/fixtures)."""
    return fixture_lines("masked_report")


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(content: bytes | None) -> bytes:
    """A minimal one-page PDF with correct xref offsets; ``content`` is the page stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ]
    if content is None:
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
    else:
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>"
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def inflate_member(docx_bytes: bytes, member: str, extra_bytes: int) -> bytes:
    """Copy a .docx, appending ``extra_bytes`` of spaces to ``member`` (still valid XML)."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename != member:
                dst.writestr(info.filename, payload)
                continue
            with dst.open(member, "w", force_zip64=True) as fh:
                fh.write(payload)
                chunk = b" " * (1024 * 1024)
                left = extra_bytes
                while left > 0:
                    fh.write(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
    return buf.getvalue()


# ------------------------------------------------------------------------- sniff


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"GIF89a\x01\x00", "gif"),
        (OLE, "ole"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "exe"),
        (b"\x7fELF\x02\x01\x01", "elf"),
        ("一、基本情况\n学校".encode(), "text"),
        ("一、基本情况\n学校".encode("gbk"), "text"),
        (b"\x00\x01\x02\x03\x04binary\x00", None),
        (b"", None),
    ],
)
def test_it_sniffs_the_real_type_from_magic_bytes(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_it_tells_office_zip_formats_apart() -> None:
    assert sniff(make_docx(["正文"])) == "docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(buf.getvalue()) == "xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ppt/presentation.xml", "<p/>")
    assert sniff(buf.getvalue()) == "pptx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert sniff(buf.getvalue()) == "zip"


# ------------------------------------------------------------------------- docx


def test_it_extracts_paragraphs_of_a_docx_in_order() -> None:
    lines = masked_report()
    text = extract_text(make_docx(lines), "自查报告.docx")
    assert text.split("\n") == lines
    assert "会议次数较去年减少15%" in text


def test_it_extracts_table_cells_of_a_docx() -> None:
    data = make_docx(["一、基本情况"], table=[["项目", "数量"], ["课后服务社团", "12个"]])
    text = extract_text(data, "a.docx")
    assert text.split("\n")[0] == "一、基本情况"
    assert "项目 数量" in text
    assert "课后服务社团 12个" in text


def test_it_splits_a_three_part_report_imported_from_docx() -> None:
    text = extract_text(make_docx(masked_report()), "自查报告.docx")
    result = split_sections(text, TEMPLATE)
    assert isinstance(result, SplitResult)
    assert result.confident is True
    assert result.preamble.startswith("××小学20xx年减负工作自查报告")
    assert "现将20xx年减负工作自查情况报告如下" in result.preamble

    ach = result.sections["achievements"]
    assert ach.startswith("我校现有教学班**个")
    assert "自查情况及成效" not in ach  # the heading itself is removed
    assert "三至六年级书面作业控制在60分钟以内" in ach
    assert ach.endswith("会议次数较去年减少15%。")
    assert "存在的问题" not in ach

    problems = result.sections["problems"]
    assert problems.startswith("1、个别教师的作业设计仍以机械抄写为主")
    assert "与全覆盖的目标还有差距" in problems
    assert "作业设计教研" not in problems

    nxt = result.sections["next_steps"]
    assert nxt.startswith("1、加强作业设计教研,每学期开展一次作业设计评比")
    assert nxt.endswith("原则上不召开全体教师大会。")

    assert result.matched_titles == {
        "achievements": ["一、自查情况及成效"],
        "problems": ["二、存在的问题"],
        "next_steps": ["三、下一步工作措施"],
    }


def test_it_refuses_an_exe_renamed_docx() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text(b"MZ\x90\x00" + bytes(range(256)) * 4, "自查报告.docx")
    message = str(err.value)
    assert "不是 Word 文档" in message
    assert "可执行程序" in message


def test_it_refuses_a_truncated_docx_as_corrupt() -> None:
    data = make_docx(masked_report())
    with pytest.raises(DocumentError) as err:
        extract_text(data[: len(data) // 2], "报告.docx")
    assert "文件已损坏" in str(err.value)


def test_it_refuses_a_docx_with_broken_xml_as_corrupt() -> None:
    src = zipfile.ZipFile(io.BytesIO(make_docx(["正文"])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "word/document.xml":
                payload = payload[: len(payload) // 2]
            dst.writestr(info.filename, payload)
    with pytest.raises(DocumentError) as err:
        extract_text(buf.getvalue(), "报告.docx")
    assert "文件已损坏" in str(err.value)


def test_it_refuses_a_zip_bomb_docx_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = inflate_member(make_docx(["正文"]), "word/document.xml", 300 * 1024 * 1024)
    assert len(bomb) < 3 * 1024 * 1024  # 300 MB of XML in a small upload
    assert sniff(bomb) == "docx"

    def must_not_parse(data: bytes) -> str:
        raise AssertionError("the docx was parsed")

    monkeypatch.setattr(docx_reader, "_parse_docx", must_not_parse)
    started = time.monotonic()
    with pytest.raises(DocumentError) as err:
        extract_text(bomb, "报告.docx")
    assert time.monotonic() - started < 1.0
    assert "解压后过大" in str(err.value)


def test_it_refuses_a_single_highly_compressed_member(monkeypatch: pytest.MonkeyPatch) -> None:
    # 20 MB is under the total limit, but a 1000:1 ratio is not a real document.
    data = inflate_member(make_docx(["正文"]), "word/document.xml", 20 * 1024 * 1024)
    monkeypatch.setattr(docx_reader, "_parse_docx", lambda data: pytest.fail("parsed"))
    with pytest.raises(DocumentError) as err:
        extract_text(data, "报告.docx")
    assert "疑似异常文件" in str(err.value)


def test_it_refuses_an_old_doc_asking_for_docx() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text(OLE, "自查报告.doc")
    message = str(err.value)
    assert ".docx" in message
    assert "另存为" in message


def test_it_refuses_an_import_over_the_size_limit() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text(b"a" * (MAX_IMPORT_BYTES + 1), "big.txt")
    assert "超过上限 20 MB" in str(err.value)


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text(b"", "空.txt")
    assert "空" in str(err.value)


# ------------------------------------------------------------------------- pdf


def test_it_extracts_text_from_a_minimal_pdf() -> None:
    data = make_pdf(b"BT /F1 24 Tf 72 700 Td (Hello   report) Tj ET")
    assert sniff(data) == "pdf"
    assert extract_text(data, "r.pdf") == "Hello report"


def test_it_refuses_a_pdf_without_text_as_a_scan() -> None:
    data = make_pdf(None)
    with pytest.raises(DocumentError) as err:
        extract_text(data, "扫描.pdf")
    message = str(err.value)
    assert "没有可提取的文字" in message
    assert "扫描件" in message


def test_it_refuses_a_garbled_pdf() -> None:
    with pytest.raises(DocumentError) as err:
        extract_text(b"%PDF-1.4\n" + bytes(range(256)) * 8, "坏.pdf")
    assert str(err.value) in (documents.MSG_CORRUPT, documents.MSG_PDF_NO_TEXT)


# ------------------------------------------------------------------------- text


def test_it_decodes_gbk_text() -> None:
    original = "一、基本情况\r\n我校共有学生一千二百人，课后服务参与率95%。\r\n"
    text = extract_text(original.encode("gbk"), "报告.txt")
    assert text == "一、基本情况\n我校共有学生一千二百人，课后服务参与率95%。\n"


def test_it_decodes_utf8_with_bom() -> None:
    text = extract_text("\ufeff二、存在的问题\n作业偏多".encode(), "报告.txt")
    assert text == "二、存在的问题\n作业偏多"


def test_it_decodes_utf16_from_notepad() -> None:
    text = extract_text("三、下一步打算\r\n严控作业".encode("utf-16"), "报告.txt")
    assert text == "三、下一步打算\n严控作业"


# ------------------------------------------------------------------------- split


def test_it_splits_headings_run_into_the_body() -> None:
    text = (
        "某某小学减负工作自查报告\n"
        "一、健全组织、明确职责学校成立了减负工作领导小组。二、工作措施（一）作业管理"
        "每天公示作业。三、主要成效家长满意度明显提高。四、存在的问题部分教师观念滞后。"
        "五、下一步打算继续推进作业改革。"
    )
    result = split_sections(text, TEMPLATE)
    assert result.confident is True
    assert result.preamble == "某某小学减负工作自查报告"
    ach = result.sections["achievements"]
    # the leading topic section and "工作措施"/"主要成效" all go to achievements, in order
    assert ach.index("学校成立了减负工作领导小组") < ach.index("每天公示作业")
    assert ach.index("每天公示作业") < ach.index("家长满意度明显提高")
    assert "部分教师观念滞后" not in ach
    assert result.sections["problems"] == "部分教师观念滞后。"
    assert result.sections["next_steps"] == "继续推进作业改革。"
    assert result.matched_titles["problems"] == ["四、存在的问题"]
    assert result.matched_titles["next_steps"] == ["五、下一步打算"]
    assert "二、工作措施" in result.matched_titles["achievements"]


def test_it_maps_overview_and_other_sections_onto_the_template() -> None:
    text = (
        "一、基本情况\n我校有学生800人。\n"
        "二、工作措施\n严控作业总量。\n"
        "三、特色亮点\n开设社团20个。\n"
        "四、存在问题：部分家长仍给孩子报班。\n"
        "五、整改措施\n加强家校沟通。"
    )
    result = split_sections(text, TEMPLATE)
    ach = result.sections["achievements"]
    assert ach.startswith("我校有学生800人。")
    assert "严控作业总量" in ach
    assert "开设社团20个" in ach  # "other" section appended to the preceding one
    assert result.sections["problems"] == "部分家长仍给孩子报班。"
    assert result.sections["next_steps"] == "加强家校沟通。"
    assert result.matched_titles["achievements"] == ["一、基本情况", "二、工作措施", "三、特色亮点"]
    assert result.preamble == ""


def test_it_uses_an_overview_entry_when_the_template_has_one() -> None:
    template = [
        {"key": "basics", "title": "基本情况", "kind": "overview"},
        *TEMPLATE,
    ]
    text = "一、基本情况\n学生800人。\n二、主要做法\n作业公示。\n三、存在的问题\n作业偏多。"
    result = split_sections(text, template)
    assert result.sections == {
        "basics": "学生800人。",
        "achievements": "作业公示。",
        "problems": "作业偏多。",
        "next_steps": "",
    }


def test_it_puts_text_without_headings_into_the_first_section() -> None:
    text = "我校认真落实双减政策，作业总量明显下降。\n家长普遍满意。"
    result = split_sections(text, TEMPLATE)
    assert result.confident is False
    assert result.sections == {"achievements": text, "problems": "", "next_steps": ""}
    assert result.preamble == ""


def test_it_is_not_confident_when_no_heading_matches_the_template() -> None:
    text = "一、精文减会\n发文减少。\n二、督查检查\n检查减少。"
    result = split_sections(text, TEMPLATE)
    assert result.confident is False
    assert result.sections["achievements"] == text
    assert result.sections["problems"] == ""


def test_it_returns_every_key_for_empty_text() -> None:
    result = split_sections("   ", TEMPLATE)
    assert result.sections == {"achievements": "", "problems": "", "next_steps": ""}
    assert result.confident is False
