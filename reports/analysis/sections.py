"""Section headings and their canonical kind.

Decisions:

* Heading markers, from the highest level down: ``一、`` / ``第一、`` / ``第一部分`` (level 1),
  ``（一）`` or ASCII ``(一)`` (level 2), ``1、`` / ``1.`` / ``1。`` (level 3), ``(1)``
  (level 4), plus short unnumbered lines that carry a section keyword
  (``存在问题与改进措施：``), which count as level 1.
* Chinese-numbered markers (levels 1 and 2) are also found *mid-paragraph* right after
  ``。；：！？`` — real reports paste several headings into one paragraph — and when
  the heading runs into the body with no line break.  Arabic markers only count at the
  start of a line, because inside prose they are list items.
* ``一、二年级`` / ``一、二、三年级`` are grade lists, never headings; a leading page or
  paragraph number (``12、一、基本情况``) in front of a Chinese heading is skipped.
* Reported sections are the headings of the two highest levels present (e.g. ``一、`` and
  ``（一）``; Arabic ``1、`` items only when the text has no Chinese-numbered headings
  and the line looks like a heading).  A section runs from its heading to the next
  heading of the same or a higher level, or the end of the text.
* Kind is decided by the *earliest* keyword in the title (so ``存在问题与改进措施`` is
  ``problems`` and ``下一步工作措施`` is ``next_steps``).  Titles of run-in headings are cut
  at the first ``。：；``, else after the keyword phrase, else after two parallel phrases
  (``健全组织、明确职责``), else at the first comma, at most 30 characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["KINDS", "Section", "classify_title", "find_sections", "missing_kinds"]

KINDS = ("overview", "work_done", "problems", "next_steps", "other")
TITLE_MAX = 30

_CN = "一二三四五六七八九十"
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "next_steps": (
        "下一步",
        "下步",
        "下阶段",
        "整改措施",
        "整改方向",
        "整改计划",
        "改进措施",
        "今后",
        "努力方向",
        "工作打算",
        "工作思路",
        "工作设想",
        "工作计划",
        "工作建议",
        "下一阶段",
        "未来打算",
    ),
    "problems": (
        "存在的问题",
        "存在问题",
        "问题与不足",
        "问题和不足",
        "不足之处",
        "存在的不足",
        "不足",
        "困难和问题",
        "主要问题",
        "薄弱环节",
        "差距",
    ),
    "overview": ("基本情况", "总体情况", "学校概况", "概况", "基本概况", "工作概况"),
    "work_done": (
        "工作措施",
        "主要做法",
        "具体做法",
        "主要措施",
        "采取的措施",
        "自查情况",
        "成效",
        "工作开展情况",
        "开展情况",
        "落实情况",
        "主要工作",
        "工作情况",
        "取得的成绩",
        "主要成绩",
        "工作成果",
        "开展了以下工作",
        "完成情况",
    ),
}
_KW_TO_KIND = {w: k for k, ws in _KIND_WORDS.items() for w in ws}
_KW_RE = re.compile("|".join(sorted(map(re.escape, _KW_TO_KIND), key=len, reverse=True)))

# Folded text is used: full-width punctuation is already ASCII.
_GRADE_AFTER = rf"(?![{_CN}]{{0,2}}[、,]?[{_CN}]*年级|年级|[{_CN}]年级)"
_HEAD_RE = re.compile(
    rf"""
    (?P<pre>(?:^|(?<=[。;:!?])|(?<=[。;:!?][ \t]))[ \t]*(?:\d{{1,3}}[、.][ \t]*)?)
    (?:
        (?P<l1>(?:第[{_CN}]{{1,3}}(?:部分|[、,.:]))|(?:[{_CN}]{{1,3}}[、]){_GRADE_AFTER})
      | (?P<l2>\([{_CN}]{{1,3}}\))
    )
    |
    (?P<pre3>^[ \t]*)(?P<l3>\d{{1,2}}(?:[、]|\.(?!\d)|。(?=\S)))(?!\d)
    |
    (?P<pre4>^[ \t]*)(?P<l4>\(\d{{1,2}}\))
    """,
    re.MULTILINE | re.VERBOSE,
)
# An unnumbered short line holding a section keyword (e.g. "存在问题与改进措施:").
_KW_LINE_RE = re.compile(
    r"^[ \t]*(?P<t>[^\n。!?]{0,12}?(?:"
    + "|".join(
        map(
            re.escape,
            (
                "存在的问题",
                "存在问题",
                "下一步工作",
                "下步打算",
                "今后工作",
                "整改措施",
                "基本情况",
                "工作措施",
                "主要做法",
                "工作成效",
                "问题与不足",
                "不足与改进",
                "今后打算",
                "努力方向",
            ),
        )
    )
    + r")[^\n。!?,]{0,10}?)[ \t]*[:]?[ \t]*$",
    re.MULTILINE,
)
_TITLE_STOP_RE = re.compile(r"[。:;!?\n]|\d{1,2}、|\([一二三四五六七八九十\d]")
_PARALLEL_RE = re.compile(r"([^\s、,。:;]{2,8})、([^\s、,。:;]+)")
_COMMA_RE = re.compile(r"[,]")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the span of its section (``start`` = heading start)."""

    kind: str
    title: str
    start: int
    end: int
    level: int = 1


