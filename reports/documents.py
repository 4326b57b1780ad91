"""Uploaded documents: type sniffing, text extraction, section splitting, attachment checks.

Plain Python — imports nothing from Django, so it is fast to test.  python-docx and
pdfminer.six are imported lazily, only when a document of that type is read.

Decisions:

* The real type of a file always comes from its first bytes (:func:`sniff`), never from
  its name.  The name only decides which *family* an attachment must belong to
  (a ``.pdf`` must really be a PDF) and how the error message reads.
* Every refusal is a :class:`DocumentError` (a ``ValueError``) whose ``str()`` is a
  Chinese sentence that can be shown to the school as it is.
* Every ZIP-based upload (.docx import, .docx/.xlsx/.pptx attachments) passes
  :func:`reports.zipguard.check_zip` before anything reads it: member count, per-member
  and total uncompressed size, compression ratio, nesting and member names, all from the
  ZIP directory.  An import also caps the size of each XML part so that reading it stays
  well under a second; an attachment (never parsed here) gets a larger XML cap.
* Text extraction is bounded: ``word/document.xml`` is streamed with lxml ``iterparse``
  (no entities, no network) and stops at :data:`MAX_IMPORT_CHARS` characters or
  :data:`IMPORT_CPU_SECONDS` of CPU with a Chinese message; PDFs are read page by page
  under the same budget, at most :data:`PDF_MAX_PAGES` pages.  Worst case measured by
  ``benchmarks/bench_uploads.py``.
* A PDF with JavaScript, launch or automatic actions, embedded files, RichMedia or XFA
  is refused, on import and as an attachment (:func:`check_pdf`); so is one whose
  compressed streams inflate beyond a bound (pdfminer inflates without limit).
* :func:`split_sections` uses :func:`reports.analysis.sections.find_sections` for the
  headings and only decides which template section each found section goes to.
"""

from __future__ import annotations

import io
import re
import signal
import threading
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from reports.analysis.sections import Section, classify_title, find_sections
from reports.analysis.text import fold
from reports.upload_errors import DocumentError
from reports.zipguard import check_zip

__all__ = [
    "ATTACHMENT_KINDS",
    "ATTACHMENT_MAX_XML_MEMBER_BYTES",
    "IMPORT_CPU_SECONDS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_CHARS",
    "PDF_MAX_CONTENT_BYTES",
    "PDF_MAX_INFLATED_BYTES",
    "PDF_MAX_PAGES",
    "DocumentError",
    "SplitResult",
    "check_attachment",
    "check_pdf",
    "extract_text",
    "sanitize_filename",
    "sniff",
    "split_sections",
]

MB = 1024 * 1024

