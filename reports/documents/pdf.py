"""PDFs: refusing active content (scripts, actions, embedded files) and reading the text
page by page under the budget."""

from __future__ import annotations

import io
import re
import zlib

from reports.documents import limits
from reports.documents.budget import Budget, OutOfTime, cpu_limit
from reports.documents.errors import (
    MSG_BOMB,
    MSG_CORRUPT,
    MSG_PDF_ENCRYPTED,
    MSG_PDF_NO_TEXT,
    MSG_PDF_REPRINT,
    MSG_PDF_TOO_BIG,
    MSG_TOO_SLOW,
    DocumentError,
)
from reports.documents.limits import (
    MAX_IMPORT_CHARS,
    PDF_MAX_CONTENT_BYTES,
    PDF_MAX_DAMAGED_STREAM,
    PDF_MAX_INFLATED_BYTES,
    PDF_MAX_PAGES,
)
from reports.documents.text import CJK_GAP_RE, SPACES_RE

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


def pdf_text(data: bytes) -> str:
    check_pdf(data, for_import=True)
    try:
        from pdfminer.converter import TextConverter
        from pdfminer.layout import LAParams
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise DocumentError("服务器暂时无法读取 PDF 文件，请上传 Word 文档或直接粘贴文字") from exc
    budget = Budget(2 * MAX_IMPORT_CHARS)  # pdfminer's raw text is padded with spaces
    output = io.StringIO()
    try:
        with cpu_limit(limits.IMPORT_CPU_SECONDS):
            resources = PDFResourceManager(caching=True)
            device = TextConverter(resources, output, laparams=LAParams())
            interpreter = PDFPageInterpreter(resources, device)
            for page in PDFPage.get_pages(io.BytesIO(data), maxpages=PDF_MAX_PAGES):
                interpreter.process_page(page)
                budget.chars = 0
                budget.add(output.tell())
    except OutOfTime as exc:
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
        line = SPACES_RE.sub(" ", line).strip()
        # pdfminer often puts a space between two Chinese characters
        lines.append(CJK_GAP_RE.sub("", line))
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise DocumentError(MSG_PDF_NO_TEXT)
    return text
