"""Decoding and offset-preserving normalisation.

Decisions:

* Every analysis works on the *decoded* text and reports character offsets into it
  (``end`` exclusive), so ``text[start:end]`` is always the reported ``text``.
* Matching is done on a *folded* copy produced by :func:`fold`, which maps full-width
  ASCII (``（`` ``：`` ``％`` ``１`` ``Ａ`` …) to half-width and the ideographic space to a
  space **one character to one character**.  Offsets in the folded copy are therefore
  offsets in the original, and the regular expressions only need to know ASCII
  punctuation.
* Bytes are decoded as UTF-8 when the whole file is valid UTF-8; otherwise line by line,
  each line UTF-8 first, then GB18030 (a superset of GBK/GB2312), so a GBK file and a
  file whose lines were pasted from differently encoded sources both decode.
  A BOM is stripped.  Text that is mostly NUL/control bytes or undecodable sequences is
  refused with a :class:`ValueError` carrying a Chinese and English message.
"""

from __future__ import annotations

import re

__all__ = ["UndecodableText", "decode_bytes", "fold", "line_spans"]

# Full-width ASCII block U+FF01..U+FF5E -> U+0021..U+007E, ideographic space -> space.
_FOLD_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD_TABLE[0x3000] = 0x20
# A few look-alikes seen in the reports (one character each, so offsets survive).
_FOLD_TABLE[0xFE50] = ord(",")
_FOLD_TABLE[0xFF64] = ord("、")  # half-width ideographic comma
_FOLD_TABLE[0x2236] = ord(":")  # RATIO used as colon

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


class UndecodableText(ValueError):  # noqa: N818 - it *is* a ValueError for callers
    """Raised when bytes cannot be turned into report text."""


_FOLDABLE_RE = re.compile("[" + "".join(map(chr, sorted(_FOLD_TABLE))) + "]+")


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD_TABLE)


def fold(text: str) -> str:
    """Return ``text`` with full-width ASCII folded to half-width (same length).

    Only runs of foldable characters are translated (a C-level scan finds them), which is
    several times faster than ``str.translate`` over the whole text.
    """
    return _FOLDABLE_RE.sub(_fold_run, text)


def decode_bytes(data: bytes) -> str:
    """Decode report bytes: strip BOM, UTF-8 else GB18030 (per line), refuse binary.

    Raises :class:`UndecodableText` (a ``ValueError``) with a bilingual message when the
    bytes are not text.  ``\\r\\n`` and ``\\r`` are kept as they are: offsets count the
    characters of the decoded text exactly.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise _undecodable() from exc
    if not data:
        return ""
    if b"\x00" in data[:65536] and data.count(b"\x00") * 20 > min(len(data), 65536):
        raise _undecodable()
    try:
        return _check(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # Not UTF-8 as a whole: decode each line on its own (UTF-8, else GB18030), so pure
    # GBK/GB18030 files and files mixing both decode; GB18030 would happily turn UTF-8
    # lines into mojibake, so it must never be tried on the whole file first.
    parts = []
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append(line.decode("gb18030", errors="replace"))
    return _check("".join(parts))


def _undecodable() -> UndecodableText:
    return UndecodableText("无法识别文件编码，不是有效的文本文件 / cannot decode the file as text")


def _check(text: str) -> str:
    if text:
        bad = len(_CONTROL_RE.findall(text))
        if bad * 10 > len(text):
            raise _undecodable()
    return text


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+$")


def line_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` (without the line break)."""
    out = []
    for m in _LINE_RE.finditer(text):
        s, e = m.span()
        if e > s and text[e - 1] == "\n":
            e -= 1
        if e > s and text[e - 1] == "\r":
            e -= 1
        out.append((s, e))
    return out
