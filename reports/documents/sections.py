"""Splitting an imported text into the campaign's sections, by the headings found."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from reports.analysis.sections import Section, classify_title, find_structure
from reports.analysis.text import fold
from reports.documents.text import normalise_newlines


@dataclass
class SplitResult:
    """An imported text split into a campaign's sections.

    ``sections`` has every template key (text stripped, the first heading removed);
    ``preamble`` is the text before the first heading (title, salutation);
    ``matched_titles`` lists, per key, the headings whose text was put there;
    ``confident`` is ``False`` when no heading matched the template and everything was
    put into the first section.
    """

    sections: dict[str, str]
    preamble: str = ""
    matched_titles: dict[str, list[str]] = field(default_factory=dict)
    confident: bool = True


_HEAD_TAIL_WORDS = (
    "及整改措施",
    "及整改情况",
    "和整改措施",
    "整改措施",
    "工作打算",
    "工作措施",
    "工作计划",
    "工作思路",
    "工作安排",
    "及成效",
    "和成效",
    "及原因",
    "和不足",
    "与不足",
    "及不足",
    "打算",
    "措施",
    "计划",
    "思路",
    "方向",
    "安排",
    "举措",
    "做法",
    "情况",
    "成效",
    "工作",
)
_PUNCT_TRIM = " \t:：,，、.。;；"


def split_sections(text: str, template: Sequence[dict]) -> SplitResult:
    """Split ``text`` into the sections of ``template``.

    ``template`` is the campaign's list of ``{"key", "title", "kind"}``.  Headings come
    from :func:`~reports.analysis.sections.find_structure`; the highest heading level that
    holds a heading matching the template is used (the next level when the top level is
    only topics).  A found section goes to the first template entry whose title it
    contains, else to the first entry of its kind (``overview`` falls back to
    ``work_done``).  Sections of kind ``other`` (and kinds the template lacks) are
    appended to the preceding section; such sections before the first match go to the
    ``work_done`` entry (else the next matched one).  Several sections going to one key
    are joined in document order; the heading of the first one is removed, the headings
    of the others are kept so the school sees the structure.
    """
    keys = [str(t["key"]) for t in template]
    if not keys:
        return SplitResult(sections={}, preamble="", matched_titles={}, confident=False)
    empty = dict.fromkeys(keys, "")
    titles: dict[str, list[str]] = {k: [] for k in keys}
    text = normalise_newlines(text or "")
    if not text.strip():
        return SplitResult(empty, "", titles, confident=False)

    try:
        # Matched by the words of the headings: a report's topic parts stay ``other`` here
        # (``report=False``), so a document whose headings match nothing is not taken for
        # one that matches the template.
        found = find_structure(text, report=False)[1]
    except Exception:  # an analysis bug must not block the import
        found = []
    units, targets = _choose_units(found, template)
    if not units or all(t is None for t in targets):
        sections = dict(empty)
        sections[keys[0]] = text.strip()
        return SplitResult(sections, "", titles, confident=False)

    preamble = text[: units[0].start].strip()
    # Resolve "other" units: append to the preceding target, leading ones to work_done.
    first_target = next(t for t in targets if t is not None)
    work_done_key = next((str(t["key"]) for t in template if t.get("kind") == "work_done"), None)
    resolved: list[tuple[str, bool]] = []  # (key, is_a_match)
    current: str | None = None
    for target in targets:
        if target is not None:
            current = target
            resolved.append((target, True))
        else:
            resolved.append((current or work_done_key or first_target, False))

    chunks: dict[str, list[str]] = {k: [] for k in keys}
    for i, (unit, (key, matched)) in enumerate(zip(units, resolved, strict=True)):
        end = units[i + 1].start if i + 1 < len(units) else len(text)
        body = text[unit.start : end]
        if matched and not chunks[key]:
            body = body[_heading_length(text, unit) :]
        if not chunks[key]:
            body = body.lstrip(_PUNCT_TRIM + "\n")
        body = body.strip()
        chunks[key].append(body)
        heading = unit.title
        if matched:
            heading = text[unit.start : unit.start + _heading_length(text, unit)].strip(_PUNCT_TRIM)
        titles[key].append(heading or unit.title)
    sections = {k: "\n".join(c for c in chunks[k] if c).strip() for k in keys}
    return SplitResult(sections, preamble, titles, confident=True)


def _choose_units(
    found: Sequence[Section], template: Sequence[dict]
) -> tuple[list[Section], list[str | None]]:
    """The sections at the chosen level (plus higher ones) and their template keys."""
    levels = sorted({s.level for s in found})
    for level in levels:
        units = sorted((s for s in found if s.level <= level), key=lambda s: s.start)
        targets = [_target_key(s, template) if s.level == level else None for s in units]
        if any(t is not None for t in targets):
            return units, targets
    return [], []


def _target_key(section: Section, template: Sequence[dict]) -> str | None:
    """Template key for a found section: same title, else same kind, else a custom
    (``other``-kind) entry whose title the heading contains; ``None`` when nothing fits."""
    title = _squash(section.title)
    for entry in template:
        if title and _squash(str(entry.get("title", ""))) == title:
            return str(entry["key"])
    kinds = [section.kind]
    if section.kind == "overview":
        kinds.append("work_done")
    for kind in kinds:
        if kind == "other":
            continue
        for entry in template:
            if entry.get("kind") == kind:
                return str(entry["key"])
    for entry in template:
        t = _squash(str(entry.get("title", "")))
        if entry.get("kind") == "other" and len(t) >= 2 and t in title:
            return str(entry["key"])
    return None


_MARKER_RE = re.compile(
    r"^\s*(?:第?[一二三四五六七八九十\d]{1,3}(?:部分|[、.,:])|\([一二三四五六七八九十\d]+\))"
)
_SQUASH_RE = re.compile(r"[\s:;,.、。!?()]")


def _squash(s: str) -> str:
    """A title without its number and punctuation, for comparing titles."""
    return _SQUASH_RE.sub("", _MARKER_RE.sub("", fold(s)))


def _heading_length(text: str, section: Section) -> int:
    """How many characters from ``section.start`` belong to the heading.

    A heading on its own line is the whole line.  A heading that runs into the body
    ("四、存在的问题部分教师观念滞后。") ends after its last section keyword and any
    heading words that follow it ("下一步打算"); a topic heading without a keyword is
    kept whole as found by ``find_sections``.
    """
    start = section.start
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    title = section.title
    title_end = start + len(title)
    rest = text[title_end:line_end]
    # A heading line ends without a full stop; "五、下一步打算继续推进。" is a run-in one.
    if not rest.strip(_PUNCT_TRIM) and not re.search(r"[。.!?！？;；]", rest):
        return line_end - start
    # Run-in heading: the title found may include the first words of the body.  Cut it
    # after the first section keyword (the shortest prefix that classifies), then after
    # heading words that follow it ("下一步" + "工作措施").
    cut = next(
        (i for i in range(1, min(len(title), 24) + 1) if classify_title(title[:i]) != "other"),
        -1,
    )
    if cut < 0:
        return len(title)
    folded_title = fold(title)
    for _ in range(3):
        tail = folded_title[cut:]
        word = next((w for w in _HEAD_TAIL_WORDS if tail.startswith(w)), None)
        if word is None:
            break
        cut += len(word)
    # also swallow a colon right after the heading
    while start + cut < len(text) and text[start + cut] in ":：":
        cut += 1
    return cut
