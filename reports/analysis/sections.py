"""Section headings, their tree and their canonical kind.

Decisions:

* Heading markers (styles): ``第一部分``; ``一、`` (and ``一 基本数据``: a numeral and a space
  heading a short line); ``第一,`` / ``第一、``; ``（一）`` or ASCII ``(一)``; ``1、`` / ``1.`` /
  ``1. `` / ``1。``; ``(1)``; ``①``; ``02 主要工作`` (a WeChat article's numbered parts);
  ``一是`` / ``二是`` and a speech's ``一要`` / ``二要``;
  ``首先，`` / ``其次，`` / ``最后，`` paragraphs (a list needs its ``其次``); plus
  unnumbered headings: a short line holding a section keyword (``存在问题与改进措施：``), a
  paragraph or sentence opening with ``下一步，`` / ``今后，`` (next steps), a sentence
  opening with ``存在的问题：`` / ``主要做法如下：`` (a lead-in naming its part), a paragraph
  opening on its part (``当然，我们的工作也还存在一些不足：`` → problems, ``针对上述问题，``
  → next steps), and bare title lines (``作业管理``) standing between a blank line and
  their body, when a text has two or more of them.
* Not structure: a table of contents — dot-leader lines, and short title-only lines of
  one style, one after another, that stand again later in the text; an ``一是……`` item
  left as an ellipsis (it still pairs its list); a template's ``（此处填写…）`` line.
* Where a marker counts: ``一、`` and ``（一）``-style markers at the start of a line or
  right after ``。；：！？`` (real reports paste several headings into one paragraph);
  ``（一）`` and ``第二,`` also run in with no punctuation before them ("…全覆盖(二)作业",
  "…28个第三,严格"); ``一是`` also after a comma; Arabic markers only at the start of a line,
  because inside prose they are list items.  ``一、二年级`` / ``一、二、三年级`` are grade
  lists, never headings; a leading page number (``12、一、基本情况``) is skipped.
* Enumerations are checked as sequences: a marker is kept when it is the first of its
  list (``一``/``1``) or follows the previous item of the same style (``二`` after ``一``);
  ``一、`` and ``第一部分`` may resume after a gap.  ``一是`` and ``第一,`` lists need at least
  two items.  So an ordinal in prose (``排名第三,``) is not a heading.
* The tree: a style met for the first time nests under the current heading; a style
  already open closes everything below it.  ``level`` is the depth (1 = top).  Unnumbered
  headings stand at level 1; a ``下一步`` paragraph inside a next-steps part is no heading.
* A table of contents (lines ending in dot leaders and a page number) is not structure.
* Kind: the *earliest* keyword in the title (so ``存在问题与改进措施`` is ``problems`` and
  ``下一步工作措施`` is ``next_steps``); a title without a keyword inherits the kind of its
  parent heading (（二） under 二、工作措施 is ``work_done``).  A top-level numbered title
  without a keyword that stands before any problems or next-steps part names a field of
  the work (一、作业管理, 二、提高认识，加强领导): self-inspection reports title what they
  did by its topic, so it is ``work_done``; after those parts, and in a text that is not
  a report (a speech's 一、统一思想, a plan's 一、指导思想), it stays ``other``.  The
  vocabulary below groups the words real reports title their parts with, one reason per
  group.
* Titles: a heading on its own line is the line; a short heading ended by ``。：；`` ends
  there; a heading run into its body ends after its last section keyword
  (``四、整改建议进一步加强…`` → ``四、整改建议``), else after a heading word such as
  ``情况`` / ``做法`` (``一、课后服务情况本学期…`` → ``一、课后服务情况``), else after two
  where a body run in without punctuation starts with its subject (``精简会议和文件学校行政会
  由…`` → ``精简会议和文件``), else after two parallel phrases (``健全组织、明确职责``), else
  at the first comma, at most 30 characters.
* :func:`find_headings` returns the whole tree; :func:`find_sections` the structure a
  reviewer sees: the two top levels of Chinese-numbered and unnumbered headings (Arabic
  ``1、`` items only when the text has no such headings and the line looks like a heading).
  A section runs from its heading to the next heading of the same or a higher level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "Section",
    "classify_title",
    "find_headings",
    "find_sections",
    "find_structure",
    "missing_kinds",
]

KINDS = ("overview", "work_done", "problems", "next_steps", "other")
TITLE_MAX = 30
#: a text before a stop character longer than this may be a title run into its body
SHORT_TITLE = 16

_CN = "一二三四五六七八九十"
_CN_VAL = {c: i + 1 for i, c in enumerate(_CN)}
#: 首先 / 其次 / 再次 paragraphs; 最后 closes the list, whatever its length
_SEQ_VAL = {"首先": 1, "其次": 2, "再次": 3, "最后": 0}
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "next_steps": (
        # what the policy texts ask for at the end of a self-inspection: 下一步 / 下步打算
        "下一步",
        "下步",
        "下阶段",
        "下一阶段",
        "今后",
        "未来打算",
        # rectification: 整改 headings in 自查 reports are what will be done
        "整改措施",
        "整改方向",
        "整改计划",
        "整改建议",
        "整改意见",  # an inspection's feedback: what the school is to do
        "整改要求",
        "改进措施",
        "改进方向",
        "努力方向",
        # plans and proposals
        "工作打算",
        "工作思路",
        "工作设想",
        "工作计划",
        "工作建议",
        "意见建议",
    ),
    "problems": (
        "存在的问题",
        "存在问题",
        "问题与不足",
        "问题和不足",
        "问题与整改",  # "问题与整改": the problems part comes first
        "问题及整改",
        "不足之处",
        "存在的不足",
        "不足",
        "困难和问题",
        "存在的困难",  # real reports name the problems part 困难 as often as 问题
        "主要困难",
        "发现的问题",  # 自查发现的问题: what the self-inspection found
        "查摆的问题",
        "查找的问题",
        "查摆问题",
        "问题清单",
        "困难",
        "主要问题",
        "突出问题",
        "薄弱环节",
        "差距",
    ),
    "overview": ("基本情况", "总体情况", "学校概况", "概况", "基本概况", "工作概况", "基本数据"),
    "work_done": (
        # measures taken
        "工作措施",
        "主要做法",
        "具体做法",
        "经验做法",
        "主要措施",
        "采取的措施",
        "措施经验",
        "工作举措",
        # what was done / found: "…情况" headings of inspection reports
        "自查情况",
        "开展情况",
        "落实情况",
        "推进情况",
        "实施情况",
        "执行情况",
        "整治情况",
        "管理情况",
        "完成情况",
        "工作情况",
        "工作开展情况",
        "开展了以下工作",
        # results
        "成效",
        "主要工作",
        "取得的成绩",
        "主要成绩",
        "工作成果",
        # a speech's or summary's look back at the year: 回顾一年来的工作, 工作回顾
        "回顾",
    ),
}
_KW_TO_KIND = {w: k for k, ws in _KIND_WORDS.items() for w in ws}
# A heading line whose last character the source lost ("三、工作措"): the keyword less its
# last character, at the end of a title on its own line.  Not a keyword of classify_title
# (a prefix of a run-in title would match it too early).
_TRUNCATED_RE = re.compile(
    "(?:"
    + "|".join(sorted({re.escape(w[:-1]) for w in _KW_TO_KIND if len(w) >= 4}, key=len))
    + r")[ \t]*$"
)
_KW_RE = re.compile("|".join(sorted(map(re.escape, _KW_TO_KIND), key=len, reverse=True)))
# Words a heading ends with when it names its topic ("课后服务情况", "作业管理做法").
_HEAD_END_RE = re.compile(
    "情况|做法|措施|问题|成效|打算|方向|建议|概况|经验|不足|困难|举措|计划|思路|方面"
)

# Heading words that may follow a keyword ("今后" + "工作方向", "下一步" + "工作打算").
_HEAD_TAIL_RE = re.compile("(?:工作|方向|打算|措施|计划|思路|设想|重点)+")

# Folded text is used: full-width punctuation is already ASCII.
_GRADE_AFTER = rf"(?![{_CN}]{{0,2}}[、,]?[{_CN}]*年级|年级|[{_CN}]年级)"
_AFTER_PUNCT = r"(?:^|(?<=[。;:!?])|(?<=[。;:!?][ \t]))[ \t]*(?:[【■●◆★☆◇►][ \t]*)?"
_HEAD_RE = re.compile(
    rf"""
    # fast reject: every alternative starts with one of these characters
    (?=[ \t\d第({_CN}下今存主问具①-⑳【■●◆★☆◇►首其再最])
    (?:
    (?P<pre>{_AFTER_PUNCT}(?:\d{{1,3}}[、.][ \t]*)?)
    (?:
        (?P<part>第(?P<part_n>[{_CN}]{{1,3}})部分)
      | (?P<cn>(?P<cn_n>[{_CN}]{{1,3}})(?:、|\.(?=[\u4e00-\u9fff])
        |(?<=^[{_CN}])[ \t]+(?=[\u4e00-\u9fff]))){_GRADE_AFTER}
      | (?P<zero>^[ \t]*(?P<zero_n>0[1-9])[ \t]+)(?=[\u4e00-\u9fff])
    )
    | (?P<di>(?<![次名位])第(?P<di_n>[{_CN}]{{1,2}})[、,.:](?![{_CN}\d]))
    | (?P<pcn>\((?P<pcn_n>[{_CN}]{{1,3}})\))
    | (?P<pre3>^[ \t]*)(?P<ar>(?P<ar_n>\d{{1,2}})(?:[、]|\.(?!\d)|。(?=\S)))(?!\d)
    | (?P<pre11>(?<=[。;])[ \t]*)(?P<arin>(?P<arin_n>\d{{1,2}})[、.](?!\d))(?=[\u4e00-\u9fff])
    | (?P<pre4>{_AFTER_PUNCT})(?P<par>\((?P<par_n>\d{{1,2}})\))
    | (?P<pre9>{_AFTER_PUNCT})(?P<circ>(?P<circ_n>[①-⑳]))
    | (?P<pre10>(?:^|(?<=[。;:!?]))[ \t]*)(?P<seq>(?P<seq_n>首先|其次|再次|最后)[ \t]*,)
    | (?P<pre5>(?:^|(?<=[。;:!?,]))[ \t]*)(?P<shi>(?P<shi_n>[{_CN}])[是要])
      (?![的否不素求])
    | (?P<pre6>(?:^|(?<=[。!?]))[ \t]*)(?P<next>下一步|下步|下一阶段|下阶段|今后)
      (?=[ \t]*,|[ \t]*[我将本全各学要])
    | (?P<pre7>(?:^|(?<=[。!?]))[ \t]*)
      (?P<lead>存在的问题|存在问题|存在的不足|主要问题|问题与不足|问题)(?=[ \t]*:|主要|有以下|是)
    | (?P<pre8>(?:^|(?<=[。!?,]))[ \t]*)
      (?P<leadw>主要做法|具体做法|主要措施)(?=(?:如下)?[ \t]*:)
    )
    """,
    re.MULTILINE | re.VERBOSE,
)
_STYLES = (
    "part",
    "cn",
    "zero",
    "di",
    "pcn",
    "ar",
    "arin",
    "par",
    "circ",
    "shi",
    "seq",
    "next",
    "lead",
    "leadw",
)
# A paragraph opening on its part without a heading: "当然，我们的工作也还存在一些不足：",
# "自查中我们也发现了一些问题。" (problems: a quantifier makes it a lead-in, not the
# "发现问题，立即整改" of a measure); "针对上述问题，学校将…" (next steps).
_LEAD_LINE_RE = re.compile(
    r"^[ \t]*(?:(?P<plead>[^\n。:;]{0,16}?(?:存在|发现|仍有|还有)[^\n。:,;]{0,6}?"
    r"(?:一些|部分|以下|如下|若干|不少|诸多|几个|许多)[^\n。:,;]{0,4}?(?:不足|问题|短板|差距|困难))"
    r"|(?P<nlead>针对(?:上述|以上|这些|前述|存在的)(?:问题|不足)))",
    re.MULTILINE,
)
#: styles that may resume after a gap in their numbering
_RESUMING = frozenset(("part", "cn"))
#: styles that need at least two items to be a list
_PAIRED = frozenset(("shi", "di", "seq"))
#: unnumbered headings: level 1, no sequence
_UNNUMBERED = frozenset(("kw", "bare", "brk", "next", "lead", "leadw", "plead", "nlead"))
#: styles of the structure a reviewer sees (find_sections)
_MAJOR = frozenset(
    ("part", "cn", "zero", "di", "pcn", "kw", "bare", "brk", "next", "lead", "leadw", "plead")
    + ("nlead",)
)
_UNNUMBERED_KIND = {
    "next": "next_steps",
    "lead": "problems",
    "leadw": "work_done",
    "plead": "problems",
    "nlead": "next_steps",
}

# An unnumbered short line holding a section keyword (e.g. "存在问题与改进措施:").
_KW_LINE_RE = re.compile(
    r"^[ \t]*(?P<t>[^\n。!?]{0,12}?(?:"
    + "|".join(
        map(
            re.escape,
            (
                "存在的问题",
                "存在问题",
                "存在的不足",
                "存在不足",
                "主要困难",
                "存在的困难",
                "下一步工作",
                "下步打算",
                "今后工作",
                "整改措施",
                "整改建议",
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
#: a contents entry is a title alone on its line
CONTENTS_LINE = 24
_SENTENCE_PUNCT_RE = re.compile(r"[,。;!?]")
_BARE_LINE_RE = re.compile(
    r"^[ \t]*(?P<t>[\u4e00-\u9fff]{2,12}(?:[与和及、][\u4e00-\u9fff]{2,8})?)[ \t]*$", re.M
)
_FILL_IN_RE = re.compile(r"此处填写|请填写|此处填")
# a heading dressed in brackets on its own line: 【学校概况】 (not a fill-in name 【上级文件名称】)
_BRACKET_LINE_RE = re.compile(r"^[ \t]*(?P<b>【(?P<t>[^】\n]{2,24})】)[ \t]*$", re.M)
_FILL_IN_NAME_RE = re.compile(r"名称|填写|姓名|日期|文号|推荐|相关|阅读|关注|下载|来源|^[ \t]*$")
_DRESS = frozenset("【■●◆★☆◇►")
_ELLIPSIS_RE = re.compile(r"[ \t]*(?:…|\.{3}|。{3})")
# A table-of-contents line: dot leaders (or a run of dots) and a page number at the end.
_TOC_LINE_RE = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|-{4,}|_{4,})[ \t]*\d{1,3}[ \t]*$")
_TITLE_STOP_RE = re.compile(r"[。:;!?\n]|\d{1,2}、|\([一二三四五六七八九十\d]")
# the first words of a body run into its heading: the school as subject, or 严格 + verb;
# not after a character that binds them into the title (加强学校, 进校园, 对学校)
_BODY_OPEN_RE = re.compile(
    r"(?<![的各全强在进对和与及到让促行要])(?:学校|我校|本校|全校|各校|严格)(?![教和与的及])"
)
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


_SITUATION_RE = re.compile(r"情况[ \t:。.]*$")


def classify_title(title: str) -> str:
    """Canonical kind of a heading title (earliest keyword wins), else ``other``.

    A title without a keyword that ends in ``情况`` ("课后服务情况") reports what was done:
    ``work_done``.
    """
    m = _KW_RE.search(title)
    if m:
        return _KW_TO_KIND[m.group()]
    return "work_done" if _SITUATION_RE.search(title) else "other"


def _title_end(folded: str, body_start: int, line_end: int, style: str = "cn") -> int:
    """Where the heading text ends (see module docstring)."""
    if style in _LEAD_END:
        return folded.index(_LEAD_END[style], body_start) + (style == "brkin")
    limit = min(line_end, body_start + TITLE_MAX)
    window = folded[body_start:limit]
    m = _TITLE_STOP_RE.search(window)
    if m is None and line_end - body_start <= TITLE_MAX:
        return line_end
    stop = m.start() if m else len(window)
    if style in ("shi", "di", "seq"):
        # list items: the title is the first phrase
        cm = re.search(r"[,;。:]|\.(?=[\u4e00-\u9fff])", window)
        return body_start + (cm.start() if cm else stop)
    # A heading run into its body ends after its last section keyword…
    head = window[: min(stop, 22)]
    kw_end = -1
    for km in _KW_RE.finditer(head):
        kw_end = km.end()
    if kw_end > 0:
        tm = _HEAD_TAIL_RE.match(window, kw_end)
        if tm:
            kw_end = tm.end()
    if kw_end > 0 and (m is None or stop - kw_end > 3):
        return body_start + kw_end
    if m is not None and stop <= SHORT_TITLE:
        return body_start + stop
    # …else after the first heading word ("课后服务情况")…
    hm = _HEAD_END_RE.search(window, 2, min(stop, SHORT_TITLE))
    if hm and stop - hm.end() > 3:
        return body_start + hm.end()
    # …else where the body's subject starts ("精简会议和文件学校行政会由…")…
    bm = _BODY_OPEN_RE.search(window, 6, min(stop, SHORT_TITLE + 4))
    if bm and "," not in window[: bm.start()]:
        return body_start + bm.start()
    if m is not None:
        return body_start + stop
    pm = _PARALLEL_RE.match(window)
    if pm:
        n = len(pm.group(1))
        return body_start + pm.start(2) + min(n, len(pm.group(2)))
    cm = _COMMA_RE.search(window)
    if cm:
        return body_start + cm.start()
    return limit


def _number(style: str, raw: str) -> int:
    if style in ("ar", "arin", "par", "zero"):
        return int(raw)
    if style == "circ":
        return ord(raw) - ord("①") + 1
    if style == "seq":
        return _SEQ_VAL[raw]  # 最后 (0) takes the number after the previous item
    if len(raw) == 1:
        return _CN_VAL.get(raw, 0)
    if raw[0] == "十":
        return 10 + _CN_VAL.get(raw[1], 0)
    if raw[-1] == "十":
        return _CN_VAL.get(raw[0], 0) * 10
    if len(raw) == 3 and raw[1] == "十":
        return _CN_VAL.get(raw[0], 0) * 10 + _CN_VAL.get(raw[2], 0)
    return 0


def _candidates(folded: str) -> list[tuple[int, str, int, int]]:
    """(start, style, number, body_start) of every marker, in text order."""
    cands: list[tuple[int, str, int, int]] = []
    toc_lines: set[int] = set()
    for m in _HEAD_RE.finditer(folded):
        style = next(g for g in _STYLES if m.group(g) is not None)
        start, body = m.start(style), m.end(style)
        while start and folded[start - 1] in _DRESS:
            start -= 1  # the heading starts at its dress: 【一、总体情况】, ■一、
        ls = folded.rfind("\n", 0, start) + 1
        if ls in toc_lines:
            continue
        le = folded.find("\n", start)
        if _TOC_LINE_RE.search(folded, start, le if le >= 0 else len(folded)):
            toc_lines.add(ls)
            continue
        if (
            style in ("cn", "zero")
            and folded[body - 1] in " \t"
            and (le if le >= 0 else len(folded)) - start > 25
        ):
            continue  # "一 基本数据", "02 主要工作": a number and a space head a short line only
        n = 0 if style in _UNNUMBERED else _number(style, m.group(style + "_n"))
        cands.append((start, style, n, body))
    numbered_lines = {folded.rfind("\n", 0, c[0]) + 1 for c in cands} | toc_lines
    cands = _without_contents(folded, cands)
    for m in _KW_LINE_RE.finditer(folded):
        st = m.start("t")
        if _FILL_IN_RE.search(m.group("t")):
            continue  # "（此处填写下一步工作措施）": a template's instruction
        if folded.rfind("\n", 0, st) + 1 not in numbered_lines:
            cands.append((st, "kw", 0, st))
            numbered_lines.add(folded.rfind("\n", 0, st) + 1)
    # a lead-in opens its line; a marker later in the line (its 一是 list) does not hide it
    opened = {c[0] for c in cands}
    for m in _LEAD_LINE_RE.finditer(folded):
        style = m.lastgroup or "plead"
        st = m.start(style)
        if not opened.intersection(range(folded.rfind("\n", 0, st) + 1, st + 1)):
            cands.append((st, style, 0, m.end(style)))
    for m in _BRACKET_LINE_RE.finditer(folded):
        if m.start() not in numbered_lines and not _FILL_IN_NAME_RE.search(m.group("t")):
            cands.append((m.start("b"), "brk", 0, m.start("b")))
            numbered_lines.add(m.start())
    cands += _bare_lines(folded, numbered_lines)
    cands += _lead_phrases(folded, numbered_lines)
    cands.sort()
    cands = _inline_items(folded, cands)
    previous = 0
    for i, c in enumerate(cands):
        if c[1] == "seq":
            if c[2] == 0:  # 最后 ends a list of 首先, 其次…; after 首先 alone it opens none
                cands[i] = c = (c[0], c[1], previous + 1 if previous > 1 else 9, c[3])
            previous = c[2]
    # lists that need two items: keep a style's items only where a neighbour continues it
    for style in _PAIRED:
        items = [c for c in cands if c[1] == style]
        keep: set[int] = set()
        for a, b in zip(items, items[1:], strict=False):
            if b[2] == a[2] + 1:
                keep.update((a[0], b[0]))
        cands = [c for c in cands if c[1] != style or c[0] in keep]
    # an item left as an ellipsis ("二是……") pairs its list but heads nothing
    return [c for c in cands if c[1] != "shi" or not _ELLIPSIS_RE.match(folded, c[3])]


def _inline_items(folded: str, cands: list[tuple[int, str, int, int]]) -> list:
    """Numbered items run together in one paragraph ("1.开齐课程。2.落实双减。3.…"): an
    item after a sentence's end counts only as the next number of an item that opens the
    same line (or follows one), or as a 1. whose 2. follows in the line; it then takes
    the style of items that open their lines."""
    out: list[tuple[int, str, int, int]] = []
    last: tuple[int, int] | None = None  # (line start, number) of the line's latest item
    inline = {(folded.rfind("\n", 0, c[0]) + 1, c[2]) for c in cands if c[1] == "arin"}
    for c in cands:
        ls = folded.rfind("\n", 0, c[0]) + 1
        if c[1] == "ar":
            last = (ls, c[2])
        elif c[1] == "arin":
            # "（二）严格作业管理。1.作业总量控制。…2.…": a 1. after a sentence opens a list
            # when its 2. follows in the same line
            opens = c[2] == 1 and (ls, 2) in inline
            if not opens and (last is None or last != (ls, c[2] - 1)):
                continue
            last = (ls, c[2])
            c = (c[0], "ar", c[2], c[3])
        out.append(c)
    return out


def _without_contents(folded: str, cands: list[tuple[int, str, int, int]]) -> list:
    """Without the entries of a table of contents: short title-only lines of one style,
    one after another, each standing again word for word later in the text (the heading
    it lists). An anthology's second copy of a report keeps its headings: its lines
    have bodies between them."""
    style_at: dict[int, str] = {}
    seen: dict[str, list[int]] = {}
    for c in cands:
        ls = folded.rfind("\n", 0, c[0]) + 1
        le = folded.find("\n", c[0])
        line = folded[ls : le if le >= 0 else len(folded)].strip()
        if ls in style_at or len(line) > CONTENTS_LINE or _SENTENCE_PUNCT_RE.search(line):
            style_at.setdefault(ls, "")
            continue
        style_at[ls] = c[1]
        seen.setdefault(line, []).append(ls)
    listed = {
        ls
        for starts in seen.values()
        if _has_body(folded, starts[-1], style_at)
        for ls in starts[:-1]
        if _neighbour_style(folded, ls, style_at) == style_at[ls]
    }
    return [c for c in cands if folded.rfind("\n", 0, c[0]) + 1 not in listed]


def _has_body(folded: str, ls: int, style_at: dict[int, str]) -> bool:
    """Whether the line at ``ls`` is followed by a line of text that is no heading of its
    own style (its body, or its first sub-heading)."""
    le = folded.find("\n", ls)
    if le < 0 or not folded[le + 1 :].strip():
        return False
    rest = folded[le + 1 :]
    return style_at.get(le + 1 + len(rest) - len(rest.lstrip())) != style_at[ls]


def _neighbour_style(
    folded: str, ls: int, style_at: dict[int, str], after_only: bool = False
) -> str | None:
    """The style of a title-only heading line right before or after the line at ``ls``
    (blank lines aside; only after it with ``after_only``), if either is one with the same
    style as it."""
    before = folded[:ls].rstrip()
    prev_start = before.rfind("\n") + 1 if before else -1
    le = folded.find("\n", ls)
    rest = folded[le + 1 :] if le >= 0 else ""
    next_start = le + 1 + len(rest) - len(rest.lstrip()) if le >= 0 else -1
    for at in (next_start,) if after_only else (prev_start, next_start):
        if at >= 0 and style_at.get(at) == style_at[ls]:
            return style_at[ls]
    return None


# Sub-headings run into their paragraph without a number: "【作业管理】严格落实…",
# "组织保障到位：学校成立了…" — only two or more in a text, and not a form's label line
# ("活动时间：…", "学校名称：…").
_LEAD_PHRASE_RE = re.compile(
    r"^[ \t]*(?:(?P<brkin>【[\u4e00-\u9fff]{2,10}】)|(?P<colon>[\u4e00-\u9fff]{4,10}):)"
    r"(?=[ \t]*[^\n]{10})",
    re.M,
)
_LEAD_LABEL_RE = re.compile(
    r"(?:时间|地点|人员|对象|主题|内容|名称|单位|方式|形式|电话|负责人|日期|地址|成员|组长|说明)$"
)
_LEAD_END = {"brkin": "】", "colon": ":"}


def _lead_phrases(folded: str, taken: set[int]) -> list[tuple[int, str, int, int]]:
    """Run-in sub-headings without a number (see ``_LEAD_PHRASE_RE``): items of one list,
    each the first of its list (number 1), so they nest under the heading above them."""
    out: list[tuple[int, str, int, int]] = []
    for m in _LEAD_PHRASE_RE.finditer(folded):
        style = m.lastgroup or "colon"
        phrase = m.group(style)
        if m.start() in taken or _LEAD_LABEL_RE.search(phrase.strip("【】")):
            continue
        if style == "brkin" and _FILL_IN_NAME_RE.search(phrase):
            continue
        out.append((m.start(style), style, 1, m.start(style)))
    counts = {style: sum(c[1] == style for c in out) for style in _LEAD_END}
    return [c for c in out if counts[c[1]] >= 2]


def _bare_lines(folded: str, taken: set[int]) -> list[tuple[int, str, int, int]]:
    """Headings that are bare short lines ("作业管理") over their body: after a blank line,
    a finished paragraph or another such line, and before a paragraph of 40 characters
    or more or another such line (主要工作 over 坚持以游戏为基本活动); only when a text
    has at least two of them, and never its first line."""
    first = len(folded) - len(folded.lstrip())
    lines = [m for m in _BARE_LINE_RE.finditer(folded) if m.start() > first]
    starts = {m.start() for m in lines}
    kept: set[int] = set()
    for m in reversed(lines):  # from the end: a line over a kept line is kept too
        ls = m.start()
        if ls in taken:
            continue
        nxt_start = m.end() + 1
        nxt = folded.find("\n", nxt_start)
        body = folded[nxt_start : nxt if nxt >= 0 else len(folded)].strip()
        if len(body) < 40 and nxt_start not in kept:
            continue
        prev_start = folded.rfind("\n", 0, max(0, ls - 1)) + 1
        prev_line = folded[prev_start:ls].strip()
        finished = len(prev_line) >= 40 and prev_line[-1] in "。!?;"
        if prev_line and not finished and prev_start not in starts:
            continue  # inside a paragraph (a wrapped line)
        kept.add(ls)
    out = [(m.start("t"), "bare", 0, m.start("t")) for m in lines if m.start() in kept]
    return out if len(out) >= 2 else []


def _tree(text: str, folded: str, report: bool = True) -> list[tuple[Section, str]]:
    """Every heading of the tree with its marker style (``report``: see the module notes
    on topic parts)."""
    n = len(text)
    stack: list[list] = []  # frames: [style, number, kind]
    seen_level: dict[str, int] = {}
    heads: list[tuple[int, int, int, str, str]] = []  # start, level, title_end, kind, style
    reached_end_parts = False  # a problems or next-steps heading has been met
    for start, style, num, body in _candidates(folded):
        if style in _UNNUMBERED:
            if style in ("next", "nlead", "plead") and any(
                f[2] == _UNNUMBERED_KIND[style] for f in stack
            ):
                continue  # a lead-in under its own part's heading is its first paragraph
            depth = 0
        else:
            depth = next((i for i, f in enumerate(stack) if f[0] == style), -1)
            if depth >= 0:
                last = stack[depth][1]
                if not (num == last + 1 or num == 1 or (style in _RESUMING and num > last)):
                    continue
            else:
                if num != 1 and style not in _RESUMING and style not in seen_level:
                    continue
                depth = len(stack)
                lvl = seen_level.get(style)
                if (
                    lvl is not None
                    and lvl - 1 < depth
                    and all(f[0] in _UNNUMBERED for f in stack[lvl - 1 :])
                ):
                    depth = lvl - 1  # back to a known style after an unnumbered heading
        line_end = folded.find("\n", body)
        if line_end < 0:
            line_end = n
        if style in _UNNUMBERED_KIND:
            te = body
            kind = _UNNUMBERED_KIND[style]
        else:
            te = _title_end(folded, body, line_end, style)
            kind = classify_title(folded[start:te])
            if kind == "other" and te == line_end:
                tm = _TRUNCATED_RE.search(folded, start, te)
                if tm:
                    kind = next(k for w, k in _KW_TO_KIND.items() if w.startswith(tm.group()))
            if kind == "other" and depth > 0:
                kind = stack[depth - 1][2]
            elif kind == "other" and report and not reached_end_parts:
                kind = "work_done"  # a topic part before the problems: what was done
        if kind in ("problems", "next_steps"):
            reached_end_parts = True
        del stack[depth:]
        stack.append([style, num, kind])
        seen_level.setdefault(style, len(stack))
        heads.append((start, len(stack), te, kind, style))
    out: list[tuple[Section, str]] = []
    for i, (start, lvl, te, kind, style) in enumerate(heads):
        end = n
        for j in range(i + 1, len(heads)):
            if heads[j][1] <= lvl:
                end = heads[j][0]
                break
        title = text[start:te].strip().rstrip(",、: .")
        out.append((Section(kind, title, start, end, lvl), style))
    return out


def find_structure(
    text: str, folded: str | None = None, report: bool = True
) -> tuple[list[Section], list[Section]]:
    """``(headings, sections)``: the whole tree, and the structure a reviewer sees — the
    two top levels of Chinese-numbered and unnumbered headings, or, in a text without
    them, the top-level Arabic items that look like headings. ``report=False`` (a speech,
    a plan) leaves topic parts ``other``."""
    if folded is None:
        from .text import fold

        folded = fold(text)
    tree = _tree(text, folded, report)
    headings = [h for h, _ in tree]
    major = [h for h, st in tree if st in _MAJOR]
    if major:
        top = min(h.level for h in major)
        return headings, [h for h in major if h.level <= top + 1]
    top = min((h.level for h in headings), default=0)
    sections = []
    for h in headings:
        if h.level != top:
            continue
        line_end = folded.find("\n", h.start)
        if line_end < 0:
            line_end = len(folded)
        if line_end - h.start > 40 and classify_title(h.title) == "other":
            continue
        sections.append(h)
    return headings, sections


def find_headings(text: str, folded: str | None = None) -> list[Section]:
    """Every heading of the tree (all levels), with spans, levels and kinds."""
    return find_structure(text, folded)[0]


def find_sections(text: str, folded: str | None = None) -> list[Section]:
    """The structure a reviewer sees (see :func:`find_structure`)."""
    return find_structure(text, folded)[1]


def missing_kinds(sections: Sequence[Section], required: Sequence[str]) -> list[str]:
    """Required kinds that no section has."""
    have = {s.kind for s in sections}
    return [k for k in required if k not in have]