#: Largest upload accepted for text extraction (the raw file).
MAX_IMPORT_BYTES = 20 * MB
#: Longest text an import returns, in characters.  The import's preview page posts the
#: text back; Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) holds about 280,000
#: URL-encoded Chinese characters, and a 减负 self-check report is 3,000–20,000.
MAX_IMPORT_CHARS = 200_000
#: CPU seconds of one extraction (docx or PDF) before it is stopped.  The guard limits
#: keep the measured worst case far below; this is the backstop.
IMPORT_CPU_SECONDS = 0.8
#: XML part cap for attachments: they are never parsed by the portal, only stored and
#: served, so a large honest spreadsheet must pass; bombs are still refused by ratio and
#: total size.
ATTACHMENT_MAX_XML_MEMBER_BYTES = 50 * MB
#: Total bytes all single-filter FlateDecode streams of a PDF may inflate to (attachment).
PDF_MAX_INFLATED_BYTES = 100 * MB
#: The same for an import, whose pages pdfminer interprets: measured at about
#: 2 MB of page content per CPU second (see benchmarks/RESULTS.md).
PDF_MAX_CONTENT_BYTES = 2 * MB
#: A damaged compressed stream larger than this is refused on import (pdfminer retries
#: damaged streams one byte at a time).
PDF_MAX_DAMAGED_STREAM = 64 * 1024
#: Pages read from a PDF; the rest is ignored.
PDF_MAX_PAGES = 200
#: Longest file name kept by :func:`sanitize_filename`, in characters and UTF-8 bytes
#: (ext4 and most file systems allow 255 bytes per name).
FILENAME_MAX_CHARS = 100
FILENAME_MAX_BYTES = 240
FILENAME_FALLBACK = "附件"

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
_EXT_FAMILY: dict[str, frozenset[str]] = {
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
_CANONICAL_EXT = {
    "pdf": ".pdf",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "pptx": ".pptx",
    "ole": ".doc",
    "png": ".png",
    "jpeg": ".jpg",
}
_OLE_CONTENT_TYPES = {
    ".xls": "application/vnd.ms-excel",
    ".et": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".dps": "application/vnd.ms-powerpoint",
}

# How each sniffed type is named in messages.
_KIND_NAMES = {
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

MSG_CORRUPT = "文件已损坏，无法读取"
MSG_PDF_NO_TEXT = "PDF 中没有可提取的文字，可能是扫描件，请上传 Word 文档或直接粘贴文字"
MSG_BOMB = "文件解压后过大，疑似异常文件，已拒绝"
MSG_ENCODING = "无法识别文本文件的编码"
MSG_EMPTY = "文件是空的"
MSG_OLE = "这是旧版 Word/WPS 文档（.doc），无法直接读取，请在 Word 或 WPS 中“另存为” .docx 后再上传"
MSG_PDF_ENCRYPTED = "PDF 文件已加密，无法读取文字，请上传未加密的文件"
MSG_ATTACHMENT_TYPES = "只能上传 PDF、Word、Excel、PPT 或图片"
MSG_TOO_SLOW = "文档内容过于复杂，读取超时，请删去附表或分成几部分粘贴"
MSG_PDF_TOO_BIG = "PDF 内容过多，无法在线读取，请上传 Word 文档或直接粘贴文字"
MSG_PDF_REPRINT = "请用“打印为 PDF”重新生成文件后再上传"


# --------------------------------------------------------------------------- sniffing

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
    return _printable_share(text) >= 0.95


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


def _printable_share(text: str) -> float:
    if not text:
        return 1.0
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f")
    return ok / len(text)


# --------------------------------------------------------------------------- extraction


class _Budget:
    """Characters and CPU time spent on one extraction; raises when either runs out.

    CPU time of the current thread (:func:`time.thread_time`) is used, not wall time, so
    a busy server does not make an honest file fail, while a file that costs more than
    :data:`IMPORT_CPU_SECONDS` of the worker's own work is stopped.
    """

    def __init__(self, max_chars: int = MAX_IMPORT_CHARS) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.deadline = time.thread_time() + IMPORT_CPU_SECONDS

    def add(self, count: int) -> None:
        self.chars += count
        if self.chars > self.max_chars:
            raise DocumentError(msg_too_long())
        self.tick()

    def tick(self) -> None:
        if time.thread_time() > self.deadline:
            raise DocumentError(MSG_TOO_SLOW)


def msg_too_long(max_chars: int = MAX_IMPORT_CHARS) -> str:
    """The message for a document over the character cap."""
    amount = f"{max_chars // 10000} 万" if max_chars % 10000 == 0 else f"{max_chars} "
    return f"文档文字超过 {amount}字，请删去附表或分成几部分粘贴"


def extract_text(data: bytes, filename: str = "") -> str:
    """Text of an uploaded .docx, .pdf or plain-text file.

    The type comes from :func:`sniff`; ``filename`` is used only for the wording of the
    error message.  Paragraphs are separated by ``"\\n"``; line endings are normalised.

    Raises :class:`DocumentError` for files over :data:`MAX_IMPORT_BYTES`, empty files,
    old .doc files, executables and other types that are not documents, damaged files,
    ZIP bombs and other files refused by :func:`reports.zipguard.check_zip`, PDFs with
    scripts or actions (:func:`check_pdf`), PDFs without a text layer, undecodable text,
    and text over :data:`MAX_IMPORT_CHARS` characters or :data:`IMPORT_CPU_SECONDS`.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise DocumentError(
            f"文件大小 {_fmt_mb(len(data))} MB 超过上限 {_fmt_mb(MAX_IMPORT_BYTES)} MB"
        )
    if not data:
        raise DocumentError(MSG_EMPTY)
    kind = sniff(data)
    if kind == "docx":
        text = _docx_text(data)
    elif kind == "pdf":
        text = _pdf_text(data)
    elif kind == "text":
        # A character is at most 4 bytes in UTF-8, GB18030 and UTF-16.
        if len(data) > 4 * MAX_IMPORT_CHARS + 4:
            raise DocumentError(msg_too_long())
        text = _decode_text(data)
    elif kind == "ole":
        raise DocumentError(MSG_OLE)
    elif kind == "zip" and not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(MSG_CORRUPT)  # starts like a zip but cannot be opened: damaged
    else:
        raise DocumentError(_not_importable_message(kind, filename))
    text = _normalise_newlines(text)
    if len(text) > MAX_IMPORT_CHARS:
        raise DocumentError(msg_too_long())
    if not text.strip():
        if kind == "pdf":
            raise DocumentError(MSG_PDF_NO_TEXT)
        raise DocumentError("文件中没有文字内容")
    return text


def _not_importable_message(kind: str | None, filename: str) -> str:
    real = _KIND_NAMES.get(kind, _KIND_NAMES[None])
    ext = _extension(filename)
    if ext in (".docx", ".doc", ".wps"):
        return (
            f"文件内容不是 Word 文档（.docx），而是{real}，已拒绝。"
            "请确认文件无误，或在 Word 中另存为 .docx 后再上传"
        )
    if ext == ".pdf":
        return f"文件内容不是 PDF 文档，而是{real}，已拒绝"
    return f"无法导入{real}，请上传 Word 文档（.docx）、PDF 或文本文件（.txt）"


def _docx_text(data: bytes) -> str:
    check_zip(data)  # every limit, from the ZIP directory, before any XML is read
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "word/document.xml" not in zf.namelist():
                raise DocumentError(MSG_CORRUPT)
    except DocumentError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise DocumentError(MSG_CORRUPT) from exc
    try:
        return _parse_docx(data)
    except DocumentError:
        raise
    except Exception as exc:  # lxml/zipfile raise many unrelated types
        raise DocumentError(MSG_CORRUPT) from exc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_BODY, _W_P, _W_TBL, _W_TR, _W_TC = (f"{_W}{t}" for t in ("body", "p", "tbl", "tr", "tc"))
_W_R, _W_HYPERLINK, _W_T = f"{_W}r", f"{_W}hyperlink", f"{_W}t"
_RUN_CHARS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_W_BR = f"{_W}br"


def _parse_docx(data: bytes) -> str:
    """Body paragraphs and table cells of a .docx, in document order (after the checks).

    ``word/document.xml`` is streamed with lxml ``iterparse`` (no entities, no network,
    no huge-tree mode): each paragraph or table directly under ``<w:body>`` is turned
    into text as soon as it ends and then dropped, and :class:`_Budget` stops the loop
    at :data:`MAX_IMPORT_CHARS` characters or :data:`IMPORT_CPU_SECONDS`.  The text is
    what python-docx gives (``Paragraph.text``; tables via :func:`_table_lines`), which
    took 13.7 s for a 7.4 MB document.xml where this takes a fraction of a second.
    """
    from lxml import etree  # lazy: lxml is slow to import

    budget = _Budget()
    lines: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("word/document.xml") as xml:
        events = etree.iterparse(
            xml,
            events=("end",),
            tag=(_W_P, _W_TBL),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        for _, element in events:
            parent = element.getparent()
            if parent is None or parent.tag != _W_BODY:
                budget.tick()  # inside a table: its text is read when the table ends
                continue
            block = [_paragraph_text(element)] if element.tag == _W_P else _table_lines(element)
            for line in block:  # a table's rows one by one: the cap stops a long table early
                budget.add(len(line) + 1)
                lines.append(line)
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
    return "\n".join(lines)


def _run_text(run: object) -> str:
    parts: list[str] = []
    for child in run:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == _W_T:
            parts.append(child.text or "")
        elif tag == _W_BR:
            # python-docx: a line break is "\n", page and column breaks are ""
            parts.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        elif tag in _RUN_CHARS:
            parts.append(_RUN_CHARS[tag])
    return "".join(parts)


def _paragraph_text(p: object) -> str:
    """``Paragraph.text`` of python-docx: runs and hyperlinks directly in the paragraph."""
    parts: list[str] = []
    for child in p:  # type: ignore[attr-defined]
        if child.tag == _W_R:
            parts.append(_run_text(child))
        elif child.tag == _W_HYPERLINK:
            parts.extend(_run_text(r) for r in child if r.tag == _W_R)
    return "".join(parts)


def _int_val(element: object, default: int) -> int:
    """The integer ``w:val`` of ``element`` (``gridSpan``, ``gridBefore``), else ``default``."""
    if element is None:
        return default
    try:
        return max(0, int(element.get(f"{_W}val")))  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return default


def _table_lines(table: object) -> Iterable[str]:
    """One line per table row: the row's distinct cells joined by a space.

    As python-docx's ``_Row.cells``: a cell spanning several grid columns counts once
    in its row; a vertically merged cell (``w:vMerge`` continue) stands for the cell
    above it at the same grid offset, so its text appears on every row it spans.
    """
    above: dict[int, object] = {}  # grid offset -> cell holding the text, previous row
    texts: dict[int, str] = {}  # id(cell) -> its text
    keep: list[object] = []
    for tr in table.iterchildren(_W_TR):  # type: ignore[attr-defined]
        offset = _int_val(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        current: dict[int, object] = {}
        cells: list[str] = []
        seen: set[int] = set()
        for tc in tr.iterchildren(_W_TC):
            root = tc
            v_merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if v_merge is not None and v_merge.get(f"{_W}val", "continue") == "continue":
                root = above.get(offset, tc)
            current[offset] = root
            offset += max(1, _int_val(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1))
            if id(root) in seen:
                continue
            seen.add(id(root))
            if id(root) not in texts:
                texts[id(root)] = _cell_text(root)
                keep.append(root)  # so that no other element gets the same id()
            if texts[id(root)]:
                cells.append(texts[id(root)])
        above = current
        if cells:
            yield " ".join(cells)


def _cell_text(tc: object) -> str:
    parts: list[str] = []
    for inner in tc:  # type: ignore[attr-defined]
        if inner.tag == _W_P:
            parts.append(_paragraph_text(inner))
        elif inner.tag == _W_TBL:
            parts.extend(_table_lines(inner))
    return " ".join(p.strip() for p in parts if p.strip())


_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u3000]+")


# --------------------------------------------------------------------------- pdf

_PDF_DELIMS = rb"\x00\t\n\x0c\r /<>\[\]()%{}"
_PDF_DANGER = {
    b"JavaScript": "JavaScript 脚本",
    b"JS": "JavaScript 脚本",
    b"Launch": "启动外部程序的动作",
    b"AA": "自动执行的动作",
    b"EmbeddedFile": "嵌入的文件",
    b"EmbeddedFiles": "嵌入的文件",
    b"RichMedia": "多媒体内容",
    b"XFA": "XFA 动态表单",
}
_PDF_DANGER_RE = re.compile(
    rb"/("
    + b"|".join(sorted(_PDF_DANGER, key=len, reverse=True))
    + rb")(?=["
    + _PDF_DELIMS
    + rb"]|$)"
)
_PDF_ESCAPED_NAME_RE = re.compile(
    rb"/[^" + _PDF_DELIMS + rb"]*#[0-9A-Fa-f]{2}[^" + _PDF_DELIMS + rb"]*"
)
_PDF_NAME_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM_RE = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_PDF_FILTER_RE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^" + _PDF_DELIMS + rb"]+)")
_PDF_NAMES_RE = re.compile(rb"/([^" + _PDF_DELIMS + rb"]+)")


def _pdf_unescape_names(data: bytes) -> bytes:
    """``data`` with ``#xx`` escapes in names decoded (``/J#61vaScript`` → ``/JavaScript``)."""
    if b"#" not in data:
        return data
    return _PDF_ESCAPED_NAME_RE.sub(
        lambda m: _PDF_NAME_ESCAPE_RE.sub(lambda e: bytes([int(e.group(1), 16)]), m.group()),
        data,
    )


def _pdf_refuse_danger(chunk: bytes) -> None:
    match = _PDF_DANGER_RE.search(_pdf_unescape_names(chunk))
    if match:
        what = _PDF_DANGER[match.group(1)]
        raise DocumentError(
            f"PDF 文件中含有{what}，可能危害查看者的电脑，已拒绝。{MSG_PDF_REPRINT}"
        )


def _inflate_bounded(raw: bytes, limit: int) -> tuple[bytes, bool]:
    """Inflate at most ``limit + 1`` bytes of a FlateDecode stream; ``(data, intact)``.

    ``intact`` is ``False`` when the stream is damaged: pdfminer then retries it one
    byte at a time (seconds for a few MB), which the import refuses.
    """
    inflater = zlib.decompressobj()
    try:
        return inflater.decompress(raw, limit + 1), True
    except zlib.error:
        pass
    inflater, out = zlib.decompressobj(), bytearray()
    try:
        for i in range(0, len(raw), 1024):
            out += inflater.decompress(raw[i : i + 1024], limit + 1 - len(out))
            if len(out) > limit:
                break
    except zlib.error:
        pass
    return bytes(out), False


def check_pdf(data: bytes, *, for_import: bool = False) -> None:
    """Refuse a PDF with scripts, actions or embedded files, or one that inflates too much.

    Looks for the names ``/JavaScript``, ``/JS``, ``/Launch``, ``/AA`` (automatic
    actions), ``/EmbeddedFile(s)``, ``/RichMedia`` and ``/XFA`` — with ``#xx`` escapes
    decoded — in the PDF's objects outside streams and inside compressed object streams
    (``/ObjStm``, where a PDF 1.5+ keeps its catalog and actions).  Page content streams
    are not searched: names there are only resource names.  Every single-filter
    ``/FlateDecode`` stream is inflated with a bound: more than :data:`PDF_MAX_INFLATED_BYTES`
    in total is a decompression bomb (pdfminer would inflate it without limit).

    Limitations (documented, accepted): streams encrypted with an owner password cannot be
    read, so an encrypted PDF's object streams are not searched; streams with filter
    chains (``/ASCII85Decode /FlateDecode``, LZW) are neither searched nor measured.  With
    ``for_import`` the page text is also bounded (:data:`PDF_MAX_CONTENT_BYTES`), and a
    damaged compressed stream over :data:`PDF_MAX_DAMAGED_STREAM` bytes is refused.
    """
    limit = PDF_MAX_CONTENT_BYTES if for_import else PDF_MAX_INFLATED_BYTES
    inflated = 0
    pos = 0
    outside: list[bytes] = []
    while True:
        match = _PDF_STREAM_RE.search(data, pos)
        if match is None:
            outside.append(data[pos:])
            break
        outside.append(data[pos : match.start()])
        head_start = data.rfind(b"obj", max(0, match.start() - 4096), match.start())
        head = _pdf_unescape_names(data[max(head_start, 0, match.start() - 4096) : match.start()])
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        pos = end + len(b"endstream")
        filters = _PDF_FILTER_RE.search(head)
        names = _PDF_NAMES_RE.findall(filters.group(1)) if filters else []
        if names not in ([b"FlateDecode"], [b"Fl"]):
            continue
        body, intact = _inflate_bounded(data[match.end() : end], limit - inflated)
        inflated += len(body)
        if inflated > limit:
            if for_import:
                raise DocumentError(MSG_PDF_TOO_BIG)
            raise DocumentError(MSG_BOMB)
        if for_import and not intact and end - match.end() > PDF_MAX_DAMAGED_STREAM:
            raise DocumentError(MSG_CORRUPT)
        if re.search(rb"/Type\s*/ObjStm\b", head):
            _pdf_refuse_danger(body)
    _pdf_refuse_danger(b"".join(outside))


class _OutOfTime(BaseException):
    """Raised by the CPU timer; a BaseException so pdfminer's ``except Exception`` lets it by."""


@contextmanager
def _cpu_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of process CPU time (``ITIMER_VIRTUAL``).

    pdfminer cannot be stopped from outside between pages: one hostile page (a few
    thousand overlapping text objects, 120 KB) costs it 15 s of layout analysis.  The
    timer's signal raises :class:`_OutOfTime` in the middle of it.  Signals are only
    delivered to the main thread, which is where gunicorn's sync workers (this project's
    deployment) and Celery's prefork workers run requests; in a threaded server the block
    runs without the timer and only the per-page checks of :class:`_Budget` apply.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGVTALRM, interrupt)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def _pdf_text(data: bytes) -> str:
    check_pdf(data, for_import=True)
    try:
        from pdfminer.converter import TextConverter
        from pdfminer.layout import LAParams
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise DocumentError("服务器暂时无法读取 PDF 文件，请上传 Word 文档或直接粘贴文字") from exc
    budget = _Budget(2 * MAX_IMPORT_CHARS)  # pdfminer's raw text is padded with spaces
    output = io.StringIO()
    try:
        with _cpu_limit(IMPORT_CPU_SECONDS):
            resources = PDFResourceManager(caching=True)
            device = TextConverter(resources, output, laparams=LAParams())
            interpreter = PDFPageInterpreter(resources, device)
            for page in PDFPage.get_pages(io.BytesIO(data), maxpages=PDF_MAX_PAGES):
                interpreter.process_page(page)
                budget.chars = 0
                budget.add(output.tell())
    except _OutOfTime as exc:
        raise DocumentError(MSG_TOO_SLOW) from exc
    except DocumentError:
        raise
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise DocumentError(MSG_PDF_ENCRYPTED) from exc
    except RecursionError as exc:
        raise DocumentError(MSG_CORRUPT) from exc
    except Exception as exc:  # pdfminer raises many exception types on bad input
        if "encrypt" in type(exc).__name__.lower():
            raise DocumentError(MSG_PDF_ENCRYPTED) from exc
        raise DocumentError(MSG_CORRUPT) from exc
    raw = output.getvalue()
    lines = []
    for line in raw.replace("\f", "\n").splitlines():
        line = _SPACES_RE.sub(" ", line).strip()
        # pdfminer often puts a space between two Chinese characters
        lines.append(_CJK_GAP_RE.sub("", line))
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise DocumentError(MSG_PDF_NO_TEXT)
    return text


