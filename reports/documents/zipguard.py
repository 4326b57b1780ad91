"""One guard for every ZIP-based upload (.docx/.xlsx/.pptx imports and attachments).

Plain Python — no Django.  :func:`check_zip` reads only the ZIP central directory (and
the first bytes of each member, to spot a package hidden inside the package) and raises
:class:`ZipRejected` — a :class:`~reports.documents.errors.DocumentError`, hence a
``ValueError`` — whose ``str()`` is a Chinese sentence for the user.  Call it *before*
python-docx, openpyxl or any XML parser sees the file.

Why the sizes in the directory can be trusted: :mod:`zipfile` never returns more than a
member's declared ``file_size`` (a member that inflates to more fails its CRC check and
is reported as corrupt), and it refuses a member whose local header names another file
than the central directory.  So the limits below bound what any later reader inflates.

Limits (module constants; each says why its value):

* :data:`MAX_MEMBERS` — a Word report has 15–60 parts, a 300-slide deck about 1,000; a
  sheet for the org import a dozen.  More is a file built to exhaust the reader.
* :data:`MAX_XML_MEMBER_BYTES` — largest *XML* part (``.xml``/``.rels``/``.vml``) a parser
  will read.  Measured (``benchmarks/bench_uploads.py``, ``benchmarks/RESULTS.md``): the
  streaming import reads a 4 MB ``word/document.xml`` of one formatted run per character
  in 0.14 s of CPU, and a 4 MB one-table document stops at the text cap in 0.46 s; the
  python-docx import took 13.7 s for 7.4 MB.  A real 300-page Chinese report's
  document.xml is 2–3 MB (a Chinese character is 3 bytes of UTF-8 plus run markup).
  Callers that never parse the file (attachments) pass a larger value.
* :data:`MAX_MEMBER_BYTES` — any single part (pictures are stored about 1:1): the upload
  limit is 20 MB, so no honest part is bigger.
* :data:`MAX_TOTAL_BYTES` — sum of all parts: a 20 MB upload of pictures plus XML that
  deflates 5–30:1 stays far below.
* :data:`MAX_RATIO` / :data:`RATIO_MIN_BYTES` — document XML deflates 3–30:1 (Chinese
  text about 3:1, repetitive table markup up to ~40:1); a bomb of repeated bytes about
  1,000:1.  Parts under :data:`RATIO_MIN_BYTES` are not checked: they cannot hurt.
* Nesting — Office files embed other Office files (a chart's workbook,
  ``word/embeddings/Microsoft_Excel_Worksheet.xlsx``), so a package inside the package
  is allowed only when it is named like an Office file and lies in an ``embeddings/``
  folder; it is checked with the same limits, and a package inside *that* is refused
  (one level, no more).  Any other member that starts with a ZIP signature (``.zip``,
  ``.jar``, a renamed archive) is refused, as are ``.zip``-like names themselves.
* Names — a member whose name is absolute, contains ``..``, a backslash, a drive letter
  or a control character, or appears twice, is refused (path traversal on extraction,
  and two readers seeing different parts).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from reports.documents.errors import DocumentError

__all__ = [
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MAX_XML_MEMBER_BYTES",
    "RATIO_MIN_BYTES",
    "ZipRejected",
    "check_zip",
]

MB = 1024 * 1024

MAX_MEMBERS = 2000
MAX_XML_MEMBER_BYTES = 4 * MB
MAX_MEMBER_BYTES = 50 * MB
MAX_TOTAL_BYTES = 100 * MB
MAX_RATIO = 100
RATIO_MIN_BYTES = 1 * MB

_XML_SUFFIXES = frozenset({".xml", ".rels", ".vml"})
_OFFICE_SUFFIXES = frozenset(
    {".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".xltx", ".pptx", ".pptm", ".potx", ".ppsx"}
)
_ARCHIVE_SUFFIXES = frozenset(
    {".zip", ".jar", ".war", ".ear", ".apk", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2"}
    | {".xz", ".cab", ".odt", ".ods", ".odp", ".epub", ".xpi"}
)
_ZIP_MAGIC = b"PK"
_BAD_NAME_RE = re.compile(r"[\x00-\x1f\\]|^[A-Za-z]:|^/")

MSG_CORRUPT = "文件已损坏，无法读取"


class ZipRejected(DocumentError):
    """A ZIP-based upload was refused before parsing; ``str()`` is Chinese."""


def _mb(n: int) -> str:
    value = f"{n / MB:.1f}"
    return value[:-2] if value.endswith(".0") else value


def check_zip(
    data: bytes,
    *,
    max_xml_member_bytes: int = MAX_XML_MEMBER_BYTES,
    _depth: int = 0,
) -> None:
    """Refuse ``data`` (a whole ZIP/Office file) unless it is within every limit.

    ``max_xml_member_bytes`` is the cap on one XML part; the default is meant for files
    that will be parsed.  Raises :class:`ZipRejected`; returns ``None`` when the file may
    be read.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ZipRejected(MSG_CORRUPT) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ZipRejected(
                f"文件内部包含 {len(infos)} 个部件，超过上限 {MAX_MEMBERS} 个，疑似异常文件，已拒绝"
            )
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            _check_name(name, seen)
            size = info.file_size
            total += size
            if total > MAX_TOTAL_BYTES:
                raise ZipRejected(
                    f"文件解压后过大（超过 {_mb(MAX_TOTAL_BYTES)} MB），"
                    "疑似异常文件（压缩炸弹），已拒绝"
                )
            if size > RATIO_MIN_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
                raise ZipRejected(
                    f"文件中的部件 {_short(name)} 压缩比异常"
                    f"（超过 {MAX_RATIO}:1），疑似异常文件（压缩炸弹），已拒绝"
                )
            if size > MAX_MEMBER_BYTES:
                raise ZipRejected(
                    f"文件中的部件 {_short(name)} 解压后有 {_mb(size)} MB，"
                    f"超过上限 {_mb(MAX_MEMBER_BYTES)} MB，已拒绝"
                )
            suffix = PurePosixPath(name).suffix.lower()
            if suffix in _XML_SUFFIXES and size > max_xml_member_bytes:
                raise ZipRejected(
                    f"文件中的正文部件 {_short(name)} 解压后有 {_mb(size)} MB，"
                    f"超过上限 {_mb(max_xml_member_bytes)} MB，内容过多，"
                    "请删去附表或分成几部分上传"
                )
            if suffix in _ARCHIVE_SUFFIXES:
                raise ZipRejected(f"文件中嵌入了压缩包 {_short(name)}，已拒绝")
        for info in infos:
            _check_nested(zf, info, max_xml_member_bytes, _depth)