def classify_title(title: str) -> str:
    """Canonical kind of a heading title (earliest keyword wins), else ``other``."""
    m = _KW_RE.search(title)
    return _KW_TO_KIND[m.group()] if m else "other"


def _title_end(folded: str, body_start: int, line_end: int) -> int:
    """Where the heading text ends (see module docstring)."""
    limit = min(line_end, body_start + TITLE_MAX)
    window = folded[body_start:limit]
    m = _TITLE_STOP_RE.search(window)
    if m:
        return body_start + m.start()
    if line_end - body_start <= TITLE_MAX:
        return line_end
    kw_end = -1
    for km in _KW_RE.finditer(window[:22]):
        kw_end = km.end()
    if kw_end > 0:
        return body_start + kw_end
    pm = _PARALLEL_RE.match(window)
    if pm:
        n = len(pm.group(1))
        return body_start + pm.start(2) + min(n, len(pm.group(2)))
    cm = _COMMA_RE.search(window)
    if cm:
        return body_start + cm.start()
    return limit


def find_sections(text: str, folded: str | None = None) -> list[Section]:
    """Headings of the two highest levels present, with spans and kinds."""
    if folded is None:
        from .text import fold

        folded = fold(text)
    n = len(text)
    cands: list[tuple[int, int, int]] = []  # (start, level, body_start)
    for m in _HEAD_RE.finditer(folded):
        if m.group("l1") is not None:
            lvl, g = 1, "l1"
        elif m.group("l2") is not None:
            lvl, g = 2, "l2"
        elif m.group("l3") is not None:
            lvl, g = 3, "l3"
        else:
            lvl, g = 4, "l4"
        start = m.start(g)
        body = m.end(g)
        # skip empty markers at the very end and markers followed by a line break only
        # when nothing else is on the line (still a heading: title is empty) - keep.
        cands.append((start, lvl, body))
    numbered_lines = {folded.rfind("\n", 0, c[0]) + 1 for c in cands}
    for m in _KW_LINE_RE.finditer(folded):
        s = m.start("t")
        if folded.rfind("\n", 0, s) + 1 not in numbered_lines:
            cands.append((s, 0, s))
    if not cands:
        return []
    cands.sort()
    # deduplicate keyword lines that are also numbered headings on the same line
    levels = sorted({(1 if lv == 0 else lv) for _, lv, _ in cands})
    chinese = [lv for lv in levels if lv <= 2]
    keep_levels = set(chinese[:2]) if chinese else set(levels[:1])
    out: list[Section] = []
    heads: list[tuple[int, int, int, int]] = []  # start, level, body, title_end
    for start, lvl, body in cands:
        eff = 1 if lvl == 0 else lvl
        if eff not in keep_levels:
            continue
        line_end = folded.find("\n", body)
        if line_end < 0:
            line_end = n
        if lvl >= 3:
            # Arabic items count as headings only when the line looks like one.
            te = _title_end(folded, body, line_end)
            title = folded[body:te]
            if line_end - body > 40 and classify_title(title) == "other":
                continue
        te = _title_end(folded, body, line_end)
        heads.append((start, eff, body, te))
    for i, (start, lvl, _body, te) in enumerate(heads):
        end = n
        for j in range(i + 1, len(heads)):
            if heads[j][1] <= lvl:
                end = heads[j][0]
                break
        title = text[start:te].strip().rstrip(",、 ")
        out.append(Section(classify_title(title), title, start, end, lvl))
    return out


def missing_kinds(sections: Sequence[Section], required: Sequence[str]) -> list[str]:
    """Required kinds that no section has."""
    have = {s.kind for s in sections}
    return [k for k in required if k not in have]