def _decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, GB18030 (⊃ GBK), then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(MSG_ENCODING) from exc
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _printable_share(text[:65536]) >= 0.95:
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentError(MSG_ENCODING)
    text = str(best)
    if _printable_share(text[:65536]) < 0.95:
        raise DocumentError(MSG_ENCODING)
    return text


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")


# --------------------------------------------------------------------------- sections


@dataclass
class SplitResult:
    """An imported text split into a campaign's sections.

    ``sections`` has every template key (text stripped, the first heading removed);
    ``preamble`` is the text before the first heading (title, salutation);
    ``matched_titles`` lists, per key, the headings whose text was put there;
    ``confident`` is ``False`` when no heading matched the template and everything was
    put into the first section.
    """

    sections: dict[str, str]
    preamble: str = ""
    matched_titles: dict[str, list[str]] = field(default_factory=dict)
    confident: bool = True


_HEAD_TAIL_WORDS = (
    "及整改措施",
    "及整改情况",
    "和整改措施",
    "整改措施",
    "工作打算",
    "工作措施",
    "工作计划",
    "工作思路",
    "工作安排",
    "及成效",
    "和成效",
    "及原因",
    "和不足",
    "与不足",
    "及不足",
    "打算",
    "措施",
    "计划",
    "思路",
    "方向",
    "安排",
    "举措",
    "做法",
    "情况",
    "成效",
    "工作",
)
_PUNCT_TRIM = " \t:：,，、.。;；"


