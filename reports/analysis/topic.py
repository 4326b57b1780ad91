"""Topic and genre.

Topic is reported as the **share of paragraphs on topic**: each paragraph (line) whose
words point to a domain is on topic when the campaign's preset weighs at least as much
as any other domain in it, off topic when another domain weighs more (at least
``MIN_OFF_EVIDENCE``); paragraphs with no domain word are neutral (a heading, a sentence of
figures). ``score`` = on / (on + off) and the off-topic paragraphs are named
(``off_paragraphs``), so a speech that is half about 均衡发展 shows ~40 % and the
reviewer sees which paragraphs are not about the task. ``off_topic`` is ``score <
OFF_TOPIC_SHARE``. Long paragraphs (``SILENT_PARAGRAPH`` characters or more) that name no
domain at all are prose about something the lexicons do not know (a party lecture, a
festival speech); when they outnumber the paragraphs that name a domain, the surplus
counts against the preset: ``score`` = on / (on + off + surplus), so a speech with one
双减 sentence in six paragraphs is not "fully on topic". A text with no domain word at all
falls back to the whole-text rule below (score 0: off topic).

Lexicons: a weighted list per domain.  Besides the three campaign presets (``shuangjian``
student burden, ``teacher`` teacher burden, ``grassroots`` grassroots burden) there are
lexicons for the off-topic domains met in the corpus (enterprise burden, farmer burden,
water conservancy / other government work).  All keywords are counted in one regex pass.

``score`` for the requested preset is its share of all domain evidence, damped for texts
with little evidence at all: ``w_p / max(Σ w, FLOOR)`` (``FLOOR`` makes a 100-character
text with one 作业 mention not "fully on-topic").  ``off_topic`` is ``score < 0.35`` — the
preset does not carry at least about a third of the domain vocabulary (calibrated on
``shared/corpus/index.json``; see ``tests/analysis/test_topic_genre.py`` for the measured
agreement).

Genre: cue counts for plan / reflection / news / speech / notice against report cues;
the highest weighted cue score wins, ``report`` by default.  index.json's ``notice``,
``fragment`` and ``residue`` map to ``other`` (a fragment or website chrome is not a
report).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["GENRES", "TopicScore", "detect_genre", "domain_weights", "score_topic"]

PRESETS = ("shuangjian", "teacher", "grassroots")
OFF_TOPIC_SHARE = 0.5
MIN_OFF_EVIDENCE = 1.5
#: a paragraph this long that names no domain at all is prose about something else
SILENT_PARAGRAPH = 60
#: off-topic paragraphs named at most (the count is in ``paragraphs_off``)
NAMED_PARAGRAPHS = 10
#: where each lexicon's words come from (the policy texts of each preset; the off-topic
#: domains from the documents met in the corpus and in real misfiled submissions)
SOURCES: dict[str, str] = {
    "shuangjian": "中办 国办《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》"
    "（2021）；教育部关于作业、睡眠、手机、读物、体质管理的五个通知（2021）",
    "teacher": "中办 国办《关于减轻中小学教师负担进一步营造教育教学良好环境的若干意见》"
    "（2019）及各省减负清单；教师自述中的说法（填表多、材料多、与教学无关的事务）",
    "grassroots": "中办《关于解决形式主义突出问题为基层减负的通知》（2019）；"
    "《关于统筹规范督查检查考核工作的通知》（2019）",
    "enterprise": "国务院关于减轻企业负担、优化营商环境的文件（误交材料）",
    "farmer": "关于减轻农民负担的文件（误交材料）",
    "other": "水利等其他政府工作材料（语料中的误交材料）",
    "balance": "《国务院关于深入推进义务教育均衡发展的意见》（2012）；《县域义务教育优质均衡"
    "发展督导评估办法》（2017）：均衡发展督导检查的讲话和汇报（误交材料）",
    "safety": "校园安全、食品安全工作的通知和总结（误交材料）",
}
GENRES = ("report", "plan", "reflection", "news", "speech", "other")
OFF_TOPIC_BELOW = 0.35
FLOOR = 20.0

_LEX: dict[str, dict[str, float]] = {
    "shuangjian": {
        "双减": 3,
        "作业": 1.5,
        "课后服务": 3,
        "课后延时": 3,
        "延时服务": 3,
        "托管": 2,
        "校外培训": 3,
        "培训机构": 2,
        "睡眠": 2,
        "手机": 1.5,
        "号码管理": 2,
        "体质": 1.5,
        "五项管理": 3,
        "学生": 0.6,
        "课业负担": 3,
        "学业负担": 3,
        "家庭作业": 2,
        "书面作业": 2,
        "读物": 1.5,
        "课堂教学": 1,
        "小学": 0.5,
        "中小学生": 1.5,
        "家长": 0.6,
        "减负增效": 2,
        "减负提质": 2,
        "素质教育": 1.5,
        "社团": 1,
        "教辅": 1,
        "考试": 0.7,
        "年级": 0.7,
        "阳光体育": 1.5,
        "大课间": 1.5,
        "学习兴趣": 1,
        "教学质量": 0.8,
        "课堂": 0.5,
        "课程": 0.4,
        "补课": 1.5,
        "学生负担": 3,
    },
    "teacher": {
        "教师负担": 4,
        "教师减负": 4,
        "减轻中小学教师": 4,
        "教师不合理": 3,
        "非教学任务": 3,
        "与教育教学无关": 3,
        "社会事务": 3,
        "进校园": 1.5,
        "抽调": 2.5,
        "借用": 2,
        "报表": 2,
        "填表": 2,
        "表格": 1,
        "督查检查": 1.5,
        "检查评比": 1.5,
        "评比考核": 1.5,
        "考核评比": 1.5,
        "摊派": 1.5,
        "政务APP": 2,
        "工作群": 1,
        "佐证材料": 2,
        "教育统计": 2,
        "教书育人": 1,
        "主责主业": 1,
        "材料多": 2,
        "填表多": 2,
        "表格多": 2,
        "与教学无关": 3,
        "非教学": 2,
        "迎检": 2,
        "教师减负清单": 4,
        "减负清单": 2,
    },
    "grassroots": {
        "基层减负": 4,
        "为基层减负": 4,
        "文山会海": 3,
        "精文减会": 3,
        "发文": 1.5,
        "会议": 0.7,
        "开会": 1,
        "文件": 0.6,
        "督查检查考核": 2.5,
        "形式主义": 2,
        "官僚主义": 2,
        "留痕": 1.5,
        "文风": 2,
        "会风": 2,
        "责任状": 2,
        "一票否决": 2,
        "基层干部": 2,
        "只减不增": 2,
        "作风": 1,
        "问责": 1,
        "街道": 1,
        "社区": 0.8,
    },
    "enterprise": {
        "企业": 1.5,
        "涉企": 3,
        "收费": 1,
        "审批": 1.5,
        "中介": 1.5,
        "营商环境": 3,
        "减税降费": 3,
        "纳税": 2,
        "贷款": 2,
        "环保": 2,
        "排污": 2,
        "污染": 1.5,
        "审计": 1.5,
        "执法": 1,
        "经济": 0.8,
        "稳岗": 2,
        "复工复产": 2,
    },
    "farmer": {
        "农民": 2.5,
        "惠农": 3,
        "农户": 2,
        "补贴": 1,
        "村级": 1.5,
        "农村": 1,
        "群防群治": 2,
        "治安": 1.5,
        "会费": 1.5,
        "乱收费": 1,
        "土地": 1,
    },
    "balance": {
        "均衡发展": 3,
        "优质均衡": 3,
        "基本均衡": 3,
        "标准化建设": 2,
        "薄弱学校": 2.5,
        "办学条件": 2,
        "校舍": 1.5,
        "生均": 1,
        "教育经费": 2,
        "教师交流轮岗": 2,
        "控辍保学": 2.5,
        "督导评估": 1.5,
        "资源配置": 1.5,
        "城乡一体化": 2,
        "教育信息化": 1.5,
        "营养改善": 2,
        "建设项目": 1.5,
        "投入": 0.8,
    },
    "safety": {
        "校园安全": 3,
        "安全隐患": 2,
        "应急预案": 2,
        "防溺水": 3,
        "消防": 2,
        "疏散演练": 2,
        "食品安全": 3,
        "食堂": 1.5,
        "留样": 2,
        "校车": 2,
        "门卫": 1.5,
        "保安": 1.5,
        "交通安全": 2,
        "明厨亮灶": 3,
    },
    "other": {
        "水利": 3,
        "治水": 3,
        "水资源": 3,
        "灌区": 3,
        "水库": 3,
        "防洪": 2,
        "农田": 1.5,
        "工程": 0.8,
        "专项资金": 2,
        "中小企业": 1.5,
        "发展改革": 1.5,
    },
}
_KW_WEIGHTS: dict[str, dict[str, float]] = {}
for _dom, _words in _LEX.items():
    for _w, _v in _words.items():
        _KW_WEIGHTS.setdefault(_w.lower(), {})[_dom] = float(_v)
_KW_RE = re.compile("|".join(sorted(map(re.escape, _KW_WEIGHTS), key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class TopicScore:
    """How far a text is about the campaign topic (``score``: share of paragraphs on it)."""

    code: str
    score: float
    off_topic: bool
    paragraphs_on: int = 0
    paragraphs_off: int = 0
    #: the paragraphs about something else: ``start``, ``end``, ``text`` (its first 40
    #: characters), ``domain`` (what it is about instead)
    off_paragraphs: list[dict] = field(default_factory=list)


def domain_weights(folded: str) -> dict[str, float]:
    """Summed keyword weights per domain (one regex pass over lower-cased text)."""
    totals = dict.fromkeys(_LEX, 0.0)
    for kw in _KW_RE.findall(folded.lower()):
        for dom, v in _KW_WEIGHTS[kw].items():
            totals[dom] += v
    return totals


def score_topic(
    folded: str,
    topic: str,
    weights: dict[str, float] | None = None,
    text: str | None = None,
) -> TopicScore:
    """Score ``folded`` for the preset ``topic`` (unknown presets score 0, off-topic).
    ``text`` (same length as ``folded``) is where the named paragraphs are quoted from."""
    on, off, named = 0, 0, []
    source = text if text is not None and len(text) == len(folded) else folded
    paragraphs = _paragraph_weights(folded)
    if weights is None:  # the whole text's weights are the paragraphs' summed: one pass
        weights = dict.fromkeys(_LEX, 0.0)
        for _a, _b, para_weights in paragraphs:
            for dom, v in para_weights.items():
                weights[dom] += v
    silent = 0
    for start, end, para_weights in paragraphs:
        if not para_weights:
            silent += end - start >= SILENT_PARAGRAPH
            continue
        domain = _paragraph_domain(para_weights, topic)
        if domain == topic:
            on += 1
        elif domain is not None:
            off += 1
            if len(named) < NAMED_PARAGRAPHS:
                quote = source[start : start + 40]
                named.append({"start": start, "end": end, "text": quote, "domain": domain})
    total = sum(weights.values())
    own = weights.get(topic, 0.0)
    whole = round(min(1.0, own / max(total, FLOOR)), 3) if total else 0.0
    if on + off:
        score = round(on / (on + off + max(0, silent - on - off)), 3)
        # with plenty of evidence, a text whose vocabulary as a whole is another domain's
        # is off topic even when a majority of its paragraphs touch the preset
        off_topic = score < OFF_TOPIC_SHARE or (total >= FLOOR and whole < OFF_TOPIC_BELOW)
        return TopicScore(topic, score, off_topic, on, off, named)
    return TopicScore(topic, whole, whole < OFF_TOPIC_BELOW)


_PARAGRAPH_RE = re.compile(r"[^\n]+")


def _paragraph_weights(folded: str) -> list[tuple[int, int, dict[str, float]]]:
    """Each non-blank line with its domain weights, from one regex pass over the text."""
    # each line with a non-space character (a regex "[^\n]*\S" scans a long blank line
    # once per position: quadratic on 100,000 spaces)
    spans = [
        (m.start(), m.end()) for m in _PARAGRAPH_RE.finditer(folded) if not m.group().isspace()
    ]
    lowered = folded.lower()
    if len(lowered) != len(folded):  # a character whose lower case is longer: line by line
        return [(a, b, domain_weights(folded[a:b])) for a, b in spans]
    starts = [a for a, _ in spans]
    weights: list[dict[str, float]] = [{} for _ in spans]
    for m in _KW_RE.finditer(lowered):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or m.start() >= spans[i][1]:
            continue
        for dom, v in _KW_WEIGHTS[m.group()].items():
            weights[i][dom] = weights[i].get(dom, 0.0) + v
    return [(a, b, w) for (a, b), w in zip(spans, weights, strict=True)]


def _paragraph_domain(weights: dict[str, float], topic: str) -> str | None:
    """``topic`` when the paragraph is about it, another domain when that one clearly
    weighs more, None when it says nothing either way."""
    own = weights.get(topic, 0.0)
    other, other_weight = max(
        ((d, w) for d, w in weights.items() if d != topic), key=lambda dw: dw[1], default=("", 0.0)
    )
    if other_weight > own and other_weight >= MIN_OFF_EVIDENCE:
        return other
    if own > 0:
        return topic
    return None


_GENRE_CUES: dict[str, dict[str, float]] = {
    "plan": {
        "实施方案": 1.5,
        "工作方案": 1.5,
        "应坚持": 1.5,
        "以下原则": 2,
        "工作机构": 1,
        "服务对象": 1,
        "必须做到": 1,
        "将制定": 1.5,
        "指导思想": 2,
        "工作目标": 2,
        "实施步骤": 3,
        "总体要求": 3,
        "基本原则": 2.5,
        "主要任务": 1.5,
        "工作要求": 1.5,
        "保障措施": 2,
        "制定如下方案": 3,
        "特制定本方案": 3,
        "实施原则": 2.5,
        "组织领导": 1,
    },
    "reflection": {
        "心得体会": 4,
        "心得": 2,
        "体会": 1.5,
        "作为一名": 3,
        "我觉得": 2.5,
        "我认为": 2,
        "我相信": 2,
        "我想": 1.5,
        "我们教师": 1,
        "我的": 1,
        "反思": 0.8,
        "我": 0.6,
        "我们要": 1,
        "作为教师": 2,
        "我们应": 1,
    },
    "news": {
        "记者": 3,
        "日电": 4,
        "讯": 0.6,
        "近日": 2.5,
        "举行": 1.5,
        "出席": 2,
        "主持": 1.5,
        "表示": 1,
        "介绍说": 2,
        "评论": 2,
        "纷纷": 1.5,
        "据了解": 1.5,
        "指出": 0.8,
        "强调": 0.8,
    },
    "speech": {
        "同志们": 8,
        "大家好": 4,
        "讲话": 1.5,
        "我讲": 3,
        "下面我": 2,
        "各位": 1.5,
        "希望": 0.8,
        "一要": 1,
        "二要": 1,
        "谢谢": 2,
        "要": 0.1,
    },
    "notice": {
        "通知如下": 4,
        "特此通知": 4,
        "附件": 2,
        "各省、自治区": 4,
        "计划单列市": 3,
        "现将": 0.5,
        "印发给你们": 4,
    },
    "report": {
        "自查": 2.5,
        "汇报": 1.5,
        "报告如下": 4,
        "总结如下": 4,
        "汇报如下": 4,
        "情况汇报": 3,
        "成效": 1.5,
        "存在的问题": 2.5,
        "存在问题": 2,
        "下一步": 2,
        "我校": 0.6,
        "我局": 1.5,
        "我县": 0.3,
        "我委": 1.5,
        "我街道": 1.5,
        "取得": 0.8,
        "开展了": 1,
        "制定了": 1,
        "召开了": 1,
        "成立了": 1,
        "落实情况": 1.5,
        "工作总结": 1.5,
        "已": 0.2,
        "了": 0.06,
    },
}
_GENRE_KW: dict[str, list[tuple[str, float]]] = {}
for _g, _cues in _GENRE_CUES.items():
    for _w, _v in _cues.items():
        _GENRE_KW.setdefault(_w, []).append((_g, float(_v)))
_GENRE_RE = re.compile("|".join(sorted(map(re.escape, _GENRE_KW), key=len, reverse=True)))
# "我" inside 我校/我局/我县/我们 is institutional, not first person.
_INSTITUTIONAL_WO = re.compile(r"我(?:校|局|县|区|市|镇|委|街道|们|国|省|院|乡|所|园|处|科)")
_GENRE_MAP = {"notice": "other"}


def detect_genre(folded: str, _debug: dict | None = None) -> str:
    """Best-scoring genre (``report`` unless another genre's cues clearly dominate)."""
    if len(folded.strip()) < 20:
        return "other"
    scores = dict.fromkeys(_GENRE_CUES, 0.0)
    for kw in _GENRE_RE.findall(folded):
        for g, v in _GENRE_KW[kw]:
            scores[g] += v
    # remove institutional 我 from the first-person count
    scores["reflection"] -= 0.6 * len(_INSTITUTIONAL_WO.findall(folded))
    # the title (first line, at most 60 characters) names the genre most reliably
    nl = folded.find("\n", 0, 60)
    head = folded[: nl if nl > 0 else 60]
    for kw in _GENRE_RE.findall(head):
        for g, v in _GENRE_KW[kw]:
            scores[g] += v
    scale = max(1.0, len(folded) / 1000.0) ** 0.5
    if _debug is not None:
        _debug.update(scores)
    best = max(scores, key=lambda g: scores[g])
    if best == "report" or scores[best] < 4 * scale * 0.5 or scores[best] <= scores["report"]:
        if scores["report"] <= 1.0 and max(scores.values()) < 2:
            return "other"
        return "report"
    return _GENRE_MAP.get(best, best)
