"""The report text with the analysis marked up (masks, copies, residue…), and the flag list."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from reports.choices import (
    AnalysisState,
)
from reports.models import (
    AnalysisResult,
)
from reports.pipeline import SELF_COPY_FLAG


def _objects(value: Any) -> list[dict[str, Any]]:
    """The entries of a stored list that are objects (a result edited by hand, or left by
    an older analyzer, may hold anything)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class Span:
    start: int
    end: int
    css: str
    title: str


def _spans(text: str, result: dict[str, Any]) -> list[Span]:
    n = len(text)
    spans: list[Span] = []

    def add(item: dict[str, Any], css: str, title: str) -> None:
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            return
        start, end = max(0, min(start, n)), max(0, min(end, n))
        if start < end:
            spans.append(Span(start, end, css, title))

    for item in _objects(result.get("placeholders")):
        add(item, "mark-placeholder", "未填写的模板空白")
    for item in _objects(result.get("copies")):
        add(item, "mark-copy", f"与 {_source(item)} 雷同 {_percent(item.get('similarity'))}")
    for item in _objects(result.get("contradictions")):
        add(item, "mark-contradiction", _contradiction(item))
    for item in _objects(result.get("residue")):
        add(item, "mark-residue", "范文网站残留文字")
    for item in _objects(result.get("burden_signals")):
        add(item, "mark-signal", "描述了政策禁止的形式主义做法")
    for item in _objects(result.get("gaps")):
        add(item, "mark-gap", "缺数字：量词前没有写数字")
    for item in _objects(result.get("other_names")):
        add(item, "mark-other-name", f"其他单位的名称：{item.get('name', '')}")
    for item in _objects(_mapping(result.get("topic")).get("off_paragraphs")):
        add(item, "mark-off-topic", "与本次任务主题无关的段落")
    self_copy = _mapping(result.get("self_copy"))
    for item in _objects(self_copy.get("spans")):
        add(item, "mark-self-copy", "与本校上期报告相同")
    return spans


def _source(item: dict[str, Any]) -> str:
    return str(item.get("source_label") or item.get("source") or "其他文本")


def _percent(value: Any) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return "—"


def _contradiction(item: dict[str, Any]) -> str:
    label = item.get("label") or item.get("indicator") or "指标"
    return f"{label}：表中填 {item.get('form_value')}，正文写 {item.get('text_value')}"


def highlight(text: str, result: dict[str, Any] | None) -> SafeString:
    """The text with ``<mark>`` spans; overlapping spans are split into segments that carry
    every class and title that covers them. Everything is escaped (no ``|safe`` on user text).
    """
    spans = _spans(text, _mapping(result))
    if not spans:
        return escape(text)
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    pieces: list[SafeString] = []
    for start, end in pairwise(bounds):
        segment = text[start:end]
        active = [s for s in spans if s.start <= start and s.end >= end]
        if not active:
            pieces.append(escape(segment))
            continue
        css = " ".join(dict.fromkeys(s.css for s in active))
        title = "；".join(dict.fromkeys(s.title for s in active))
        pieces.append(format_html('<mark class="{}" title="{}">{}</mark>', css, title, segment))
    return format_html_join("", "{}", ((p,) for p in pieces))


GENRES = {
    "plan": "实施方案",
    "reflection": "心得体会",
    "news": "新闻报道",
    "speech": "讲话稿",
    "notice": "通知",
}


#: one entry per kind lists at most this many quotes ("等 20 处" says how many in all)
EXAMPLES = 5


def _quote(text: str, item: dict[str, Any]) -> str:
    try:
        snippet = text[int(item["start"]) : int(item["end"])]
    except (KeyError, TypeError, ValueError):
        snippet = str(item.get("text", ""))
    return "“" + snippet[:30] + ("…" if len(snippet) > 30 else "") + "”"


def _listed(quotes: list[str]) -> str:
    shown = "、".join(quotes[:EXAMPLES])
    return shown if len(quotes) <= EXAMPLES else f"{shown}等 {len(quotes)} 处"


def _entry(css: str, label: str, count: int, text: str) -> dict[str, str]:
    """One flag kind: its label with the count when there is more than one."""
    return {"css": css, "label": label if count < 2 else f"{label} ×{count}", "text": text}


def _anomaly(item: dict[str, Any]) -> str:
    label = item.get("label") or item.get("indicator") or "指标"
    if item.get("kind") == "change":
        period = f"上期（{item['period']}）" if item.get("period") else "上期"
        return f"{label}：本期填 {item.get('value')}，{period}为 {item.get('previous')}"
    return f"{label}：填 {item.get('value')}，全县各校的中位数为 {item.get('median')}"