def split_sections(text: str, template: Sequence[dict]) -> SplitResult:
    """Split ``text`` into the sections of ``template``.

    ``template`` is the campaign's list of ``{"key", "title", "kind"}``.  Headings come
    from :func:`~reports.analysis.sections.find_sections`; the highest heading level that
    holds a heading matching the template is used (the next level when the top level is
    only topics).  A found section goes to the first template entry whose title it
    contains, else to the first entry of its kind (``overview`` falls back to
    ``work_done``).  Sections of kind ``other`` (and kinds the template lacks) are
    appended to the preceding section; such sections before the first match go to the
    ``work_done`` entry (else the next matched one).  Several sections going to one key
    are joined in document order; the heading of the first one is removed, the headings
    of the others are kept so the school sees the structure.
    """
    keys = [str(t["key"]) for t in template]
    if not keys:
        return SplitResult(sections={}, preamble="", matched_titles={}, confident=False)
    empty = dict.fromkeys(keys, "")
    titles: dict[str, list[str]] = {k: [] for k in keys}
    text = _normalise_newlines(text or "")
    if not text.strip():
        return SplitResult(empty, "", titles, confident=False)

    try:
        found = find_sections(text)
    except Exception:  # an analysis bug must not block the import
        found = []
    units, targets = _choose_units(found, template)
    if not units or all(t is None for t in targets):
        sections = dict(empty)
        sections[keys[0]] = text.strip()
        return SplitResult(sections, "", titles, confident=False)

    preamble = text[: units[0].start].strip()
    # Resolve "other" units: append to the preceding target, leading ones to work_done.
    first_target = next(t for t in targets if t is not None)
    work_done_key = next((str(t["key"]) for t in template if t.get("kind") == "work_done"), None)
    resolved: list[tuple[str, bool]] = []  # (key, is_a_match)
    current: str | None = None
    for target in targets:
        if target is not None:
            current = target
            resolved.append((target, True))
        else:
            resolved.append((current or work_done_key or first_target, False))

    chunks: dict[str, list[str]] = {k: [] for k in keys}
    for i, (unit, (key, matched)) in enumerate(zip(units, resolved, strict=True)):
        end = units[i + 1].start if i + 1 < len(units) else len(text)
        body = text[unit.start : end]
        if matched and not chunks[key]:
            body = body[_heading_length(text, unit) :]
        if not chunks[key]:
            body = body.lstrip(_PUNCT_TRIM + "\n")
        body = body.strip()
        chunks[key].append(body)
        heading = unit.title
        if matched:
            heading = text[unit.start : unit.start + _heading_length(text, unit)].strip(_PUNCT_TRIM)
        titles[key].append(heading or unit.title)
    sections = {k: "\n".join(c for c in chunks[k] if c).strip() for k in keys}
    return SplitResult(sections, preamble, titles, confident=True)


