"""Unfilled template blanks.

Found (on the folded text, see :mod:`.text`):

* ``xx`` / ``XX`` / ``xxx`` / ``20xx`` / ``20XX`` / ``××`` — two or more, not inside a
  Latin word (``Excel``, ``xxxHub``-like identifiers are left alone);
* a lone ``X``/``x`` in a numeric slot, i.e. right before a counter (``X个月``, ``x次``,
  ``X%``), never after a digit or ``+`` (``1+x``, ``3x3``);
* ``*`` masks of any length, also ``*.*`` and inside words (``学**惯``);
* ``_`` runs: three or more anywhere, shorter runs when they stand in for a word
  (``20_年``, ``推动_和``) but not inside identifiers (``file_name``);
* ``【】``, ``{}``, empty ``()``;
* a date's day left blank (``2023年9月  日``), ``○○`` / ``□□`` (two or more),
  ``【上级文件名称】``-style brackets naming what to fill in,
  ``（此处填写…）`` / ``（请填写…）`` instructions;
* label lines left empty: ``组长:`` / ``负责人：`` / ``联系电话：`` with nothing after the colon.

* a single ``x``/``X``/``×`` standing for a place name (``x县``, ``x市``, ``x区``, ``x教``),
  ``202x`` / ``20x`` years, ``某某`` (two or more ``某``; ``某校`` is a plain word), a
  document number's ``〔2023〕×号``;
* an ellipsis standing for a whole item: ``一是……；二是……。``, ``措施：……`` (an ellipsis
  inside a sentence, eliding a quotation, is not a blank).

``1+x``, ``5+2``, ``6+2`` (programme names) and ``3x3`` are not placeholders.

Gaps (缺数字, :func:`find_gaps`): a measure word whose number was left out —

* straight after ``了`` / ``共`` / ``共有`` / ``累计`` … or a counting verb (``开展``, ``召开``,
  ``制定``, ``发放`` …): "共开展了次专项检查", "制定了项整改措施", "共有名教师";
* or after a noun and right before punctuation: "发放调查问卷份，"; "开展家访户，" and
  "检查学生作业本本，" (户 after 访 only: 农户, 贫困户 are words), and 人/名 after the
  people a report counts: "参与学生人，";
* 人/天/元/门 after 共/共有/累计/合计 ("全校学生共人", "累计天", "共计元", "课程共门"), a
  measure word after 的 at the end of a clause ("由原来的类，"), 个 at the end of a clause
  ("摊派事项个，");
* a ``%`` right after a word: "参与率达到%" (a ``%`` after a blank is a masked figure,
  :mod:`.numbers`).

Precision guards: the measure word must not start a word (``项目``, ``名单``, ``个别``,
``家长``, ``所有``, ``次数`` …) nor end one (``每次``, ``本次``, ``此次``, ``多次``, ``首次``,
``该项``, ``各项``, ``逐项``, ``专项``, ``事项``, ``层次`` …), and no digit or numeral may stand
before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["Gap", "Placeholder", "find_gaps", "find_placeholders"]

_COUNTERS = "个次名人所天周年月日项件份节元万%分小时篇条家起户场期门本届课位"
_LABELS = (
    "组长|副组长|组员|成员|负责人|联系人|联系电话|电话|手机|邮箱|填报人|审核人|审核|"
    "填报日期|日期|时间|地点|单位|学校名称|学校|签名|签字|盖章|校长|主任|分管领导|"
    "责任人|经办人|监督电话|举报电话"
)
_SPACED_LABEL = r"(?:[\u4e00-\u9fff][ \t\u3000]*){1,4}[\u4e00-\u9fff]"

_PH_RE = re.compile(
    r"""
    # fast reject: a blank starts with one of these characters (label lines: at a line start)
    (?=[\dxX×*_【{(\[某….。○□ ])
    (?:
      (?<![A-Za-z0-9+])(?:20)?[xX]{2,}(?![A-Za-z])
    | (?:20)?×{2,}
    | (?<![A-Za-z0-9+.])[xX×](?=[ \t]*(?:["""
    + _COUNTERS
    + r"""]))
    | (?<![A-Za-z0-9+.])20\d?[xX×](?![A-Za-z])
    | (?<![A-Za-z0-9+.\-])[xX×](?=[县市区镇乡村省州校教局号])
    | (?:(?<=[一二三四五六七八九十]是)|(?<=[:)、])|(?<=\d\.))(?:…{2,}|\.{3,}|。{3,})
      (?=[ \t]*(?:[;。,\n]|$))
    | (?<=[年月])[ \t\u3000]{2,}(?=[月日])
    | 某{2,} | [○□]{2,}
    | 【[^】\n]{0,12}(?:名称|填写|姓名|日期|时间|单位|内容|数字|文号|补充|此处)[^】\n]{0,12}】
    | 【[xX×]{1,3}】 | \[[xX×]{1,3}\]
    | \[[^\]\n]{0,8}(?:名称|填写|姓名|日期|时间|单位|内容|数字|数量|人数|文号|地点)\]
    | (?<![A-Za-z0-9.])\d{1,4}[xX]{2,}(?![A-Za-z])
    | \((?:此处|请在此处?|请)?填写[^)\n]{0,30}\)
    | \*+(?:\.\*+)?
    | (?<![A-Za-z0-9_])(?:20)?_+(?![A-Za-z0-9_])
    | _{3,}
    | 【[ \t]*】 | \{[ \t]*\} | \([ \t]*\)
    )
    | (?P<label>(?m:^)[ \t]*"""
    + _SPACED_LABEL
    + r"""[ \t]*:[ \t]*(?m:$))
    """,
    re.VERBOSE,
)
_LABEL_WORDS = re.compile(rf"^(?:{_LABELS})$")
_WS = re.compile(r"[ \t\u3000]+")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """An unfilled blank: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


