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

    for item in result.get("placeholders") or []:
        add(item, "mark-placeholder", "未填写的模板空白")
    for item in result.get("copies") or []:
        add(item, "mark-copy", f"与 {_source(item)} 雷同 {_percent(item.get('similarity'))}")
    for item in result.get("contradictions") or []:
        add(item, "mark-contradiction", _contradiction(item))
    for item in result.get("residue") or []:
        add(item, "mark-residue", "范文网站残留文字")
    for item in result.get("burden_signals") or []:
        add(item, "mark-signal", "描述了政策禁止的形式主义做法")
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
    spans = _spans(text, result or {})
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


def flag_list(text: str, analysis: AnalysisResult | None) -> list[dict[str, str]]:
    """Every flag with a one-line Chinese explanation, for the side panel."""
    if analysis is None or analysis.state != AnalysisState.DONE:
        return []
    result, flags = analysis.result or {}, analysis.flags or {}
    items: list[dict[str, str]] = []

    def quote(item: dict[str, Any]) -> str:
        try:
            snippet = text[int(item["start"]) : int(item["end"])]
        except (KeyError, TypeError, ValueError):
            snippet = str(item.get("text", ""))
        return snippet[:30] + ("…" if len(snippet) > 30 else "")

    for item in result.get("copies") or []:
        items.append(
            {
                "css": "mark-copy",
                "label": f"雷同 {_percent(item.get('similarity'))}",
                "text": f"“{quote(item)}”与 {_source(item)} 相同或高度相似，请核实是否照抄",
                "source": str(item.get("source") or ""),  # → the side-by-side view
            }
        )
    for item in result.get("placeholders") or []:
        items.append(
            {
                "css": "mark-placeholder",
                "label": "模板空白",
                "text": f"“{quote(item)}”是没有填写的模板占位符，报告可能未写完",
            }
        )
    for item in result.get("contradictions") or []:
        items.append(
            {
                "css": "mark-contradiction",
                "label": "数字矛盾",
                "text": _contradiction(item) + "，两者不一致",
            }
        )
    for item in result.get("residue") or []:
        items.append(
            {
                "css": "mark-residue",
                "label": "网页残留",
                "text": f"“{quote(item)}”像是从范文网站复制时带入的文字",
            }
        )
    for item in result.get("burden_signals") or []:
        items.append(
            {
                "css": "mark-signal",
                "label": "形式主义迹象",
                "text": f"“{quote(item)}”描述的做法正是减负政策禁止的（留痕、台账、展板等）",
            }
        )
    if flags.get("off_topic"):
        items.append(
            {"css": "", "label": "离题", "text": "报告内容与本次任务的主题关联很弱，可能交错了材料"}
        )
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