def _choose_units(
    found: Sequence[Section], template: Sequence[dict]
) -> tuple[list[Section], list[str | None]]:
    """The sections at the chosen level (plus higher ones) and their template keys."""
    levels = sorted({s.level for s in found})
    for level in levels:
        units = sorted((s for s in found if s.level <= level), key=lambda s: s.start)
        targets = [_target_key(s, template) if s.level == level else None for s in units]
        if any(t is not None for t in targets):
            return units, targets
    return [], []


def _target_key(section: Section, template: Sequence[dict]) -> str | None:
    """Template key for a found section: same title, else same kind, else a custom
    (``other``-kind) entry whose title the heading contains; ``None`` when nothing fits."""
    title = _squash(section.title)
    for entry in template:
        if title and _squash(str(entry.get("title", ""))) == title:
            return str(entry["key"])
    kinds = [section.kind]
    if section.kind == "overview":
        kinds.append("work_done")
    for kind in kinds:
        if kind == "other":
            continue
        for entry in template:
            if entry.get("kind") == kind:
                return str(entry["key"])
    for entry in template:
        t = _squash(str(entry.get("title", "")))
        if entry.get("kind") == "other" and len(t) >= 2 and t in title:
            return str(entry["key"])
    return None


_MARKER_RE = re.compile(
    r"^\s*(?:第?[一二三四五六七八九十\d]{1,3}(?:部分|[、.,:])|\([一二三四五六七八九十\d]+\))"
)
_SQUASH_RE = re.compile(r"[\s:;,.、。!?()]")