def find_placeholders(
    text: str, folded: str, ignore: Sequence[tuple[int, int]] = ()
) -> list[Placeholder]:
    """All template blanks in ``text`` (``folded`` is ``fold(text)``).

    Nothing inside an ``ignore`` span (website residue) is the school's blank: an ``_``
    there is a separator ("自查报告_范文网"), an ``XX`` or ``【】`` is the site's or an AI
    answer's own wording ("请将文中“XX”替换为实际数据").
    """
    out: list[Placeholder] = []
    for m in _PH_RE.finditer(folded):
        s, e = m.span()
        if any(a <= s < b for a, b in ignore):
            continue
        if m.group("label") is not None:
            raw = folded[s:e]
            label = _WS.sub("", raw).rstrip(":")
            if not _LABEL_WORDS.match(label):
                continue
            # span = the label and its colon, without surrounding blanks
            s += len(raw) - len(raw.lstrip(" \t\u3000"))
            e = s + len(raw.strip(" \t\u3000"))
        out.append(Placeholder(text[s:e], s, e))
    return out


@dataclass(frozen=True, slots=True)
class Gap:
    """A figure left out (缺数字): ``text == source[start:end]`` is the word before the
    measure word and the measure word (``了次``, ``问卷份``)."""

    text: str
    start: int
    end: int


