"""The per-report analysis: ``analyze(text) -> Analysis``.

Plain Python, no Django.  All spans are character offsets into the given text (end
exclusive); every reported ``text`` equals ``source[start:end]``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .checklist import ChecklistItem, check_coverage
from .numbers import Quantity, find_numbers
from .placeholders import Gap, Placeholder, find_gaps, find_placeholders
from .residue import Residue, ShapeLine, residue_and_lines
from .sections import Section, find_structure, missing_kinds
from .signals import BurdenSignal, find_signals
from .summary import summarise
from .text import fold
from .topic import TopicScore, detect_genre, score_topic

__all__ = ["ANALYZER_VERSION", "DEFAULT_REQUIRED", "Analysis", "analysis_to_dict", "analyze"]

#: "2": copies found through winnowed fingerprints instead of MinHash LSH per passage;
#: "3": fingerprint scheme 3 (6-character grams in an open-syncmer order, copies.py);
#: "4": issue 19 — heading tree with inherited kinds (``headings``), figures without time
#: phrases/titles/chrome and with their noun, more mask shapes, the 缺数字 ``gaps`` pass,
#: residue as its own pass (paywall chrome, repeated page titles) ignored by the others
#: "5": issue 19 (second half) — the pipeline stores ``other_names`` (套用他校),
#: ``anomalies`` (数据异常), ``self_copy`` (照搬上期) and the flags ``gaps``, ``other_names``,
#: ``anomalies``, ``self_copy``; copies need 20 characters outside the policy phrase library
#: (boilerplate.py) and outside passages many schools in several counties share, and the
#: copied share counts only those characters; topic as the share of paragraphs on topic with
#: the off-topic paragraphs named (``topic.paragraphs_on/off``, ``topic.off_paragraphs``)
#: "6": issue 19 (province scale) — 数据异常 compares a figure with the school's county
#: only (it read the whole campaign: a city's or a province's campaign mixed counties);
#: 套用他校 finds the same names as before, looked up instead of read wholesale
#: "7": issue 19 (edited copies) — near-copies confirmed by aligned characters too (an
#: inserted clause or swapped word no longer hides a copy), crowded keys refined by context
#: keys, candidates judged on telling fingerprints (analysis/copies.py); a report's topic
#: parts before its problems are ``work_done`` (sections.py); 8: figures across a PDF's hard
#: line break, 百分之…点…, counted 一 after bounds, bare % after a word and 学生人 / 家访户
#: as gaps, ellipsis items as blanks, lead-in paragraphs as headings (the first blind texts)
#: 9: residue — a chrome run at a text's edge goes with its known line, a site's page
#: title over the school's own, web conventions (nav bars, breadcrumbs, ©/ICP, ratings,
#: hashtags), the campaign's site lines (reports/chrome.py); numbered items run together
#: in one paragraph as headings; figures left out after 达 and 听课 (the seventh blind set)
#: 10: a forum thread's replies, government-page furniture, running headers, headings
#: that are chrome dropped, 一. headings, more figures left out (the eighth blind set)
#: 11: an AI chat answer's page (prompt, lead-in, closing, interface), a WeChat account
#: card, blanks inside residue are not the school's, AI blanks ([学校名称], 【X】), run-in
#: sub-headings without numbers (组织保障到位：, 【作业管理】) (the ninth blind set)
#: 12: a site's search bar, download coupons, clickbait page titles; a 1. run into its
#: heading's line opens a list when its 2. follows (the tenth blind set)
ANALYZER_VERSION = "12"
DEFAULT_REQUIRED: tuple[str, ...] = ("work_done", "problems", "next_steps")
#: a text whose residue covers at least this share is website chrome, not a report
RESIDUE_GENRE_SHARE = 0.3


@dataclass(slots=True)
class Analysis:
    """Everything found in one text."""

    chars: int
    sections: list[Section]
    missing_kinds: list[str]
    placeholders: list[Placeholder]
    numbers: list[Quantity]
    residue: list[Residue]
    topic: TopicScore
    genre: str
    burden_signals: list[BurdenSignal]
    checklist: list[ChecklistItem]
    summary: list[str]
    problems: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    #: every heading of the tree (all levels); ``sections`` is its top two levels
    headings: list[Section] = field(default_factory=list)
    #: figures left out (缺数字): a measure word with no number ("共开展了次专项检查")
    gaps: list[Gap] = field(default_factory=list)
    #: the text's chrome-shaped lines by key (for the campaign's count; not stored)
    shape_lines: list[ShapeLine] = field(default_factory=list)
    version: str = ANALYZER_VERSION


def analyze(
    text: str,
    *,
    topic: str = "shuangjian",
    required_kinds: Sequence[str] = DEFAULT_REQUIRED,
    site_lines: Collection[int] = frozenset(),
) -> Analysis:
    """Analyse one report text (see the module docstrings for each rule).

    ``site_lines``: keys of lines the campaign has shown to be a template site's frame
    (``residue.residue_and_lines``); the pipeline passes them, a lone text has none.
    """
    if not isinstance(text, str):
        raise TypeError("analyze() expects str; decode bytes with decode_bytes() first")
    folded = fold(text)
    genre = detect_genre(folded)
    headings, sections = find_structure(text, folded, report=genre == "report")
    residue, shape_lines = residue_and_lines(
        text, folded, frozenset(h.start for h in headings), site_lines
    )
    residue_spans = [(r.start, r.end) for r in residue]
    if residue_spans:  # a heading that is a site's chrome (a forum's 楼主) heads nothing
        headings = _outside(headings, residue_spans)
        sections = _outside(sections, residue_spans)
    numbers = find_numbers(text, folded, residue_spans)
    # residue is its own pass: the topic score and the summary read the text without it
    clean_text, clean_folded = text, folded
    if residue_spans:
        clean_text = _blank(text, residue_spans)
        clean_folded = _blank(folded, residue_spans)
    topic_score = score_topic(clean_folded, topic, text=text)
    stripped = len(text.strip())
    if residue and stripped:
        covered = sum(r.end - r.start for r in residue)
        if covered >= RESIDUE_GENRE_SHARE * stripped:
            genre = "other"
    summary, problems, measures = summarise(clean_text, clean_folded, sections, numbers)
    return Analysis(
        chars=len(text),
        sections=sections,
        missing_kinds=missing_kinds(sections, required_kinds),
        placeholders=find_placeholders(text, folded, residue_spans),
        numbers=numbers,
        residue=residue,
        topic=topic_score,
        genre=genre,
        burden_signals=find_signals(text, folded),
        checklist=check_coverage(folded, topic),
        summary=summary,
        problems=problems,
        measures=measures,
        headings=headings,
        gaps=find_gaps(text, folded, residue_spans),
        shape_lines=shape_lines,
    )


def _outside(heads: list[Section], spans: Sequence[tuple[int, int]]) -> list[Section]:
    return [h for h in heads if not any(a <= h.start < b for a, b in spans)]


def _blank(s: str, spans: Sequence[tuple[int, int]]) -> str:
    """``s`` with each span replaced by spaces (same length, so offsets hold)."""
    parts: list[str] = []
    at = 0
    for a, b in spans:
        parts.append(s[at:a])
        parts.append(" " * (b - a))
        at = b
    parts.append(s[at:])
    return "".join(parts)


def analysis_to_dict(a: Analysis) -> dict[str, Any]:
    """The stable JSON shape (without ``path`` and ``copies``, which the caller adds)."""
    return {
        "chars": a.chars,
        "sections": [
            {"kind": s.kind, "title": s.title, "start": s.start, "end": s.end, "level": s.level}
            for s in a.sections
        ],
        "placeholders": [{"text": p.text, "start": p.start, "end": p.end} for p in a.placeholders],
        "numbers": [
            {
                "text": q.text,
                "value": q.value,
                "value_max": q.value_max,
                "unit": q.unit,
                "comparison": q.comparison,
                "masked": q.masked,
                "start": q.start,
                "end": q.end,
                # added with ANALYZER_VERSION 4: what the figure counts, its clause/sentence
                "noun": q.noun,
                "clause_start": q.clause_start,
                "sentence_start": q.sentence_start,
                "sentence_end": q.sentence_end,
            }
            for q in a.numbers
        ],
        "residue": [{"text": r.text, "start": r.start, "end": r.end} for r in a.residue],
        "topic": asdict(a.topic),
        "genre": a.genre,
        "burden_signals": [
            {"text": b.text, "start": b.start, "end": b.end} for b in a.burden_signals
        ],
        "checklist": [asdict(c) for c in a.checklist],
        "summary": list(a.summary),
        # keys added with ANALYZER_VERSION 4 (issue 19); the ones above keep their shape
        "headings": [
            {"kind": s.kind, "title": s.title, "start": s.start, "end": s.end, "level": s.level}
            for s in a.headings
        ],
        "gaps": [{"text": g.text, "start": g.start, "end": g.end} for g in a.gaps],
    }