def _squash(s: str) -> str:
    """A title without its number and punctuation, for comparing titles."""
    return _SQUASH_RE.sub("", _MARKER_RE.sub("", fold(s)))


def _heading_length(text: str, section: Section) -> int:
    """How many characters from ``section.start`` belong to the heading.

    A heading on its own line is the whole line.  A heading that runs into the body
    ("四、存在的问题部分教师观念滞后。") ends after its last section keyword and any
    heading words that follow it ("下一步打算"); a topic heading without a keyword is
    kept whole as found by ``find_sections``.
    """
    start = section.start
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    title = section.title
    title_end = start + len(title)
    rest = text[title_end:line_end]
    # A heading line ends without a full stop; "五、下一步打算继续推进。" is a run-in one.
    if not rest.strip(_PUNCT_TRIM) and not re.search(r"[。.!?！？;；]", rest):
        return line_end - start
    # Run-in heading: the title found may include the first words of the body.  Cut it
    # after the first section keyword (the shortest prefix that classifies), then after
    # heading words that follow it ("下一步" + "工作措施").
    cut = next(
        (i for i in range(1, min(len(title), 24) + 1) if classify_title(title[:i]) != "other"),
        -1,
    )
    if cut < 0:
        return len(title)
    folded_title = fold(title)
    for _ in range(3):
        tail = folded_title[cut:]
        word = next((w for w in _HEAD_TAIL_WORDS if tail.startswith(w)), None)
        if word is None:
            break
        cut += len(word)
    # also swallow a colon right after the heading
    while start + cut < len(text) and text[start + cut] in ":：":
        cut += 1
    return cut