_GAP_VERBS = (
    "开展|召开|举办|举行|组织|制定|制订|发放|收回|回收|印发|下发|出台|建立|开设|成立|设立|配备|"
    "聘请|评选|表彰|新增|受理|查处|发现|走访|梳理|取消|清理|合并|接受|培训|排查|关停|出动|拒绝|"
    "精简|压减|开设|征集|收集|处理|整改|提出|完成|参与|参加|覆盖|涉及|听课|评课|授课|家访|督查|检查|巡查|抽查"
)
_GAP_MEASURES = "次项名个份场期条篇件家所节批轮"
# measure word + next character that make a word, not a count
_GAP_WORD_AFTER = frozenset(
    "次数 次要 次日 次序 次性 项目 名单 名称 名义 名额 名校 名师 名列 名字 个别 个性 个人 个体 "
    "个案 份额 场所 场地 场景 场馆 场次 期间 期末 期中 期限 期望 期待 期刊 条件 条例 条款 条理 "
    "篇幅 篇章 件事 家长 家庭 家访 家校 家委 家乡 家务 家教 家风 所有 所在 所属 所以 所得 所谓 "
    "所需 节日 节约 节假 节点 节奏 节目 节数 批评 批准 批示 批次 批改 轮流 轮岗 轮换 轮训 "
    "轮休 轮值 轮班 "
    "条块 条、".split()
)
# people counted in a report; "参与学生人，" has lost the number before 人
_COUNTED = "(?:" + "|".join("学生 教师 老师 家长 幼儿 儿童 师生 职工 人员 党员 干部".split()) + ")"
_GAP_RE = re.compile(
    # fast reject: the first characters of the triggers and of the measure words
    r"(?=[了共累合总"
    + "".join(sorted({v[0] for v in _GAP_VERBS.split("|")}))
    + r"份次项条篇户人名本%个天类的元门小张节分所])"
    rf"(?:(?P<trig>了|共有|共计|累计|合计|总计|共|{_GAP_VERBS})(?P<m>[{_GAP_MEASURES}])"
    rf"|(?<=[\u4e00-\u9fff])(?P<m2>[份次项条篇个])(?=[,;。、:!?])"
    rf"|(?<={_COUNTED})(?P<m3>[人名])(?=[,;。、:!?])"
    r"|(?P<m4>(?<=本)本|(?<=[访庭])户)(?=[,;。、:!?])"
    r"|(?:(?<=共有|共计|累计|合计|总计)(?P<m6>[人天元门])|(?<=[^公总]共)(?P<m8>[人门]))"
    r"(?![才员民数次均口事生文力们格身类])"
    r"|(?<=的)(?P<m7>[类项个次份条篇名])(?=[,;。、:!?])"
    r"|(?<=不超过|不少于|不低于|控制在|减少到|减少至|压减到|压减至|精简到|增加到)"
    r"(?P<m9>分钟|小时|[次个项人名张份元天所门节篇条%])"
    r"|(?<=达到|[^到]达)(?P<m10>人次|[%次项个篇所元])"
    r"|(?<=[^大]约)(?P<m11>人次|[%次项篇所元])"
    rf"|(?:共有|共计|累计|合计|总计){_COUNTED}(?P<m12>[人名])"
    r"|(?<=[\u4e00-\u9fff])(?P<m5>%))"
)
# characters before a measure word that make a word with it (每次, 各项, 专项, 层次 …)
_GAP_WORD_BEFORE = frozenset(
    "每本此该多首这那历层名档依其再屡逐各单专事款选立强弱列人车班台家频架艘户航场批"
    "整哪某真身股月年省成类链面金封便苗萧线"
)
# 名 after a verb is mostly "famous" (开展名教师评选); as a count it follows 了/共/共有
_NAME_TRIGGERS = frozenset(("了", "共", "共有", "共计", "累计", "合计", "总计"))
_NUMERALS = frozenset("0123456789零〇一二两三四五六七八九十百千万几数半余多")


def _overlapping_matches(folded: str) -> Iterator[re.Match[str]]:
    """Every match of ``_GAP_RE``, also one that starts inside an earlier match (共家访次:
    共家 is tried and refused as a count of 家, then 家访次 is found)."""
    pos = 0
    while (m := _GAP_RE.search(folded, pos)) is not None:
        yield m
        pos = m.start() + 1


def find_gaps(text: str, folded: str, ignore: Sequence[tuple[int, int]] = ()) -> list[Gap]:
    """Measure words whose number was left out (see module docstring)."""
    out: list[Gap] = []
    for m in _overlapping_matches(folded):
        g = m.lastgroup if m.lastgroup != "trig" else "m"
        ms = m.start(g)
        if ms == 0:
            continue
        word = folded[ms : ms + 2]
        if word in _GAP_WORD_AFTER:
            continue
        prev = folded[ms - 1]
        if prev in _NUMERALS:
            continue
        if g == "m2" and prev in _GAP_WORD_BEFORE:
            continue
        if g == "m" and word[0] == "名" and m.group("trig") not in _NAME_TRIGGERS:
            continue
        s, e = ms - 1, m.end(g)
        if any(a <= s < b for a, b in ignore) or (out and ms < out[-1].end):
            continue  # in residue, or the measure word of the gap just found
        out.append(Gap(text[s:e], s, e))
    return out
