"""Text of an uploaded .docx, .pdf or plain-text file: the entry point of an import."""

from __future__ import annotations

import io
import zipfile

from reports.documents.docx import docx_text
from reports.documents.errors import (
    MSG_CORRUPT,
    MSG_EMPTY,
    MSG_OLE,
    MSG_PDF_NO_TEXT,
    DocumentError,
    msg_too_long,
)
from reports.documents.kinds import KIND_NAMES, file_extension, sniff
from reports.documents.limits import MAX_IMPORT_BYTES, MAX_IMPORT_CHARS, fmt_mb
from reports.documents.pdf import pdf_text
from reports.documents.text import decode_text, normalise_newlines


def extract_text(data: bytes, filename: str = "") -> str:
    """Text of an uploaded .docx, .pdf or plain-text file.

    The type comes from :func:`sniff`; ``filename`` is used only for the wording of the
    error message.  Paragraphs are separated by ``"\\n"``; line endings are normalised.

    Raises :class:`DocumentError` for files over :data:`MAX_IMPORT_BYTES`, empty files,
    old .doc files, executables and other types that are not documents, damaged files,
    ZIP bombs and other files refused by :func:`reports.documents.zipguard.check_zip`, PDFs with
    scripts or actions (:func:`check_pdf`), PDFs without a text layer, undecodable text,
    and text over :data:`MAX_IMPORT_CHARS` characters or :data:`IMPORT_CPU_SECONDS`.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise DocumentError(
            f"文件大小 {fmt_mb(len(data))} MB 超过上限 {fmt_mb(MAX_IMPORT_BYTES)} MB"
        )
    if not data:
        raise DocumentError(MSG_EMPTY)
    kind = sniff(data)
    if kind == "docx":
        text = docx_text(data)
    elif kind == "pdf":
        text = pdf_text(data)
    elif kind == "text":
        # A character is at most 4 bytes in UTF-8, GB18030 and UTF-16.
        if len(data) > 4 * MAX_IMPORT_CHARS + 4:
            raise DocumentError(msg_too_long())
        text = decode_text(data)
    elif kind == "ole":
        raise DocumentError(MSG_OLE)
    elif kind == "zip" and not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(MSG_CORRUPT)  # starts like a zip but cannot be opened: damaged
    else:
        raise DocumentError(_not_importable_message(kind, filename))
    text = normalise_newlines(text)
    if len(text) > MAX_IMPORT_CHARS:
        raise DocumentError(msg_too_long())
    if not text.strip():
        if kind == "pdf":
            raise DocumentError(MSG_PDF_NO_TEXT)
        raise DocumentError("文件中没有文字内容")
    return text


def _not_importable_message(kind: str | None, filename: str) -> str:
    real = KIND_NAMES.get(kind, KIND_NAMES[None])
    ext = file_extension(filename)
    if ext in (".docx", ".doc", ".wps"):
        return (
            f"文件内容不是 Word 文档（.docx），而是{real}，已拒绝。"
            "请确认文件无误，或在 Word 中另存为 .docx 后再上传"
        )
    if ext == ".pdf":
        return f"文件内容不是 PDF 文档，而是{real}，已拒绝"
    return f"无法导入{real}，请上传 Word 文档（.docx）、PDF 或文本文件（.txt）"