#: flags whose evidence is a list of quoted spans: (result key, css, label, explanation)
QUOTED_KINDS = (
    ("placeholders", "mark-placeholder", "模板空白", "是没有填写的模板占位符，报告可能未写完"),
    ("gaps", "mark-gap", "缺数字", "处量词前没有写数字（如“开展了次检查”），数字可能漏填"),
    ("residue", "mark-residue", "网页残留", "像是从范文网站复制时带入的文字"),
    (
        "burden_signals",
        "mark-signal",
        "形式主义迹象",
        "描述的做法正是减负政策禁止的（留痕、台账、展板等）",
    ),
)


def _copy_entries(text: str, result: dict[str, Any]) -> list[dict[str, str]]:
    """雷同 (one entry, every source quoted) and 照搬上期."""
    items = []
    copies = _objects(result.get("copies"))
    if copies:
        quotes = [
            f"{_quote(text, c)}（{_source(c)}，{_percent(c.get('similarity'))}）" for c in copies
        ]
        explain = f"{_listed(quotes)}与其他报告相同或高度相似，请核实是否照抄"
        # one side-by-side view per source, in the order they first appear
        sources = {str(c.get("source") or ""): _source(c) for c in copies if c.get("source")}
        entry = _entry("mark-copy", "雷同", len(copies), explain)
        items.append({**entry, "sources": list(sources.items())})
    self_copy = _mapping(result.get("self_copy"))
    if self_copy.get("share", 0) >= SELF_COPY_FLAG:
        period = f"（{self_copy['period']}）" if self_copy.get("period") else ""
        explain = (
            f"报告 {_percent(self_copy['share'])} 的文字与本校上期{period}报告相同，"
            "可能没有按本期情况填写"
        )
        items.append(_entry("mark-self-copy", "照搬上期", 1, explain))
    return items


def _context_entries(result: dict[str, Any]) -> list[dict[str, str]]:
    """套用他校, 数字矛盾 and 数据异常: what the report says against its context."""
    items = []
    names = _objects(result.get("other_names"))
    if names:
        quotes = [f"“{n.get('name', '')}”" for n in names]
        explain = f"正文出现其他单位的名称{_listed(quotes)}，可能套用了别校的材料"
        items.append(_entry("mark-other-name", "套用他校", len(names), explain))
    contradictions = _objects(result.get("contradictions"))
    if contradictions:
        explain = "；".join(_contradiction(c) for c in contradictions) + "，两者不一致"
        items.append(_entry("mark-contradiction", "数字矛盾", len(contradictions), explain))
    anomalies = _objects(result.get("anomalies"))
    if anomalies:
        explain = "；".join(_anomaly(a) for a in anomalies) + "，变化或差距过大，请核实填写是否有误"
        items.append(_entry("", "数据异常", len(anomalies), explain))
    return items


def _span_entries(text: str, result: dict[str, Any]) -> list[dict[str, str]]:
    items = _copy_entries(text, result)
    for key, css, label, explain in QUOTED_KINDS:
        found = _objects(result.get(key))
        if found:
            quotes = [_quote(text, item) for item in found]
            items.append(_entry(css, label, len(found), _listed(quotes) + explain))
    return items + _context_entries(result)


def _off_topic(text: str, topic: dict[str, Any]) -> dict[str, str]:
    """离题 with the share of paragraphs on the task's topic and the others quoted."""
    off = _objects(topic.get("off_paragraphs"))
    if not off:
        return {
            "css": "",
            "label": "离题",
            "text": "报告内容与本次任务的主题关联很弱，可能交错了材料",
        }
    shown = _listed([_quote(text, p) for p in off])
    if int(topic.get("paragraphs_off") or 0) > len(off):
        shown += f"等 {topic['paragraphs_off']} 段"
    return {
        "css": "mark-off-topic",
        "label": "离题",
        "text": f"只有 {_percent(topic.get('score'))} 的段落讲本次任务的主题；"
        f"{shown}讲的是其他工作，可能交错了材料",
    }


def flag_list(text: str, analysis: AnalysisResult | None) -> list[dict[str, str]]:
    """One entry per flag kind, with its count and its evidence, for the side panel."""
    if analysis is None or analysis.state != AnalysisState.DONE:
        return []
    result, flags = _mapping(analysis.result), _mapping(analysis.flags)
    items = _span_entries(text, result)
    if flags.get("off_topic"):
        items.append(_off_topic(text, _mapping(result.get("topic"))))
    if flags.get("not_report"):
        genre = flags.get("genre") or result.get("genre") or ""
        items.append(
            {
                "css": "",
                "label": "文体不符",
                "text": f"这份材料更像“{GENRES.get(genre, genre)}”，不是自查报告",
            }
        )
    if flags.get("missing_sections"):
        items.append(
            {
                "css": "",
                "label": "缺少栏目",
                "text": f"有 {flags['missing_sections']} 个要求的栏目没有找到对应内容",
            }
        )
    return items
