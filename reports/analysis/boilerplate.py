"""Boilerplate: what two reports share without one copying the other.

Decisions:

* **The policy phrase library** (``data/policy_phrases.tsv``, the project's own list, each
  entry with its source document) holds the standard formulations of central and
  provincial documents that reports quote (为深入贯彻落实……重要指示精神, 小学一二年级不布置
  家庭书面作业 …). ``……`` in an entry stands for up to ``GAP_CHARS`` characters of any
  wording. Entries match the normalised text (``copies.normalise``: no punctuation, no
  digits), so one entry covers every way of punctuating it and every figure in it.
* **Document frequency**: the caller may add spans it knows many schools in several
  counties share (``extra`` below; the portal derives them from its copy index).
* A copy match is kept only when its span holds at least ``MIN_OWN_CHARS`` normalised
  characters outside the boilerplate: a sentence's worth (the copy check's own passage
  minimum). A 25-character stock phrase inside a longer shared clause is a quotation, the
  rest of the clause too short to be a copy.
* The copied share counts only the copied characters that are not boilerplate.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .copies import CopyMatch
from .fingerprints import MIN_NORM_CHARS, Normed, normalise

__all__ = [
    "MIN_OWN_CHARS",
    "PhraseLibrary",
    "boilerplate_mask",
    "default_library",
    "drop_boilerplate",
    "own_share",
]

MIN_OWN_CHARS = MIN_NORM_CHARS
GAP_CHARS = 20
LIBRARY_FILE = Path(__file__).with_name("data") / "policy_phrases.tsv"


@dataclass(frozen=True)
class PhraseLibrary:
    """Normalised phrases (``……`` kept as a gap) with their sources, and one regex."""

    entries: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, lines: Iterable[str]) -> PhraseLibrary:
        entries = []
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            phrase, _, source = line.rstrip("\n").partition("\t")
            parts = [normalise(p) for p in re.split(r"…+|\.{3,}", phrase)]
            if any(parts):
                entries.append(("…".join(p for p in parts if p), source.strip()))
        return cls(tuple(entries))

    @property
    def pattern(self) -> re.Pattern[str] | None:
        return _compile(tuple(p for p, _ in self.entries))


@lru_cache(maxsize=8)
def _compile(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = [
        f".{{0,{GAP_CHARS}}}?".join(map(re.escape, p.split("…")))
        for p in sorted(phrases, key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives))


@lru_cache(maxsize=1)
def default_library() -> PhraseLibrary:
    """The project's library (``data/policy_phrases.tsv``)."""
    return PhraseLibrary.parse(LIBRARY_FILE.read_text(encoding="utf-8").splitlines())


def boilerplate_mask(
    normed: Normed, library: PhraseLibrary | None, extra: Sequence[tuple[int, int]] = ()
) -> bytearray:
    """1 for each normalised character that is boilerplate: a library phrase, or inside one
    of the ``extra`` spans (offsets into the original text)."""
    mask = bytearray(len(normed.norm))
    pattern = library.pattern if library is not None else None
    if pattern is not None:
        for m in pattern.finditer(normed.norm):
            mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    for start, end in extra:
        a, b = _norm_range(normed, start, end)
        mask[a:b] = b"\x01" * (b - a)
    return mask


def _norm_range(normed: Normed, start: int, end: int) -> tuple[int, int]:
    return bisect_left(normed._offsets, start), bisect_left(normed._offsets, end)


def _own_chars(normed: Normed, mask: bytearray, start: int, end: int) -> int:
    a, b = _norm_range(normed, start, end)
    return (b - a) - sum(mask[a:b])


def drop_boilerplate(
    text: str,
    matches: Iterable[CopyMatch],
    library: PhraseLibrary | None = None,
    extra: Sequence[tuple[int, int]] = (),
) -> list[CopyMatch]:
    """The matches with at least ``MIN_OWN_CHARS`` normalised characters of other text."""
    matches = list(matches)
    if not matches:
        return []
    normed = Normed(text)
    mask = boilerplate_mask(normed, library if library is not None else default_library(), extra)
    return [m for m in matches if _own_chars(normed, mask, m.start, m.end) >= MIN_OWN_CHARS]


def own_share(
    text: str,
    matches: Iterable[CopyMatch],
    library: PhraseLibrary | None = None,
    extra: Sequence[tuple[int, int]] = (),
) -> float:
    """Share of ``text``'s normalised characters that are copied and not boilerplate."""
    normed = Normed(text)
    if not normed.norm:
        return 0.0
    mask = boilerplate_mask(normed, library if library is not None else default_library(), extra)
    copied = bytearray(len(normed.norm))
    for m in matches:
        a, b = _norm_range(normed, m.start, m.end)
        copied[a:b] = b"\x01" * (b - a)
    own = sum(1 for c, boiler in zip(copied, mask, strict=True) if c and not boiler)
    return round(own / len(normed.norm), 4)
