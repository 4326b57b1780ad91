"""What changed between the version a reviewer returned and the resubmission, for prose.

A character diff of rewritten Chinese paragraphs interleaves the two texts into nonsense
("…平均衡宣传工作。开完成时间由上学以来…"). So, like a reader comparing two drafts:

1. Sentences are aligned first (on their text without whitespace and punctuation), each
   ending at 。！？；!?; or a line break.
2. A sentence that stands in both is unchanged; one that differs only in whitespace or
   punctuation is *folded* (counted, and listed only when the reviewer unfolds it).
3. In a block of differing sentences each old sentence is paired with the most similar new
   one (similarity ≥ ``PAIR_RATIO``): a *changed* sentence is shown whole, old above new, with
   its words (rjieba tokens) marked ``<del>`` / ``<ins>`` inside. What finds no partner is
   *removed* or *added*; a removed sentence that reappears elsewhere is *moved*.
4. Indicators are listed by their Chinese label and unit, never by their code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import rjieba
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from reports.choices import ReviewKind
from reports.models import IndicatorDefinition, Report, ReportVersion

_SENTENCE = re.compile(r"(?<=[。！？；!?;\n])")
PAIR_RATIO = 0.45  # below this two sentences are a removal and an addition, not an edit


@dataclass
class Change:
    """One entry of a section's diff; ``old`` / ``new`` are safe HTML."""

    kind: str  # changed | added | removed | moved | folded
    old: SafeString | str = ""
    new: SafeString | str = ""


@dataclass
class SectionDiff:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def shown(self) -> list[Change]:
        return [c for c in self.changes if c.kind != "folded"]

    @property
    def folded(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "folded"]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def bare(text: str) -> str:
    """``text`` without whitespace and punctuation: what a reader compares."""
    return "".join(
        ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P")
    )


def word_marks(old: str, new: str) -> tuple[SafeString, SafeString]:
    """``old`` with its removed words in ``<del>``, ``new`` with its added words in ``<ins>``."""
    a, b = rjieba.cut(old), rjieba.cut(new)
    left: list[SafeString] = []
    right: list[SafeString] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(escape(before))
            right.append(escape(after))
            continue
        if before:
            left.append(format_html("<del>{}</del>", before))
        if after:
            right.append(format_html("<ins>{}</ins>", after))
    return _join(left), _join(right)


def _join(pieces: list[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((p,) for p in pieces))


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, bare(a), bare(b), autojunk=False).ratio()


def _pair_block(old: list[str], new: list[str]) -> list[Change]:
    """Pair each old sentence of a differing block with its most similar new one, in order."""
    changes: list[Change] = []
    j = 0
    for sentence in old:
        scores = [(_ratio(sentence, cand), k) for k, cand in enumerate(new[j:], start=j)]
        best = max(scores, default=(0.0, -1))
        if best[0] < PAIR_RATIO:
            changes.append(Change("removed", old=escape(sentence)))
            continue
        for k in range(j, best[1]):
            changes.append(Change("added", new=escape(new[k])))
        marked_old, marked_new = word_marks(sentence, new[best[1]])
        changes.append(Change("changed", old=marked_old, new=marked_new))
        j = best[1] + 1
    changes.extend(Change("added", new=escape(s)) for s in new[j:])
    return changes


def _mark_moves(changes: list[Change], removed: dict[str, str], added: dict[str, str]) -> None:
    """A sentence removed in one place and added in another was moved: show it once."""
    moved = set(removed) & set(added)
    kept: list[Change] = []
    for change in changes:
        text = bare(str(change.old or change.new))
        if change.kind == "removed" and text in moved:
            kept.append(Change("moved", old=change.old))
        elif not (change.kind == "added" and text in moved):
            kept.append(change)
    changes[:] = kept


def prose_diff(old_text: str, new_text: str) -> SectionDiff:
    """The sentence-level diff of one section (see the module docstring)."""
    a, b = sentences(old_text), sentences(new_text)
    result = SectionDiff()
    opcodes = SequenceMatcher(
        None, [bare(s) for s in a], [bare(s) for s in b], autojunk=False
    ).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for old, new in zip(a[i1:i2], b[j1:j2], strict=True):
                if old == new:
                    result.unchanged += 1
                else:
                    result.changes.append(Change("folded", *word_marks(old, new)))
        elif tag == "delete":
            result.changes.extend(Change("removed", old=escape(s)) for s in a[i1:i2])
        elif tag == "insert":
            result.changes.extend(Change("added", new=escape(s)) for s in b[j1:j2])
        else:
            result.changes.extend(_pair_block(a[i1:i2], b[j1:j2]))
    removed = {bare(str(c.old)): str(c.old) for c in result.changes if c.kind == "removed"}
    added = {bare(str(c.new)): str(c.new) for c in result.changes if c.kind == "added"}
    _mark_moves(result.changes, removed, added)
    return result


def char_diff(old: str, new: str) -> SafeString:
    """Inline marks of ``old`` → ``new`` in one line (short texts: a single sentence's note).

    Kept for short values; prose goes through ``prose_diff``.
    """
    pieces: list[SafeString] = []
    for op, k1, k2, m1, m2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(escape(old[k1:k2]))
        if op in ("delete", "replace"):
            pieces.append(format_html("<del>{}</del>", old[k1:k2]))
        if op in ("insert", "replace"):
            pieces.append(format_html("<ins>{}</ins>", new[m1:m2]))
    return _join(pieces)


def display_plain(value: Any) -> str:
    """A stored value beside a label that already names the unit: 是/否, 0 as "0", blank "—"."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "—" if value in (None, "") else str(value)


def indicator_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """Changed indicator values by Chinese label and unit, in the catalogue's order."""
    codes = [code for code in set(old) | set(new) if old.get(code) != new.get(code)]
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes)}
    rows = []
    for code in sorted(codes, key=lambda c: (getattr(definitions.get(c), "pk", 1 << 30), c)):
        definition = definitions.get(code)
        rows.append(
            {
                "label": definition.label if definition else code,
                "unit": definition.unit if definition else "",
                "before": display_plain(old.get(code)),
                "after": display_plain(new.get(code)),
            }
        )
    return rows


def resubmission_diff(report: Report, shown: ReportVersion, versions: list[ReportVersion]):
    """The sections changed since the version the reviewer last returned, with the comments."""
    returned = (
        report.review_actions.filter(kind=ReviewKind.RETURN, version__number__lt=shown.number)
        .select_related("version", "actor")
        .order_by("-version__number", "-pk")
        .first()
    )
    if returned is None:
        return None
    old = returned.version
    sections = []
    for section in report.campaign.sections:
        key = section["key"]
        before, after = old.sections.get(key) or "", shown.sections.get(key) or ""
        diff = prose_diff(before, after) if before != after else None
        sections.append(
            {
                "title": section["title"],
                "changed": bool(diff and diff.shown),
                "diff": diff,
                "comment": returned.section_comments.get(key, ""),
                "named": key in returned.section_comments,
            }
        )
    values = indicator_changes(old.indicator_values, shown.indicator_values)
    return {"action": returned, "old": old, "sections": sections, "values": values}
