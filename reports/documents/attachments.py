"""Checking an attachment (type by content, the ZIP guard, active PDFs) and making its
file name safe."""

from __future__ import annotations

import re
import unicodedata

from reports.documents.errors import MSG_ATTACHMENT_TYPES, MSG_EMPTY, DocumentError
from reports.documents.kinds import (
    ATTACHMENT_KINDS,
    CANONICAL_EXT,
    EXT_FAMILY,
    KIND_NAMES,
    OLE_CONTENT_TYPES,
    file_extension,
    sniff,
    split_ext,
)
from reports.documents.limits import (
    ATTACHMENT_MAX_XML_MEMBER_BYTES,
    FILENAME_FALLBACK,
    FILENAME_MAX_BYTES,
    FILENAME_MAX_CHARS,
    fmt_mb,
)
from reports.documents.pdf import check_pdf
from reports.documents.zipguard import check_zip


def check_attachment(data: bytes, filename: str, size: int, max_bytes: int) -> tuple[str, str]:
    """Check an uploaded attachment; return ``(content_type, safe_name)``.

    ``data`` is the whole file: the view enforces ``size <= max_bytes`` before reading it
    (``size`` is checked here too).  The whole bytes are needed: Office files must pass
    :func:`reports.documents.zipguard.check_zip` (with :data:`ATTACHMENT_MAX_XML_MEMBER_BYTES`, as
    attachments are not parsed) and PDFs :func:`check_pdf`, exactly like an import, so a
    file refused on import is not served to reviewers either.

    The type comes from the content (:func:`sniff`) and must be one of
    :data:`ATTACHMENT_KINDS`.  When the name has a known extension the content must belong
    to that extension's family (a ``.pdf`` that is really a PNG is refused); a name without
    one gets the extension of the real type appended.  Raises :class:`DocumentError`.
    """
    if size > max_bytes:
        raise DocumentError(f"文件大小 {fmt_mb(size)} MB 超过上限 {fmt_mb(max_bytes)} MB")
    if size <= 0 or not data:
        raise DocumentError(MSG_EMPTY)
    kind = sniff(data)
    if kind not in ATTACHMENT_KINDS:
        real = KIND_NAMES.get(kind, KIND_NAMES[None])
        raise DocumentError(f"不支持的文件类型（{real}），{MSG_ATTACHMENT_TYPES}")
    safe = sanitize_filename(filename)
    ext = file_extension(safe)
    family = EXT_FAMILY.get(ext)
    if family is not None:
        if kind not in family:
            raise DocumentError(
                f"文件扩展名是 {ext}，但内容实际是{KIND_NAMES[kind]}，"
                "两者不符，请检查文件后重新上传"
            )
    else:
        safe = _append_extension(safe, CANONICAL_EXT[kind])
    if kind in ("docx", "xlsx", "pptx"):
        check_zip(data, max_xml_member_bytes=ATTACHMENT_MAX_XML_MEMBER_BYTES)
    elif kind == "pdf":
        check_pdf(data)
    content_type = ATTACHMENT_KINDS[kind]
    if kind == "ole":
        content_type = OLE_CONTENT_TYPES.get(ext, content_type)
    return content_type, safe


def _append_extension(name: str, ext: str) -> str:
    stem = name
    if name == FILENAME_FALLBACK or not name:
        stem = FILENAME_FALLBACK
    return _cap_name(stem, ext)


_WINDOWS_ILLEGAL_RE = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)
}


def sanitize_filename(name: str) -> str:
    """A file name safe to store and to send back in ``Content-Disposition``.

    Drops directories (``/`` and ``\\``), control and format characters (including the
    right-to-left override used to disguise ``.exe``), characters Windows forbids
    (``<>:"/\\|?*``), leading dots and spaces, trailing dots and spaces; collapses
    whitespace; keeps Chinese; prefixes Windows device names (``CON``…) with ``_``; caps
    the name at :data:`FILENAME_MAX_CHARS` characters / :data:`FILENAME_MAX_BYTES` UTF-8
    bytes keeping the extension.  Never empty: falls back to ``"附件"``.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if ch in "\t\n\r\v\f" else ch
        for ch in name
        if ch in "\t\n\r\v\f" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = _WINDOWS_ILLEGAL_RE.sub("", name)
    name = re.sub(r"\s+", " ", name)
    name = name.lstrip(". ").rstrip(". ")
    if not name:
        return FILENAME_FALLBACK
    stem, ext = split_ext(name)
    stem = stem.rstrip(". ")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    if not stem:
        stem = FILENAME_FALLBACK
    return _cap_name(stem, ext)


def _cap_name(stem: str, ext: str) -> str:
    max_chars = FILENAME_MAX_CHARS - len(ext)
    stem = stem[:max_chars]
    max_bytes = FILENAME_MAX_BYTES - len(ext.encode())
    while len(stem.encode()) > max_bytes:
        stem = stem[:-1]
    stem = stem.rstrip(". ") or FILENAME_FALLBACK
    return stem + ext
