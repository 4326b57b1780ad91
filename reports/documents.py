"""Uploaded documents: type sniffing, text extraction, section splitting, attachment checks.

Plain Python — imports nothing from Django, so it is fast to test.  python-docx and
pdfminer.six are imported lazily, only when a document of that type is read.

Decisions:

* The real type of a file always comes from its first bytes (:func:`sniff`), never from
  its name.  The name only decides which *family* an attachment must belong to
  (a ``.pdf`` must really be a PDF) and how the error message reads.
* Every refusal is a :class:`DocumentError` (a ``ValueError``) whose ``str()`` is a
  Chinese sentence that can be shown to the school as it is.
* ZIP-based documents (.docx) are checked *before* they are parsed: the sizes declared in
  the ZIP directory are summed and compared with :data:`MAX_UNZIPPED_BYTES`, every member's
  compression ratio is compared with :data:`MAX_ZIP_RATIO`, and the number of members
  with :data:`MAX_ZIP_MEMBERS`.  The declared sizes can be trusted as an upper bound:
  :mod:`zipfile` never returns more than ``ZipInfo.file_size`` bytes for a member (a
  member that inflates to more fails its CRC check and is reported as corrupt).  XML is
  parsed by python-docx's own lxml parser, which does not resolve entities.
* PDF extraction reads at most :data:`PDF_MAX_PAGES` pages and turns every pdfminer
  exception into a :class:`DocumentError`.  pdfminer cannot be interrupted from inside;
  callers running it on the request path should keep :data:`MAX_IMPORT_BYTES` small (or
  run it in a worker with a time limit).
* :func:`split_sections` uses :func:`reports.analysis.sections.find_sections` for the
  headings and only decides which template section each found section goes to.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from reports.analysis.sections import Section, classify_title, find_sections
from reports.analysis.text import fold

__all__ = [
    "ATTACHMENT_KINDS",
    "MAX_IMPORT_BYTES",
    "MAX_UNZIPPED_BYTES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "PDF_MAX_PAGES",
    "RATIO_CHECK_MIN_BYTES",
    "DocumentError",
    "SplitResult",
    "check_attachment",
    "extract_text",
    "sanitize_filename",
    "sniff",
    "split_sections",
]

MB = 1024 * 1024

#: Largest upload accepted for text extraction (the raw file).
MAX_IMPORT_BYTES = 20 * MB
#: Largest total uncompressed size of a .docx (sum of the members' declared sizes).  A
#: 300-page report's document.xml is ~10 MB; embedded pictures are stored about 1:1.
MAX_UNZIPPED_BYTES = 50 * MB
#: A member larger than :data:`RATIO_CHECK_MIN_BYTES` whose compression ratio exceeds this
#: is treated as a zip bomb.  Real document XML compresses about 5–30:1; a bomb of
#: repeated bytes compresses about 1000:1.
MAX_ZIP_RATIO = 200
RATIO_CHECK_MIN_BYTES = 10 * MB
#: More members than this is not a Word document someone wrote.
MAX_ZIP_MEMBERS = 5000
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


class DocumentError(ValueError):
    """A document was refused; ``str()`` is a Chinese message for the school."""


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


def extract_text(data: bytes, filename: str = "") -> str:
    """Text of an uploaded .docx, .pdf or plain-text file.

    The type comes from :func:`sniff`; ``filename`` is used only for the wording of the
    error message.  Paragraphs are separated by ``"\\n"``; line endings are normalised.

    Raises :class:`DocumentError` for files over :data:`MAX_IMPORT_BYTES`, empty files,
    old .doc files, executables and other types that are not documents, damaged files,
    ZIP bombs, PDFs without a text layer and undecodable text.
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
        text = _decode_text(data)
    elif kind == "ole":
        raise DocumentError(MSG_OLE)
    elif kind == "zip" and not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(MSG_CORRUPT)  # starts like a zip but cannot be opened: damaged
    else:
        raise DocumentError(_not_importable_message(kind, filename))
    text = _normalise_newlines(text)
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


def _check_zip_limits(zf: zipfile.ZipFile) -> None:
    """Refuse a ZIP bomb from its directory alone, before anything is inflated."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise DocumentError(MSG_BOMB)
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_UNZIPPED_BYTES:
            raise DocumentError(MSG_BOMB)
        if info.file_size > RATIO_CHECK_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_ZIP_RATIO:
                raise DocumentError(MSG_BOMB)


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_zip_limits(zf)
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
    except Exception as exc:  # python-docx/lxml/zipfile raise many unrelated types
        raise DocumentError(MSG_CORRUPT) from exc


def _parse_docx(data: bytes) -> str:
    """Body paragraphs and table cells of a .docx, in document order (after the checks)."""
    import docx  # lazy: python-docx and lxml are slow to import
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _table_lines(table: object) -> Iterable[str]:
    """One line per table row: the row's distinct cells joined by a space."""
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            key = id(cell._tc)  # merged cells repeat the same <w:tc>
            if key in seen:
                continue
            seen.add(key)
            parts: list[str] = []
            for inner in cell.iter_inner_content():
                if hasattr(inner, "rows"):
                    parts.extend(_table_lines(inner))
                else:
                    parts.append(inner.text)
            value = " ".join(p.strip() for p in parts if p.strip())
            if value:
                cells.append(value)
        if cells:
            yield " ".join(cells)


_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u3000]+")


def _pdf_text(data: bytes) -> str:
    try:
        from pdfminer.high_level import extract_text as pdf_extract
        from pdfminer.pdfdocument import (
            PDFEncryptionError,
            PDFPasswordIncorrect,
        )
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise DocumentError("服务器暂时无法读取 PDF 文件，请上传 Word 文档或直接粘贴文字") from exc
    try:
        raw = pdf_extract(io.BytesIO(data), maxpages=PDF_MAX_PAGES)
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise DocumentError(MSG_PDF_ENCRYPTED) from exc
    except RecursionError as exc:
        raise DocumentError(MSG_CORRUPT) from exc
    except Exception as exc:  # pdfminer raises many exception types on bad input
        if "encrypt" in type(exc).__name__.lower():
            raise DocumentError(MSG_PDF_ENCRYPTED) from exc
        raise DocumentError(MSG_CORRUPT) from exc
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
    (``size`` is checked here too), and the whole bytes are needed to tell .docx/.xlsx/
    .pptx apart from the ZIP directory at the end.  Passing only the first few KB also
    works for well-formed Office files (their local headers name the parts), but is less
    exact.

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
