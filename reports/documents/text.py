"""Plain-text decoding (UTF-8, UTF-16, GB18030, then a guess) and whitespace clean-up."""

from __future__ import annotations

import re

from reports.documents.errors import MSG_ENCODING, DocumentError

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
SPACES_RE = re.compile(r"[ \t\u00a0\u3000]+")


def printable_share(text: str) -> float:
    if not text:
        return 1.0
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f")
    return ok / len(text)


def decode_text(data: bytes) -> str:
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
        if printable_share(text[:65536]) >= 0.95:
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentError(MSG_ENCODING)
    text = str(best)
    if printable_share(text[:65536]) < 0.95:
        raise DocumentError(MSG_ENCODING)
    return text


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
