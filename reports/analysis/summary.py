"""Key sentences, and the problems and measures a report lists.

* ``problems`` / ``measures``: the body of every ``problems`` / ``next_steps`` section split
  into items — at sub-headings (``（一）``, ``1、``, ``(1)``), at ``一是…二是…``, else at
  ``；`` and ``。`` — each item trimmed of its marker, at most 200 characters.
* ``summary`` (≤ 5 sentences): sentences with a real (unmasked) number, preferring those
  in a ``work_done`` section (成效), then the first problem and the first measure; ordered
  as they appear.  Sentences shorter than 8 characters are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .numbers import Quantity
from .sections import Section

__all__ = ["list_items", "summarise"]

_ITEM_SPLIT = re.compile(
    r"(?:^|(?<=[。;:!?\n]))[ \t]*(?:\([一二三四五六七八九十\d]{1,3}\)|\d{1,2}[、.](?!\d)|"
    r"[一二三四五六七八九十]{1,3}[、]|[一二三四五六七八九十]是|第[一二三四五六七八九十]+[、,])",
    re.MULTILINE,
)
_SENT_RE = re.compile(r"[^。!?;\n]+[。!?;]?")
_MAX_ITEM = 200


def _clean(s: str) -> str:
    return s.strip(" \t\r\n,;:、。，；：\u3000")


def list_items(folded_body: str, body: str) -> list[str]:
    """Split a section body into listed items (see module docstring)."""
    cuts = [m.start() for m in _ITEM_SPLIT.finditer(folded_body)]
    items: list[str] = []
    if len(cuts) >= 1:
        bounds = [*cuts, len(body)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            m = _ITEM_SPLIT.match(folded_body, a)
            start = m.end() if m else a
            item = _clean(body[start:b])
            if item:
                items.append(item[:_MAX_ITEM])
    else:
        for m in _SENT_RE.finditer(body):
            item = _clean(m.group())
            if len(item) >= 4:
                items.append(item[:_MAX_ITEM])
    return items


def _section_items(text: str, folded: str, sections: Sequence[Section], kind: str) -> list[str]:
    out: list[str] = []
    covered_to = -1
    for s in sections:
        if s.kind != kind or s.start < covered_to:
            continue
        covered_to = s.end
        body_start = s.start + len(s.title)
        # nested sections of the same kind are covered by the outer one
        out.extend(list_items(folded[body_start : s.end], text[body_start : s.end]))
    return out


def summarise(
    text: str, folded: str, sections: Sequence[Section], numbers: Sequence[Quantity]
) -> tuple[list[str], list[str], list[str]]:
    """Return ``(summary, problems, measures)``."""
    problems = _section_items(text, folded, sections, "problems")
    measures = _section_items(text, folded, sections, "next_steps")
    work = [(s.start, s.end) for s in sections if s.kind == "work_done"]
    num_pos = [q.start for q in numbers if not q.masked]
    scored: list[tuple[float, int, str]] = []
    if num_pos:
        j = 0
        for m in _SENT_RE.finditer(folded):
            a, b = m.span()
            while j < len(num_pos) and num_pos[j] < a:
                j += 1
            k = j
            while k < len(num_pos) and num_pos[k] < b:
                k += 1
            if k == j:
                continue
            sent = _clean(text[a:b])
            if len(sent) < 8:
                continue
            score = (k - j) + (3 if any(ws <= a < we for ws, we in work) else 0)
            scored.append((score, a, sent[:_MAX_ITEM]))
    scored.sort(key=lambda t: (-t[0], t[1]))
    picked = sorted(scored[:3], key=lambda t: t[1])
    summary = [s for _, _, s in picked]
    for extra in (problems[:1], measures[:1]):
        for item in extra:
            if item not in summary and len(summary) < 5:
                summary.append(item)
    return summary[:5], problems, measures
