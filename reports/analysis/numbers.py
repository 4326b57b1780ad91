"""Quantities stated in the prose.

One compiled regex scans the folded text once (see :mod:`.text`).  Its alternatives are
tried in order, and the first ones *consume* what must never be read as a quantity:

* clock times and time ranges (``16:00-16:40``, ``下午5点半`` — ``点`` times are skipped),
* dates (``2023年5月``, ``2024年``, ``20xx年``, ``5月``, ``10日``, ``二〇二三年``, ``2023-11-19``),
* grade names and ranges (``一、二年级``, ``三至六年级``, ``1—6年级``, ``1一6年级``, ``7-9年级``),
* programme names (``1+x``, ``5+2``, ``3x3``), codes glued to Latin letters (``5G``),
* ordinals and list markers (``第10、11周``, ``一、`` ``1.`` ``(1)``), document numbers
  (``〔2024〕10号``), fixed terms (``五项管理``, ``八项规定``, ``二期课改`` …) and short quoted
  slogans (``“三个一”``).

Then masked quantities (``*人``, ``*.*%``, ``xxx件``, ``X个月`` and a bare ``%`` that follows no
word, `` %``) with ``value=None, masked=True``, and real quantities (a ``%`` right after a
word, ``参与率达到%``, is a figure left out: a gap, see :mod:`.placeholders`):

* Arabic (``1.5``, ``1,200``) or Chinese numerals (``九十``, ``二十五``, ``两``, ``半``),
  ``百分之四十`` → 40 %, ``三成`` → 30 %; a ``万``/``千``/``亿`` multiplier is applied
  (``1.5万人`` → 15000 人) except in the written money units ``万元``/``亿元``;
* ranges ``3-5人`` / ``30%-50%`` / ``11—50人`` give ``value`` and ``value_max``;
* the unit as written (``%`` for percentages; ``个百分点`` kept).

Decisions: a Chinese numeral needs a unit; a bare ``一`` (``一个``/``一名``/``一次``, mostly an
article) only counts with a time or money unit (``一小时``, ``一节``, ``一个月``); an Arabic
number without unit is kept only right after a comparison word (``不超过30``).
``comparison`` comes from the nearest keyword before the number in the same clause
(``减少/下降/压减/精简`` → ``decrease``, ``增加/提高/增长`` → ``increase``,
``不超过/控制在/不多于/≤`` → ``upper_bound``, ``不少于/至少/≥`` → ``lower_bound``,
``约/近`` → ``approx``), else from the text after it (``以内/以下`` → ``upper_bound``,
``以上`` → ``lower_bound``, ``左右`` → ``approx``), else ``余``/``多`` (``770余人次``) →
``approx``.  ``增加到/减少至`` state a resulting level, not a change: no comparison.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Quantity", "find_numbers", "match_figure", "noun_matches", "parse_chinese_numeral"]

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}

_UNITS = sorted(
    (
        "个百分点 百分点 个工作日 工作日 个小时 小时 个月 个学期 学期 分钟 秒钟 课时 学时 节课 节 "
        "户次 场次 "
        "人次 台次 车次 次 万元 亿元 元 万人 人 名 位 所 个 天 周 份 项 件 篇 条 家 起 户 场 期 门 "
        "本 套 张 批 类 种 岁 年 米 公里 平方公里 平方米 公顷 亩 页 支 班 册 轮 层 组 处 "
        "座 栋 幢 辆 台 块 字 分 间 部门 部 千克 公斤 克 吨 盏 箱 瓶 袋 桶 株 棵 对 封 具 ℃ 根"
    ).split(),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(_UNITS)
_MASK_UNITS = "个百分点|分钟|小时|个月|人次|万元|元|人|名|个|次|节|天|所|项|件|份|周|篇|%"  # noqa: S105
_ONE_UNITS = frozenset(
    "小时 个小时 分钟 天 周 个月 学期 个学期 节 节课 课时 年 万元 元 个工作日 工作日 岁".split()
)
_FIXED = (
    "五项管理|八项规定|三项评议|五项重点|三项改革|二期课改|两个维护|四个意识|四个自信|"
    "三个一|五个一|三年活动|三会一课|三线四环五步|四备一反思|一委两办一中心|七大目标|"
    "九年一贯制?|九年义务|两免一补|一费制|三同步|四减少|六严格|四课活动|三补贴|六个“?转变|"
    "十三五|十四五|十五五|十一五|十二五|三个方面的根本转变"
)

_AR = r"(?:\d{1,3}(?:,\d{3})++(?!\d)(?:\.\d++)?|\d++(?:\.\d++)?)"
_CNC = "零〇一二两三四五六七八九十百千万亿"
# possessive: a numeral run is taken whole (no backtracking on long runs); a run made of
# multipliers only (万, 百) is rejected after matching.
_CN = rf"(?:[{_CNC}]{{1,12}}+(?:个半)?|半)"
_SEP = r"[-—–~至到]"
_CNM = "一二三四五六七八九十"

_NUM_RE = re.compile(
    rf"""
    # fast reject: every alternative starts with one of these characters
    (?=[\d{_CNC}半第*xX×%初高(\[〔【A-Za-z精共])
    (?:
      (?P<skip>
          \d{{1,2}}:\d{{2}}(?:[ \t]*{_SEP}[ \t]*\d{{1,2}}:\d{{2}})?
        | (?:19|20)\d{{2}}[-./年]\d{{1,2}}(?:[-./月]\d{{1,2}}[日号]?)?
        | (?:19|20)\d{{2}}[ \t]*[-—~至][ \t]*(?:19|20)?\d{{2}}[ \t]*学?年度?
        | (?:\d{{4}}|20[xX_*]{{1,2}}|[〇零一二三四五六七八九]{{2,4}})年
        | \d{{1,2}}月份?(?:\d{{1,2}}[日号])?
        | \d{{1,2}}[日号]
        | [{_CNM}]{{1,3}}月份?(?:[{_CNM}]{{1,3}}[日号])?
        | [初高][一二三](?![十百千万个])
        | (?<![\d一二三四五六七八九])[\d一二三四五六七八九]
          (?:[ \t]?[、,和与及至到~\-—–]?[ \t]?[\d一二三四五六七八九]){{0,12}}+[ \t]?年级
        | (?<!\d)\d++[ \t]*\+[ \t]*(?:\d++|[xX])[xX\d]*+
        | (?<!\d)\d++[xX×*]\d++
        | (?<![A-Za-z])[A-Za-z]++\d[A-Za-z\d]*+ | (?<!\d)\d++[A-Za-z][A-Za-z\d]*+
        | 第[\d零〇一二两三四五六七八九十百]{{1,8}}+
          (?:[ \t]*[、,和至到~\-—][ \t]*[\d{_CNM}]{{1,8}}+){{0,8}}+
        | [(\[〔【][\d{_CNM}]{{1,4}}[)\]〕】]\d*号?
        | (?<!\d)\d++号
        | (?<![^\s。;:!?,(“"])\d{{1,2}}(?:[、.](?!\d)|。)
        | \d{{1,3}}、(?!\d)
        | [\d零〇一二两三四五六七八九十]{{1,3}}点
          (?:半|[\d零〇一二三四五六七八九十]{{1,2}}分?)?(?!钟)
        | {_FIXED}
        | 精选\d+篇 | 共\d+页 | 第\d+页 | \d+篇(?:范文|汇总|合集)
      )
    | (?P<mask>(?:(?<!\*)\*++(?:\.\*++)?|(?<![A-Za-z\d×])[xX×]{{1,3}}+)[ \t]*(?:{_MASK_UNITS}))
    | (?P<maskpct>(?<![\d*xX×.%_)\]】\u4e00-\u9fff])%)
    | (?P<maskwan>(?<=[为达计共])万元)
    | (?P<pct>百分之(?P<pctv>
        [零〇一二两三四五六七八九十百]{{1,6}}+(?:点[零〇一二三四五六七八九]{{1,4}}+)? | {_AR}))
    | (?P<cheng>(?<![\d{_CNM}两])[{_CNM}两]成(?![绩员立为功果长效熟本型就不人分]))
    | (?P<num>
        (?<![\d.])(?!(?<=[A-Za-z])\d)(?!(?<=[{_CNC}])[{_CNC}])(?P<a>{_AR}|{_CN})(?P<mul>[万千亿](?![元]))?(?P<aa>余|多)?
        (?:[ \t]*(?P<u1>%|{_UNIT_RE}))?
        (?:[ \t]*{_SEP}[ \t]*(?P<b>{_AR}|{_CN})(?P<mul2>[万千亿](?![元]))?(?P<ba>余|多)?)?
        [ \t]*(?P<unit>%|{_UNIT_RE})?
        (?P<after>以内|以下|之内|以上|左右|上下|内(?![容部外涵])|之上)?
      )
    )
    """,
    re.VERBOSE,
)

_CMP_BEFORE = {
    "decrease": "减少 下降 降低 压减 精简 缩减 压缩 缩短 减小 削减 减轻 下调 减了 少了 降了",
    "increase": "增加 提高 增长 提升 上升 增多 增至 扩大 多了 新增",
    "upper_bound": "不超过 不多于 不高于 不大于 控制在 把控在 控制到 少于 低于 ≤ <= 最多 至多 不超",
    "lower_bound": "不少于 不低于 不小于 至少 最少 超过 多于 高于 大于 ≥ >= 达到 保证 确保",
    "approx": "约 大约 大概 近 将近 接近 约为",
}
_CMP_WORD = {w: k for k, ws in _CMP_BEFORE.items() for w in ws.split()}
# 达到/保证/确保 are weak lower bounds ("确保每天1小时") -- kept as lower_bound.
_CMP_RE = re.compile("|".join(sorted(map(re.escape, _CMP_WORD), key=len, reverse=True)))
_LEVEL_AFTER_RE = re.compile(r"^(?:了)?[到至为]")
_CLAUSE_BREAK = re.compile(r"[,;。!?:\n]")
_AFTER_CMP = {
    "以内": "upper_bound",
    "以下": "upper_bound",
    "之内": "upper_bound",
    "内": "upper_bound",
    "以上": "lower_bound",
    "之上": "lower_bound",
    "左右": "approx",
    "上下": "approx",
}
_OPEN_QUOTES = "“\"「『‘'"
_CLOSE_QUOTES = "”\"」』’'"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity in the text (``text == source[start:end]``).

    ``noun`` is what it counts (``在校学生670人`` → ``在校学生``, ``86所义务教育学校`` →
    ``义务教育学校``); ``clause_start`` is where its comma-clause begins and
    ``sentence_start``/``sentence_end`` delimit its sentence (offsets into the source).
    """

    text: str
    value: float | None
    value_max: float | None
    unit: str
    comparison: str | None
    masked: bool
    start: int
    end: int
    noun: str = ""
    clause_start: int = -1
    sentence_start: int = -1
    sentence_end: int = -1


def parse_chinese_numeral(s: str) -> float | None:
    """``九十`` → 90, ``二十五`` → 25, ``两`` → 2, ``一万二千`` → 12000, ``二四`` → 24,
    ``半`` → 0.5, ``一个半`` → 1.5; ``None`` if ``s`` is not a numeral."""
    if not s:
        return None
    half = 0.0
    if s.endswith("个半"):
        s, half = s[:-2], 0.5
    if s == "半":
        return 0.5
    if all(c in _CN_DIGITS for c in s):  # positional: 二〇二三, 二四
        v = 0
        for c in s:
            v = v * 10 + _CN_DIGITS[c]
        return float(v) + half
    total = 0
    section = 0
    digit = 0
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[c]
            digit = 0
        elif c in _CN_BIG:
            total = (total + section + digit) * _CN_BIG[c]
            section = digit = 0
        else:
            return None
    return float(total + section + digit) + half


def _value(s: str) -> float | None:
    if s[0].isdigit():
        try:
            return float(s.replace(",", ""))
        except ValueError:
            return None
    return parse_chinese_numeral(s)


def _percent(v: str) -> float | None:
    """The number after 百分之: ``四十`` → 40, ``五十八点六`` → 58.6, ``12.5`` → 12.5."""
    whole, _, tenths = v.partition("点")
    value = _value(whole)
    if value is None or not tenths:
        return value
    return value + float("0." + "".join(str(_CN_DIGITS[c]) for c in tenths))


_MUL = {"万": 10_000.0, "千": 1_000.0, "亿": 100_000_000.0}


def _before_comparison(folded: str, s: int) -> tuple[str | None, bool]:
    """Nearest comparison keyword before ``s`` in the same clause, and whether it is a
    'verb + 到/至' level statement."""
    lo = max(0, s - 12)
    window = folded[lo:s]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    found = list(_CMP_RE.finditer(window))
    if not found:
        return None, False
    last = found[-1]
    kind = _CMP_WORD[last.group()]
    rest = window[last.end() :]
    if kind in ("decrease", "increase") and _LEVEL_AFTER_RE.match(rest):
        return None, True
    return kind, False


_TITLE_RE = re.compile(r"《[^《》\n]{1,80}》")
_CLAUSE_BACK = re.compile(r"[^,;。:!?\n、()]*$")
_SENT_BACK = re.compile(r"[^。!?\n]*$")
_SENT_END = re.compile(r"[。!?\n]")
# words between the counted noun and the number ("学生共有670人" → 学生)
_LINK_RE = re.compile(
    r"(?:共有|现有|共计|合计|累计|总计|达到|约为|共|有|计|达|为|是|约|近|占|其中|仅|另|平均|"
    + "|".join(sorted(map(re.escape, _CMP_WORD), key=len, reverse=True))
    + r")+$"
)
_NOUN_HEAD_RE = re.compile(r"^(?:其中|全校|全县|全区|全镇|全市|全乡|我校|学校|现有|共有)+")
_NOUN_SPLIT_RE = re.compile(r".*(?:有|为|达|是|的|了|对|给|向|由|从|将|把)")
# a clause ending in a verb ("每周开展一次作业检查"): the noun follows the number
_VERB_END = frozenset("展开织办行受设放发动请增少加减消绝理并到在过于出建立评聘批查")
_AFTER_NOUN_RE = re.compile(r"[\u4e00-\u9fff]{1,8}")
_AFTER_STOP_RE = re.compile(r"[的全均都参开已在中和与及共将被是有进从到达实占]")
# A Chinese-numeral count of times (一次, 两次) is a quantity after a verb or a frequency
# ("开展一次", "每学年组织两次"), not in "数据一次采集" or "一次性".
_COUNT_BEFORE = frozenset("了展行办织开召测查过共仅少于多至有进加接受做搞排")
_CN_NUMS = frozenset("一二两三四五六七八九十")
#: ...or at the end of its clause ("召开家长会两次。", "每月会商一次，")
_CLAUSE_END = frozenset(",;。!?、\n")
#: words before a bare 百/千 that make it a round figure (近百名, 上千人, 逾百所)
_ROUGHLY = frozenset(("近", "上", "逾", "超", "约", "将近", "接近"))
#: units written with the classifier 个: the same unit ("一个小时" is 1 小时)
_UNIT_ALIASES = {"个小时": "小时", "个学期": "学期", "个工作日": "工作日", "节课": "节"}
#: words after which 一 + any measure word is a count, not an article
_ONE_COUNTS = (
    "至少",
    "不少于",
    "不超过",
    "最多",
    "仅有",
    "只有",
    "仅",
    "只",
    "明确",
    "指定",
    "配备",
    "选派",
    "安排",
    "确定",
    "设立",
    "聘请",
    "增设",
)
#: units that 个 classifies ("两个课时" is 2 课时, not 2 个)
_AFTER_GE = frozenset("课时 学时 节课 工作日 百分点 星期".split())
#: the period of a frequency (每两周一次, 每三个月一次)
_PERIOD_UNITS = frozenset("周 天 个月 月 学期 个学期 年 小时 个小时 星期".split())
_COUNT_NEXT_RE = re.compile(r"[一两二三四五六七八九十\d]{1,3}次")
#: time units: a quantity of years is a time phrase (一年来, 下半年, 经过两年探索, 两年内)
_TIME_ONLY_UNITS = frozenset(("年",))


def _noun(folded: str, s: int, e: int, clause_start: int) -> str:
    """What the number at ``s:e`` counts (see :class:`Quantity`)."""
    before = folded[clause_start:s].strip()
    before = _LINK_RE.sub("", before)
    sm = _NOUN_SPLIT_RE.match(before)
    if sm and len(before) - sm.end() >= 2:
        before = before[sm.end() :]
    before = _NOUN_HEAD_RE.sub("", before)
    if len(before) >= 2 and before[-1] not in _VERB_END and not any(c.isdigit() for c in before):
        return before[-8:]
    am = _AFTER_NOUN_RE.match(folded, e)
    if am:
        after = am.group()
        st = _AFTER_STOP_RE.search(after, 1)
        if st:
            after = after[: st.start()]
        if len(after) >= 2:
            return after
    return before[-8:] if len(before) >= 2 else ""


_CLAUSE_BREAK_RE = re.compile(r"[,;。:!?\n、()]")
_SENT_BREAK_RE = re.compile(r"[。!?\n]")


class _Breaks:
    """Clause and sentence boundaries of a text, found once and looked up by bisection."""

    def __init__(self, folded: str) -> None:
        self.folded = folded
        self.clause = [m.end() for m in _CLAUSE_BREAK_RE.finditer(folded)]
        self.sent = [m.start() for m in _SENT_BREAK_RE.finditer(folded)]

    def context(self, q: Quantity) -> Quantity:
        s, e = q.start, q.end
        i = bisect_right(self.clause, s) - 1
        cs = max(self.clause[i] if i >= 0 else 0, s - 60)
        j = bisect_right(self.sent, s - 1) - 1
        ss = self.sent[j] + 1 if j >= 0 else 0
        k = bisect_left(self.sent, e)
        if k < len(self.sent):
            se = self.sent[k] + (self.folded[self.sent[k]] != "\n")
        else:
            se = len(self.folded)
        return Quantity(
            q.text,
            q.value,
            q.value_max,
            q.unit,
            q.comparison,
            q.masked,
            s,
            e,
            _noun(self.folded, s, e, cs),
            cs,
            ss,
            se,
        )


def find_numbers(text: str, folded: str, ignore: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """All quantities (see module docstring for the rules).

    Numbers inside ``ignore`` spans (website residue) and inside document titles
    (``《…八条措施》``) are not quantities. A line break that splits a figure (a PDF's hard
    wrap: ``897\n人``, ``60分\n钟``) is read through; the quantity's span then holds it.
    """
    out: list[Quantity] = []
    n = len(folded)
    breaks = _Breaks(folded)
    skip_spans = sorted([*ignore, *(m.span() for m in _TITLE_RE.finditer(folded))])
    soft = _soft_breaks(folded)
    scan_text, scan_folded = (_cut(text, soft), _cut(folded, soft)) if soft else (text, folded)
    k = 0
    for m in _NUM_RE.finditer(scan_folded):
        kind = m.lastgroup
        if kind == "skip":
            continue
        if kind == "num":
            quantity = _plain_quantity(m, scan_text, scan_folded)
            if quantity is None:
                continue
        else:
            quantity = _other_quantity(m, kind, scan_text, scan_folded)
        if soft:
            quantity = _uncut(quantity, text, soft)
        s, e = quantity.start, quantity.end
        while k < len(skip_spans) and skip_spans[k][1] <= s:
            k += 1
        if k < len(skip_spans) and skip_spans[k][0] <= s:
            continue
        out.append(breaks.context(quantity))
        if e >= n:
            break
    return out


_DIGIT_UNITS = sorted({u[0] for u in _UNITS} | {"%"})
# A hard line break inside a figure: between digits followed by a unit, between a number
# and its unit, or inside a unit of two or more characters after a number.
_AFTER_DIGIT_BREAK_RE = re.compile(
    r"\d*[余多]?[" + "".join(map(re.escape, _DIGIT_UNITS)) + r"]|[至到~\-—–]\d"
)
_CN_NUMERAL_CHARS = frozenset("零〇一二两三四五六七八九十百千万")
_AFTER_NUMERAL_BREAK_RE = re.compile(
    "[零〇一二两三四五六七八九十百千]{1,6}[" + "".join(map(re.escape, _DIGIT_UNITS)) + "]"
)
_UNIT_TAILS: dict[str, tuple[str, ...]] = {}
for _u in _UNITS:
    for _i in range(1, len(_u)):
        _UNIT_TAILS[_u[:_i]] = (*_UNIT_TAILS.get(_u[:_i], ()), _u[_i:])
# a line break after a character that can end the first half of a split figure
_BREAK_AFTER_RE = re.compile(
    "[\\d十百千万" + "".join(sorted({h[-1] for h in _UNIT_TAILS})) + "]\\r?\\n"
)


def _soft_breaks(folded: str) -> list[int]:
    """Where a line break (with a ``\\r`` before it) splits a figure."""
    out = []
    for m in _BREAK_AFTER_RE.finditer(folded):
        at = m.start() + 1
        if _splits_figure(folded, at, m.end()):
            out.append(at)
    return out


def _splits_figure(folded: str, at: int, nxt: int) -> bool:
    if "0" <= folded[at - 1] <= "9":
        return _AFTER_DIGIT_BREAK_RE.match(folded, nxt) is not None
    if folded[at - 1] in "十百千万" and folded[at - 2 : at - 1] in _CN_NUMERAL_CHARS:
        return _AFTER_NUMERAL_BREAK_RE.match(folded, nxt) is not None  # 二百\n一十五份
    for k in (1, 2, 3):
        head = folded[at - k : at]
        tails = _UNIT_TAILS.get(head)
        if tails and at > k and "0" <= folded[at - k - 1] <= "9":
            if folded.startswith(tails, nxt):
                return True
    return False


def _cut(s: str, at: Sequence[int]) -> str:
    """``s`` without the line breaks (and a ``\\r`` before one) starting at ``at``."""
    parts, prev = [], 0
    for a in at:
        parts.append(s[prev:a])
        prev = s.index("\n", a) + 1
    parts.append(s[prev:])
    return "".join(parts)


def _uncut(q: Quantity, text: str, at: Sequence[int]) -> Quantity:
    """``q`` found in the cut text, with its offsets in ``text``."""
    removed = 0
    s = e = -1
    for a in at:
        cut_at = a - removed  # where the break stood in the cut text
        if s < 0 and cut_at > q.start:
            s = q.start + removed
        if cut_at >= q.end:
            break
        removed += text.index("\n", a) + 1 - a
    if s < 0:
        s = q.start + removed
    e = q.end + removed
    return Quantity(text[s:e], q.value, q.value_max, q.unit, q.comparison, q.masked, s, e)


def _plain_quantity(m: re.Match[str], text: str, folded: str) -> Quantity | None:
    """A written number with its unit ("38个班", "两次", "2–2.5小时"), or None if the match is
    a time phrase, an ordinal, a slogan or a number with nothing to count."""
    s, e = m.span()
    a = m.group("a")
    unit = m.group("unit") or m.group("u1") or ""
    b = m.group("b")
    if b is None and m.group("u1") and m.group("unit"):
        if m.group("u1") == "个" and unit in _AFTER_GE:
            pass  # "两个课时": 个 classifies the unit
        else:
            # "38个班": the measure word is the unit, the next word its noun
            unit = m.group("u1")
            e = m.end("u1")
    if not any(c in _CN_DIGITS or c == "十" for c in a) and not a[0].isdigit():
        roughly = folded[s - 2 : s] in _ROUGHLY or folded[s - 1 : s] in _ROUGHLY
        if a in ("百", "千") and roughly:
            # 近百名, 上千人: a round figure, approximately
            va = 100.0 if a == "百" else 1000.0
            return Quantity(text[s:e], va, None, unit, "approx", False, s, e) if unit else None
        if a != "半" and not a.endswith("个半"):
            return None
    if unit == "对" and (
        not a[0].isdigit() or folded[e : e + 1] in _CN_DIGITS or folded[e : e + 1].isdigit()
    ):
        return None  # 28对 pairs; not 1对1辅导 (one-to-one), nor 每周五对各班 (a preposition)
    va = _value(a)
    if va is None:
        return None
    is_cn = not a[0].isdigit()
    if unit in _TIME_ONLY_UNITS or (s and folded[s - 1] == "届"):
        return None  # time phrases; sessions (九届十二次全会)
    if unit == "周" and folded[e : e + 1] == "年":
        return None  # 建党102周年: an anniversary
    if s and folded[s - 1] == "每" and unit in _PERIOD_UNITS and _COUNT_NEXT_RE.match(folded, e):
        return None  # "每两周一次": the period of a frequency; the count after it is the figure
    if is_cn and not _chinese_numeral_counts(a, unit, folded, s, e):
        return None
    va, vb = _scaled(m, va, b, unit)
    if unit == "年" and not is_cn and va >= 1000:
        return None
    unit = _UNIT_ALIASES.get(unit, unit)
    if unit == "万人":
        unit, va = "人", va * 10_000
        vb = vb * 10_000 if vb is not None else None
    # short quoted slogans and names of practices: “三个一”, "综合查一次"
    if _quoted(folded, s, e):
        return None
    cmp_, level = _before_comparison(folded, s)
    if not unit and cmp_ is None:
        return None
    if cmp_ is None and not level:
        after = m.group("after")
        if after:
            cmp_ = _AFTER_CMP[after]
        elif m.group("aa") or m.group("ba"):
            cmp_ = "approx"
    if is_cn and (unit == "分" or (unit == "字" and not any(c in "百千万" for c in a))):
        return None  # 十分 (very), 八字方针; but 一万二千字 is a length
    return Quantity(text[s:e], va, vb, unit, cmp_, False, s, e)


def _quoted(folded: str, s: int, e: int) -> bool:
    """Whether ``s:e`` stands inside a short quotation (at most 6 characters before it)."""
    before = folded[max(0, s - 6) : s]
    opened = max(before.rfind(q) for q in _OPEN_QUOTES)
    if opened < 0 or any(q in before[opened + 1 :] for q in _CLOSE_QUOTES):
        return False
    return any(q in folded[e : e + 4] for q in _CLOSE_QUOTES)


def _chinese_numeral_counts(a: str, unit: str, folded: str, s: int, e: int) -> bool:
    """Whether a Chinese numeral is a quantity: it needs a unit; 一次/两次 only as a counted
    word (开展一次, 召开两次 — not 一次性, 数据一次采集); 一 only with the units it counts."""
    if not unit:
        return False
    if unit == "次" and a in _CN_NUMS and len(a) == 1:
        nxt = folded[e : e + 1]
        return nxt != "性" and (
            (s and folded[s - 1] in _COUNT_BEFORE) or nxt in _CLAUSE_END or _frequency(folded, s)
        )
    if a == "一" and s and folded[s - 1] == "每":
        return False  # 每一节课, 每一份作业: "every", not a count
    if a == "一" and unit not in _ONE_UNITS:
        # mostly an article (一名教师说); a count after a bound or an assignment
        # (至少提交一份, 仅有一块, 明确一名副校长)
        if folded[max(0, s - 3) : s].endswith(_ONE_COUNTS) or folded[e : e + 1] in _CLAUSE_END:
            return True  # ... or a count standing at the end of its clause (教学楼一栋，)
        return _before_comparison(folded, s)[0] in ("lower_bound", "upper_bound")
    return True


def _frequency(folded: str, s: int) -> bool:
    """Whether the clause before ``s`` states a period (每月收集整理一次)."""
    window = folded[max(0, s - 14) : s]
    cut = max(window.rfind(c) for c in ",;。!?:\n")
    return "每" in window[cut + 1 :]


def _scaled(m: re.Match[str], va: float, b: str | None, unit: str) -> tuple[float, float | None]:
    """Both ends of a number or range with their 万/千 multipliers applied."""
    if m.group("mul") and unit not in ("万元", "亿元"):
        va *= _MUL[m.group("mul")]
    vb = None
    if b is not None:
        vb = _value(b)
        if vb is not None and m.group("mul2"):
            vb *= _MUL[m.group("mul2")]
        if vb is not None and vb < va:
            vb = None
    return va, vb


def _other_quantity(m: re.Match[str], kind: str | None, text: str, folded: str) -> Quantity:
    """A percentage, a 成 (三成 = 30 %), or a masked figure (参与率*.*%, **个)."""
    s, e = m.span()
    cmp_, _ = _before_comparison(folded, s)
    if kind == "pct":
        return Quantity(text[s:e], _percent(m.group("pctv")), None, "%", cmp_, False, s, e)
    if kind == "cheng":
        v = parse_chinese_numeral(folded[s])
        return Quantity(text[s:e], (v or 0) * 10, None, "%", cmp_, False, s, e)
    raw = folded[s:e]
    if kind == "maskpct":
        unit = "%"
    elif kind == "maskwan":
        unit = "万元"
    else:
        unit = raw.lstrip("*.xX× \t")
    return Quantity(text[s:e], None, None, unit, cmp_, True, s, e)


_LABEL_TAIL_RE = re.compile(r"(?:人数|数量|总数|数|率|时长|时间|[(（][^)）]*[)）])+$")
_SAME_UNITS = ({"人", "名", "位"}, {"分钟", "小时"}, {"个", "项", "件"})


def _common(a: str, b: str) -> int:
    """Length of the longest common substring of two short strings."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def noun_matches(noun: str, field_label: str) -> bool:
    """Whether a figure counting ``noun`` can be the form field ``field_label``: the
    noun, or at least four of its characters, stand in the label (``在校学生`` ~
    ``在校学生数``, ``学生`` ~ any student count; ``专任教师`` and ``在校学生`` are not
    ``参加课后服务学生数``)."""
    core = _LABEL_TAIL_RE.sub("", field_label.strip()) or field_label
    if len(noun) < 2 or not core:
        return False
    return _common(noun, core) >= min(len(noun), len(core), 4)


def match_figure(quantities: Sequence[Quantity], field_label: str, unit: str) -> Quantity | None:
    """The first unmasked quantity in ``unit`` (or a unit of the same kind: 人/名/位,
    分钟/小时) whose noun matches ``field_label`` — the figure a form field is compared
    with; ``None`` when the text states no such figure."""
    units = next((g for g in _SAME_UNITS if unit in g), {unit})
    for q in quantities:
        if q.masked or q.value is None or q.unit not in units:
            continue
        if noun_matches(q.noun, field_label):
            return q
    return None
