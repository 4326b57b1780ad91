"""Burden signals: the report itself describes the formalism the policies forbid.

Keywords: materials compiled for an inspection (``整理台账``, ``台账资料``, ``档案材料``,
``迎检``, ``汇报材料``, ``制作展板``, ``专题片``), screenshots or trace-keeping as proof
(``截图``, ``拍照留痕``, ``留痕``, ``打卡``), participation quotas for apps (``下载率``,
``注册率``, ``关注``/``点赞``/``投票``/``转发`` …), teachers seconded (``抽调``, ``借用教师``,
``借调``).

A mention is *negated* — it states the policy, not the practice — when the same clause
(text since the last ``，；。！？：``) before the keyword holds ``不得/严禁/杜绝/禁止/不再/取消/
不准/不要/避免/防止/减少/清理/整治/纠正/改变/没有/未/无/拒绝/清退/规范/反对/不搞/不以`` or the
keyword is followed by ``现象/问题`` (naming an abuse).  Negated mentions are not signals.
The span is the sentence (up to ``。！？；`` or the line end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BurdenSignal", "find_signals"]

_KW = re.compile(
    r"整理台账|台账资料|迎检台账|完善台账|补做台账|档案材料|佐证材料|迎检|迎接检查|汇报材料|"
    r"制作展板|展板|专题片|宣传片|汇报片|截图|拍照留痕|留痕|拍照|打卡截图|打卡留痕|签到打卡|"
    r"要求[^,。;\n]{0,8}打卡|下载率|注册率|关注率|参与率要求|点赞|投票|转发率|刷票|抽调|借用教师|借调|借用[^\n,。]{0,4}教师"
)
_NEG = re.compile(
    r"不得|严禁|杜绝|禁止|不再|取消|不准|不要|避免|防止|减少|清理|整治|纠正|改变|没有|未|无|拒绝|"
    r"清退|规范|反对|不搞|不以|不能|严控|控制|不允许|不必|不需|不用|克服|破除|摒弃|治理|替代|代替|取代"
)
_AFTER_NEG = re.compile(
    r"^[^,;。!?:\n]{0,12}?(?:现象|问题|行为|之风|进行梳理|进行清理|进行整改|清退|整改)"
)
_CLAUSE = re.compile(r"[,;。!?:\n]")
_SENT = re.compile(r"[。!?;\n]")


@dataclass(frozen=True, slots=True)
class BurdenSignal:
    """A passage describing formalism (``text == source[start:end]``)."""

    text: str
    start: int
    end: int
    keyword: str = ""


def find_signals(text: str, folded: str) -> list[BurdenSignal]:
    """Non-negated burden keywords, reported by sentence (one signal per sentence)."""
    out: list[BurdenSignal] = []
    n = len(folded)
    last_end = -1
    for m in _KW.finditer(folded):
        s = m.start()
        if s < last_end:
            continue
        cs = 0
        lo = max(0, s - 60)
        for cm in _CLAUSE.finditer(folded, lo, s):
            cs = cm.end()
        cs = max(cs, lo)
        if _NEG.search(folded, cs, s):
            continue
        if _AFTER_NEG.match(folded[m.end() : m.end() + 12]):
            continue
        ss = max(0, s - 200)
        for sm in _SENT.finditer(folded, ss, s):
            ss = sm.end()
        em = _SENT.search(folded, m.end(), min(n, m.end() + 300))
        se = em.end() if em and folded[em.start()] != "\n" else (em.start() if em else n)
        while ss < se and folded[ss] in " \t\r":
            ss += 1
        out.append(BurdenSignal(text[ss:se], ss, se, m.group()))
        last_end = se
    return out
