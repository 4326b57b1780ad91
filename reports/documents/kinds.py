"""What a file really is, from its first bytes (:func:`sniff`), and the tables of the types
the portal accepts."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from reports.documents.text import printable_share

#: Types allowed as report attachments, with the content type they are served with.
#: Old binary Office files (``ole``: .doc/.xls/.ppt and WPS .wps/.et) are allowed because
#: bureaus still send them; they are never parsed by the portal.
ATTACHMENT_KINDS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "ole": "application/msword",
}

# Which real types a file extension may hold (attachments).
EXT_FAMILY: dict[str, frozenset[str]] = {
    ".pdf": frozenset({"pdf"}),
    ".docx": frozenset({"docx"}),
    ".xlsx": frozenset({"xlsx"}),
    ".pptx": frozenset({"pptx"}),
    ".doc": frozenset({"ole"}),
    ".xls": frozenset({"ole"}),
    ".ppt": frozenset({"ole"}),
    ".wps": frozenset({"ole", "docx"}),
    ".et": frozenset({"ole", "xlsx"}),
    ".dps": frozenset({"ole", "pptx"}),
    ".png": frozenset({"png"}),
    ".jpg": frozenset({"jpeg"}),
    ".jpeg": frozenset({"jpeg"}),
    ".jpe": frozenset({"jpeg"}),
}
# Extension added to a name that has none (or an unknown one).
CANONICAL_EXT = {
    "pdf": ".pdf",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "pptx": ".pptx",
    "ole": ".doc",
    "png": ".png",
    "jpeg": ".jpg",
}
OLE_CONTENT_TYPES = {
    ".xls": "application/vnd.ms-excel",
    ".et": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".dps": "application/vnd.ms-powerpoint",
}

# How each sniffed type is named in messages.
KIND_NAMES = {
    "pdf": "PDF 文档",
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 表格（.xlsx）",
    "pptx": "PPT 演示文稿（.pptx）",
    "zip": "ZIP 压缩包",
    "ole": "旧版 Office 文档（.doc/.xls/.ppt）",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "gif": "GIF 图片",
    "exe": "Windows 可执行程序（.exe）",
    "elf": "Linux 可执行程序",
    "text": "纯文本文件",
    None: "无法识别的文件",
}


_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OOXML_MARKERS = (
    ("docx", "word/document.xml"),
    ("xlsx", "xl/workbook.xml"),
    ("pptx", "ppt/presentation.xml"),
)


def sniff(data: bytes) -> str | None:
    """Real type of ``data`` from its magic bytes.

    Returns ``"pdf"``, ``"docx"``, ``"xlsx"``, ``"pptx"``, ``"zip"`` (any other ZIP),
    ``"ole"`` (old binary Office), ``"png"``, ``"jpeg"``, ``"gif"``, ``"exe"``, ``"elf"``,
    ``"text"`` or ``None``.  ZIP members are read from the central directory; when that is
    missing (a truncated file, or only the first bytes were passed) the local file headers
    are searched for the marker names instead, so a damaged .docx is still a ``"docx"``.
    """
    if not data:
        return None
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return _sniff_zip(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"MZ"):
        return "exe"
    if data.startswith(b"\x7fELF"):
        return "elf"
    if _looks_like_text(data):
        return "text"
    return None


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
        for kind, marker in _OOXML_MARKERS:
            if marker in names:
                return kind
        return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        pass
    for kind, marker in _OOXML_MARKERS:
        if marker.encode() in data:
            return kind
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with BOM (Windows Notepad "Unicode")
    if b"\x00" in sample:
        return False
    text = _decode_sample(sample)
    if text is None:
        return False
    return printable_share(text) >= 0.95


def _decode_sample(sample: bytes) -> str | None:
    if sample.startswith(b"\xef\xbb\xbf"):
        sample = sample[3:]
    for enc in ("utf-8", "gb18030"):
        try:
            return sample.decode(enc)
        except UnicodeDecodeError as exc:
            # The sample may end in the middle of a multi-byte character.
            if exc.start >= len(sample) - 4 and exc.reason != "invalid start byte":
                try:
                    return sample[: exc.start].decode(enc)
                except UnicodeDecodeError:
                    pass
    return None


def file_extension(filename: str) -> str:
    base = re.split(r"[/\\]", filename or "")[-1]
    return split_ext(base.strip())[1].lower()


def split_ext(name: str) -> tuple[str, str]:
    suffix = PurePosixPath(name).suffix
    if suffix and 2 <= len(suffix) <= 10 and suffix[1:].isascii() and suffix[1:].isalnum():
        return name[: -len(suffix)], suffix
    return name, ""