def _check_name(name: str, seen: set[str]) -> None:
    parts = name.split("/")
    if _BAD_NAME_RE.search(name) or ".." in parts:
        raise ZipRejected(f"文件中的部件名称 {_short(name)} 不合法（含路径跳转），已拒绝")
    key = name.lower()
    if key in seen:
        raise ZipRejected(f"文件中的部件 {_short(name)} 出现了两次，疑似异常文件，已拒绝")
    seen.add(key)


def _check_nested(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_xml: int, depth: int) -> None:
    """Refuse a member that is itself a ZIP, except one embedded Office file (checked)."""
    if info.is_dir() or info.file_size < 4:
        return
    try:
        with zf.open(info) as member:
            head = member.read(4)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: unknown compression
        raise ZipRejected(MSG_CORRUPT) from exc
    if not head.startswith(_ZIP_MAGIC):
        return
    name = info.filename
    path = PurePosixPath(name)
    embedded_office = path.suffix.lower() in _OFFICE_SUFFIXES and "embeddings" in {
        p.lower() for p in path.parts[:-1]
    }
    if depth > 0 or not embedded_office:
        raise ZipRejected(f"文件中嵌入了压缩包 {_short(name)}，已拒绝")
    try:
        inner = zf.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ZipRejected(MSG_CORRUPT) from exc
    check_zip(inner, max_xml_member_bytes=max_xml, _depth=depth + 1)


def _short(name: str) -> str:
    """A member name as shown in a message (control characters dropped, capped)."""
    clean = "".join(ch for ch in name if ch.isprintable())
    return f"“{clean[:60]}”"