# --------------------------------------------------------------------------- attachments


def check_attachment(data: bytes, filename: str, size: int, max_bytes: int) -> tuple[str, str]:
    """Check an uploaded attachment; return ``(content_type, safe_name)``.

    ``data`` is the whole file: the view enforces ``size <= max_bytes`` before reading it
    (``size`` is checked here too).  The whole bytes are needed: Office files must pass
    :func:`reports.zipguard.check_zip` (with :data:`ATTACHMENT_MAX_XML_MEMBER_BYTES`, as
    attachments are not parsed) and PDFs :func:`check_pdf`, exactly like an import, so a
    file refused on import is not served to reviewers either.

    The type comes from the content (:func:`sniff`) and must be one of
    :data:`ATTACHMENT_KINDS`.  When the name has a known extension the content must belong
    to that extension's family (a ``.pdf`` that is really a PNG is refused); a name without
    one gets the extension of the real type appended.  Raises :class:`DocumentError`.
    """
    if size > max_bytes:
        raise DocumentError(f"文件大小 {_fmt_mb(size)} MB 超过上限 {_fmt_mb(max_bytes)} MB")
    if size <= 0 or not data:
        raise DocumentError(MSG_EMPTY)
    kind = sniff(data)
    if kind not in ATTACHMENT_KINDS:
        real = _KIND_NAMES.get(kind, _KIND_NAMES[None])
        raise DocumentError(f"不支持的文件类型（{real}），{MSG_ATTACHMENT_TYPES}")
    safe = sanitize_filename(filename)
    ext = _extension(safe)
    family = _EXT_FAMILY.get(ext)
    if family is not None:
        if kind not in family:
            raise DocumentError(
                f"文件扩展名是 {ext}，但内容实际是{_KIND_NAMES[kind]}，"
                "两者不符，请检查文件后重新上传"
            )
    else:
        safe = _append_extension(safe, _CANONICAL_EXT[kind])
    if kind in ("docx", "xlsx", "pptx"):
        check_zip(data, max_xml_member_bytes=ATTACHMENT_MAX_XML_MEMBER_BYTES)
    elif kind == "pdf":
        check_pdf(data)
    content_type = ATTACHMENT_KINDS[kind]
    if kind == "ole":
        content_type = _OLE_CONTENT_TYPES.get(ext, content_type)
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
    stem, ext = _split_ext(name)
    stem = stem.rstrip(". ")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    if not stem:
        stem = FILENAME_FALLBACK
    return _cap_name(stem, ext)


def _split_ext(name: str) -> tuple[str, str]:
    suffix = PurePosixPath(name).suffix
    if suffix and 2 <= len(suffix) <= 10 and suffix[1:].isascii() and suffix[1:].isalnum():
        return name[: -len(suffix)], suffix
    return name, ""


def _cap_name(stem: str, ext: str) -> str:
    max_chars = FILENAME_MAX_CHARS - len(ext)
    stem = stem[:max_chars]
    max_bytes = FILENAME_MAX_BYTES - len(ext.encode())
    while len(stem.encode()) > max_bytes:
        stem = stem[:-1]
    stem = stem.rstrip(". ") or FILENAME_FALLBACK
    return stem + ext


def _extension(filename: str) -> str:
    base = re.split(r"[/\\]", filename or "")[-1]
    return _split_ext(base.strip())[1].lower()


def _fmt_mb(n: int) -> str:
    value = f"{n / MB:.1f}"
    return value[:-2] if value.endswith(".0") else value
