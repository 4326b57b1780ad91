"""提交前自查: what the reviewer would see about the school's own draft, as a list of
findings, each pointing at the place in the form where it is.

The analysis is ``reports.pipeline.draft_analysis`` (the worker's steps on the draft, run in
the request: the engine takes milliseconds). This module only turns its offsets, which count
characters of the joined text (``Report.full_text``), into a section's field and offsets in
that field's own text, so the browser can select the passage in its textarea.

Decision: the copy index is not asked (a draft is not another school's business until it is
submitted); off-topic and genre are not listed (they say nothing the school can fix in one
place). What is listed is what a reviewer returns a report for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.models import Report
from reports.pipeline import draft_analysis
from reports.rules import return_scope

KIND_TITLES = {
    "overview": "基本情况",
    "work_done": "工作开展情况及成效",
    "problems": "存在的问题",
    "next_steps": "下一步措施",
}


@dataclass(frozen=True)
class Finding:
    """One thing to look at: ``field`` is the form field (``section_<key>``) or "" when it
    belongs to no single place; ``start``/``end`` count characters of that field's text."""

    kind: str
    message: str
    field: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class _Span:
    field: str
    title: str
    start: int  # where the section's body starts in the joined text
    end: int
    lead: int  # leading whitespace of the field's own text (stripped in the joined text)


def _spans(report: Report, text: str) -> list[_Span]:
    """Where each section's body lies in ``Report.full_text`` (``join_sections``' layout:
    ``一、<title>\\n<body>`` joined by a blank line). A body not found where expected gets
    no span: its findings are listed without a link rather than linked to the wrong place."""
    spans, at = [], 0
    for section in report.campaign.sections:
        raw = report.sections.get(section["key"]) or ""
        body = raw.strip()
        start = text.find(f"{section['title']}\n", at)
        if start < 0:
            break
        start += len(section["title"]) + 1
        if text[start : start + len(body)] != body:
            break
        spans.append(
            _Span(
                field=f"section_{section['key']}",
                title=section["title"],
                start=start,
                end=start + len(body),
                lead=len(raw) - len(raw.lstrip()),
            )
        )
        at = start + len(body)
    return spans


def _locate(spans: list[_Span], start: int, end: int) -> tuple[str, int | None, int | None]:
    for span in spans:
        if span.start <= start and end <= span.end:
            return span.field, start - span.start + span.lead, end - span.start + span.lead
    return "", None, None


def findings(report: Report) -> list[Finding]:
    """The self-check of ``report``'s stored draft, in the order of the text."""
    result = draft_analysis(report)
    text = result["text"]
    spans = _spans(report, text)
    titles = {f"section_{s['key']}": s["title"] for s in report.campaign.sections}
    found: list[tuple[int, Finding]] = []

    def at(kind: str, message: str, item: dict[str, Any]) -> None:
        field, start, end = _locate(spans, item["start"], item["end"])
        found.append((item["start"], Finding(kind, message, field, start, end)))

    for item in result["placeholders"]:
        at("占位符", f"“{item['text']}”是没有填写的占位符或打码", item)
    for item in result["gaps"]:
        at("缺数字", f"“{item['text']}”处少了数字", item)
    for item in result["contradictions"]:
        message = (
            f"正文写的是“{item['text']}”，与填写的“{item['label']}”"
            f"（{_plain(item['form_value'])}）不一致"
        )
        at("数字矛盾", message, item)
    for item in result["other_units"]:
        at("其他单位名称", f"正文中出现了其他学校的名称“{item['text']}”", item)
    for item in result["residue"]:
        at("网页残留", f"“{_short(item['text'])}”像是从网页复制时带入的内容", item)
    found.sort(key=lambda pair: pair[0])
    listed = [finding for _, finding in found]
    for kind in result["missing_kinds"]:
        field = next(
            (f"section_{s['key']}" for s in report.campaign.sections if s.get("kind") == kind),
            "",
        )
        title = KIND_TITLES.get(kind, kind)
        listed.append(Finding("缺少部分", f"没有看到“{title}”部分的内容", field))
    for key in result["same_as_previous"]:
        field = f"section_{key}"
        message = f"“{titles.get(field, key)}”与本校上一次提交的文字完全相同"
        listed.append(Finding("与上次相同", message, field))
    return _within_return_scope(report, listed)


def _within_return_scope(report: Report, listed: list[Finding]) -> list[Finding]:
    """After a return that named sections, only what the school may still change: a finding
    in a section the reviewer left as submitted cannot be acted on, and the reviewer has
    already seen it."""
    scope = return_scope(report)
    if scope is None:
        return listed
    open_fields = {f"section_{key}" for key in scope.sections}
    return [finding for finding in listed if finding.field in open_fields]


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
