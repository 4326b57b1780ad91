"""Attachment checks (type by content, extension families, sizes) and safe file names."""

from __future__ import annotations

import io
import zipfile

import pytest

from reports import documents
from reports.documents import (
    ATTACHMENT_KINDS,
    DocumentError,
    check_attachment,
    sanitize_filename,
)
from tests.test_documents import OLE, PNG, make_docx, make_pdf

# ------------------------------------------------------------------------- attachments


def test_it_refuses_an_attachment_over_the_size_limit() -> None:
    with pytest.raises(DocumentError) as err:
        check_attachment(b"%PDF-1.4", "big.pdf", 200 * 1024 * 1024, 20 * 1024 * 1024)
    assert str(err.value) == "文件大小 200 MB 超过上限 20 MB"


def test_it_formats_a_fractional_size() -> None:
    size = int(215.3 * 1024 * 1024)
    with pytest.raises(DocumentError) as err:
        check_attachment(b"%PDF-1.4", "big.pdf", size, 20 * 1024 * 1024)
    assert "215.3 MB" in str(err.value)


def test_it_refuses_a_png_renamed_pdf() -> None:
    with pytest.raises(DocumentError) as err:
        check_attachment(PNG, "自查佐证.pdf", len(PNG), 20 * 1024 * 1024)
    message = str(err.value)
    assert ".pdf" in message
    assert "PNG 图片" in message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00" + b"\x01" * 100, "通知.pdf"),
        (b"MZ\x90\x00" + b"\x01" * 100, "setup.exe"),
        (b"\x7fELF\x02\x01", "run"),
        ("纯文本".encode(), "说明.txt"),
    ],
)
def test_it_refuses_attachment_types_not_allowed(data: bytes, name: str) -> None:
    with pytest.raises(DocumentError) as err:
        check_attachment(data, name, len(data), 20 * 1024 * 1024)
    assert "只能上传 PDF、Word、Excel、PPT 或图片" in str(err.value)


def test_it_refuses_a_plain_zip_attachment() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    data = buf.getvalue()
    with pytest.raises(DocumentError) as err:
        check_attachment(data, "材料.zip", len(data), 20 * 1024 * 1024)
    assert "ZIP 压缩包" in str(err.value)


def test_it_accepts_real_attachments_with_their_content_type() -> None:
    limit = 20 * 1024 * 1024
    data = make_docx(["正文"])
    assert check_attachment(data, "自查报告.docx", len(data), limit) == (
        ATTACHMENT_KINDS["docx"],
        "自查报告.docx",
    )
    assert check_attachment(PNG, "照片.PNG", len(PNG), limit) == ("image/png", "照片.PNG")
    assert check_attachment(OLE, "旧文件.doc", len(OLE), limit) == (
        "application/msword",
        "旧文件.doc",
    )
    assert check_attachment(OLE, "统计表.xls", len(OLE), limit)[0] == "application/vnd.ms-excel"


def test_it_appends_the_real_extension_when_the_name_has_none() -> None:
    pdf = make_pdf(None)
    assert check_attachment(pdf, "扫描件", len(pdf), 20 * 1024 * 1024) == (
        "application/pdf",
        "扫描件.pdf",
    )


def test_it_refuses_a_docx_named_xlsx() -> None:
    data = make_docx(["正文"])
    with pytest.raises(DocumentError) as err:
        check_attachment(data, "表格.xlsx", len(data), 20 * 1024 * 1024)
    assert "Word 文档" in str(err.value)


# ------------------------------------------------------------------------- file names


def test_it_strips_directories_from_a_file_name() -> None:
    assert sanitize_filename("../../etc/passwd") == "passwd"
    assert sanitize_filename("C:\\Users\\a\\报告<1>.docx") == "报告1.docx"


def test_it_strips_leading_dots_and_whitespace() -> None:
    assert sanitize_filename("   .hidden") == "hidden"
    assert sanitize_filename("  自查   报告 \t 终稿 .pdf ") == "自查 报告 终稿.pdf"


def test_it_caps_a_long_name_keeping_the_extension() -> None:
    safe = sanitize_filename("a" * 300 + ".docx")
    assert len(safe) == 100
    assert safe == "a" * 95 + ".docx"


def test_it_caps_a_long_chinese_name_to_what_a_file_system_stores() -> None:
    # 100 Chinese characters would be 300 UTF-8 bytes; file systems allow 255 per name.
    safe = sanitize_filename("报" * 300 + ".docx")
    assert safe.endswith(".docx")
    assert set(safe[:-5]) == {"报"}
    assert len(safe.encode()) <= documents.FILENAME_MAX_BYTES
    assert len(safe) == (documents.FILENAME_MAX_BYTES - 5) // 3 + 5


def test_it_removes_control_characters_and_rtl_override() -> None:
    assert sanitize_filename("a\x00b\x1f\u202ecod.exe") == "abcod.exe"


def test_it_never_returns_an_empty_name() -> None:
    assert sanitize_filename("") == "附件"
    assert sanitize_filename("../..") == "附件"
    assert sanitize_filename('<>:"|?*') == "附件"
    assert sanitize_filename("CON.txt") == "_CON.txt"
