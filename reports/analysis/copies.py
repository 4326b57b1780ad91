"""Copy detection: passages that also stand in other texts.

Decisions:

* **Passages** are paragraphs (lines) and, when a paragraph has more than one sentence,
  its sentences (split at ``。！？；``), with offsets into the original text; sentences of
  60+ normalised characters are also cut at commas into chunks of 30+ characters (real
  reports write whole paragraphs as one comma-spliced sentence and copy parts of them).
  A match is reported per passage, so a pasted paragraph, sentence or clause run is found.
* **normalise()** folds full-width to half-width and keeps only CJK ideographs and ASCII
  letters (lower-cased): whitespace, punctuation, masks (``*``, ``_``, ``×``) and *digits*
  go, because copied reports typically differ only in their numbers, masks and
  punctuation (``30分钟`` vs ``45分钟``).
* Passages shorter than ``MIN_NORM_CHARS = 20`` normalised characters are skipped: a
  heading (``二、存在的问题``) or a stock phrase is shared by every report, while 20
  ideographs are about one full clause, long enough to make an accidental match unlikely.
* **Candidates** come from the fingerprints of :mod:`.fingerprints` (winnowing): any run
  of ``MIN_NORM_CHARS`` normalised characters shared by two texts yields a common key.
* **Candidates, when a phrase is crowded**: an index returns at most ``PER_KEY`` sources
  per key (a stock phrase shared by thousands of reports cannot blow a query up), so a
  key found that often may hide the true source. Where a key comes back crowded, its
  *context key* (the gram with the next fingerprint, :func:`.fingerprints.context_keys`)
  is looked up too; texts store it in place of a crowded key. A fingerprint still
  crowded tells nothing: a passage's candidate sources are judged on the other, *telling*
  fingerprints, a crowded one counting as possibly any source's.
* **Confirmation**: a query passage's candidate sources are those holding a third of its
  telling fingerprints (``HIT_SHARE``, rounded down; a near-copy keeps most of them, a
  stock phrase inside a longer paragraph does not), the best ``SOURCES_PER_PASSAGE`` by
  count, ties going to the source most other passages share (a template-made report is
  traced to few sources). At most ``MAX_SOURCES`` texts are fetched: every passage's first
  choice before any second choice, and passages with telling fingerprints before those
  made only of crowded ones. The passage is compared with every source passage (any
  level) containing a shared fingerprint. Equal normalised text scores 1.0; otherwise the
  score is ``max(jaccard, containment)`` over 3-character shingle sets, where containment
  is the share of the *query* passage's shingles found in the source passage (a short
  paragraph pasted into a longer one counts; a long paragraph that merely contains a
  short source paragraph does not — its sentence does). Below ``THRESHOLD`` but above
  ``ALIGN_FLOOR``, the two are aligned character by character (:func:`aligned_similarity`):
  an inserted clause or a swapped word breaks only its own place, not the rest. A score
  of ``THRESHOLD = 0.8`` or more is a match.
* The best source passage per query passage is reported (highest score, then the
  tightest source span); passages inside an exactly matched passage are not searched
  again, and a sentence or clause match inside a larger match of the same source is
  dropped.
* Within one text a repeated gram is stored once (its first position): a text made of one
  character repeated 50,000 times stores one row, not 50,000.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import islice

from .fingerprints import (
    FINGERPRINT_VERSION,
    MIN_NORM_CHARS,
    PER_KEY,
    WINDOW,
    Fingerprints,
    K,
    Normed,
    context_keys,
    crowded_contexts,
    first_places,
    index_rows,
    normalise,
    winnow,
)

__all__ = [
    "FINGERPRINT_VERSION",
    "K",
    "MIN_NORM_CHARS",
    "PER_KEY",
    "THRESHOLD",
    "WINDOW",
    "CopyIndex",
    "CopyMatch",
    "Fingerprints",
    "Passage",
    "aligned_similarity",
    "context_keys",
    "copied_share",
    "crowded_contexts",
    "find_copies",
    "first_places",
    "index_rows",
    "normalise",
    "position_hits",
    "similarity",
    "split_passages",
    "winnow",
]

SHINGLE = 3
THRESHOLD = 0.8
SOURCES_PER_PASSAGE = 3
MAX_SOURCES = 32
#: a source must hold at least 1/HIT_SHARE of a passage's fingerprints to be compared
HIT_SHARE = 3
#: shingle similarity from which a pair of passages is also aligned character by character
ALIGN_FLOOR = 0.4
#: aligned runs shorter than this many characters are chance, not copied text
MIN_BLOCK = 3
#: a source passage found whole inside ours matches only if it makes up this much of ours
MIN_OWN_COVER = 0.6

_LINE_RE = re.compile(r"[^\n]+")
_SENT_RE = re.compile(r"[^。!?;！？；]+[。!?;！？；]*")
_CLAUSE_RE = re.compile(r"[^,，:：]+[,，:：]*")
#: sentences longer than this (normalised) are also cut into comma-clause chunks
LONG_SENTENCE = 60
CHUNK_CHARS = 30


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph or sentence: ``text[start:end]`` and its normalised form."""

    start: int
    end: int
    norm: str
    kind: str = "paragraph"


@dataclass(frozen=True, slots=True)
class CopyMatch:
    """A passage of the query text that also stands in ``source``."""

    start: int
    end: int
    source: str
    source_start: int
    source_end: int
    similarity: float


def split_passages(text: str, normed: Normed | None = None) -> list[Passage]:
    """Paragraphs and (for multi-sentence paragraphs) sentences of ``text``.

    Passages shorter than ``MIN_NORM_CHARS`` normalised characters are left out.
    """
    normed = normed or Normed(text)
    out: list[Passage] = []
    for lm in _LINE_RE.finditer(text):
        out.extend(_line_passages(text, lm.start(), lm.end(), normed))
    return out


def _line_passages(text: str, ls: int, le: int, normed: Normed) -> list[Passage]:
    """The passages of the line ``text[ls:le]``: paragraph, then its sentences and clauses."""
    out: list[Passage] = []
    sents = [(m.start(), m.end()) for m in _SENT_RE.finditer(text, ls, le)]
    pnorm = normed.of(ls, le)
    if len(pnorm) >= MIN_NORM_CHARS:
        s0, e0 = _trim(text, ls, le)
        out.append(Passage(s0, e0, pnorm, "paragraph"))
    for a, b in sents:
        snorm = normed.of(a, b) if len(sents) > 1 else pnorm
        if len(sents) > 1 and len(snorm) >= MIN_NORM_CHARS:
            s0, e0 = _trim(text, a, b)
            out.append(Passage(s0, e0, snorm, "sentence"))
        if len(snorm) >= LONG_SENTENCE:
            out.extend(_chunks(text, a, b, normed))
    return out


def _chunks(text: str, a: int, b: int, normed: Normed) -> list[Passage]:
    """Comma-clause chunks of the long sentence ``text[a:b]``, each of ``CHUNK_CHARS``+."""
    out: list[Passage] = []
    cs = a
    for m in _CLAUSE_RE.finditer(text, a, b):
        norm = normed.of(cs, m.end())
        if len(norm) >= CHUNK_CHARS:
            s0, e0 = _trim(text, cs, m.end())
            out.append(Passage(s0, e0, norm, "clause"))
            cs = m.end()
    norm = normed.of(cs, b)
    if norm and len(norm) >= MIN_NORM_CHARS:
        s0, e0 = _trim(text, cs, b)
        out.append(Passage(s0, e0, norm, "clause"))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t\r\u3000":
        s += 1
    while e > s and text[e - 1] in " \t\r\u3000":
        e -= 1
    return s, e


def _shingles(norm: str) -> frozenset[str]:
    if len(norm) < SHINGLE:
        return frozenset((norm,)) if norm else frozenset()
    return frozenset([norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)])


def _sim_sets(mine: frozenset[str], theirs: frozenset[str]) -> tuple[float, float]:
    if not mine or not theirs:
        return 0.0, 0.0
    inter = len(mine & theirs)
    return inter / (len(mine) + len(theirs) - inter), inter / len(mine)


def similarity(a_norm: str, b_norm: str) -> tuple[float, float]:
    """``(jaccard, share of a's shingles found in b)`` over 3-character shingle sets."""
    return _sim_sets(_shingles(a_norm), _shingles(b_norm))


def copied_share(text: str, matches: Iterable[CopyMatch]) -> float:
    """Share of the characters of ``text`` covered by ``matches`` (0..1)."""
    if not text:
        return 0.0
    spans = sorted((m.start, m.end) for m in matches)
    covered = 0
    cur_s = cur_e = -1
    for s, e in spans:
        if s > cur_e:
            covered += max(0, cur_e - cur_s)
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    covered += max(0, cur_e - cur_s)
    return round(covered / len(text), 4)


#: ``lookup(keys)`` → for each key found, at most ``PER_KEY`` ``(source, offset)`` hits
Lookup = Callable[[Sequence[int]], Mapping[int, Sequence[tuple[str, int]]]]
#: ``fetch(sources)`` → the full text of each source still there
Fetch = Callable[[Collection[str]], Mapping[str, str]]


class _SourcePassages:
    """Passages of candidate source texts, split line by line only where hits fall."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts
        self._lines: dict[tuple[str, int], list[Passage]] = {}
        self._shingles: dict[tuple[str, int, int], frozenset[str]] = {}

    def containing(self, source: str, offsets: Iterable[int]) -> list[Passage]:
        text = self.texts.get(source)
        if text is None:
            return []
        out: dict[tuple[int, int], Passage] = {}
        for offset in offsets:
            ls = text.rfind("\n", 0, offset) + 1
            passages = self._lines.get((source, ls))
            if passages is None:
                le = text.find("\n", offset)
                le = len(text) if le < 0 else le
                passages = _line_passages(text, ls, le, Normed(text, ls, le))
                self._lines[(source, ls)] = passages
            for p in passages:
                if p.start <= offset < p.end:
                    out.setdefault((p.start, p.end), p)
        return list(out.values())

    def shingles(self, source: str, p: Passage) -> frozenset[str]:
        key = (source, p.start, p.end)
        if key not in self._shingles:
            self._shingles[key] = _shingles(p.norm)
        return self._shingles[key]


def find_copies(
    text: str,
    lookup: Lookup,
    fetch: Fetch,
    *,
    fps: Fingerprints | None = None,
    threshold: float = THRESHOLD,
) -> list[CopyMatch]:
    """The matching rule shared by every index (in memory here, PostgreSQL in the portal).

    ``lookup`` finds indexed texts sharing fingerprints with ``text``; ``fetch`` returns
    the candidate sources' texts, whose passages around the shared fingerprints are then
    compared with ``text``'s passages (see the module notes).
    """
    normed = fps.normed if fps is not None and fps.normed is not None else Normed(text)
    passages = split_passages(text, normed)
    if fps is None:
        fps = winnow(text, normed)
    if not passages or not len(fps):
        return []
    hits = dict(lookup(sorted(set(fps.keys))))
    if not hits:
        return []
    contexts = crowded_contexts(fps, hits)
    if contexts:
        hits.update(lookup(sorted(set(contexts.values()))))
    views = position_hits(fps, hits)
    judged = [_passage_hits(p, fps, views) for p in passages]
    local = [found for found, _ in judged]
    # Among equally good sources a passage takes the one most other passages share, so a
    # template-made report is traced to few sources and few texts are fetched.
    shared = Counter(source for found in local for source in found)
    wanted = [
        sorted(found, key=lambda s, f=found: (-len(f[s]), -shared[s], s))[:SOURCES_PER_PASSAGE]
        for found in local
    ]
    ranked = _fetch_order(wanted, [told for _, told in judged], shared)[:MAX_SOURCES]
    cache = _SourcePassages(fetch(ranked) if ranked else {})
    found_matches: list[tuple[Passage, CopyMatch]] = []
    exact_spans: list[tuple[int, int]] = []
    for p, found, order in zip(passages, local, wanted, strict=True):
        if not order or any(s <= p.start and p.end <= e for s, e in exact_spans):
            continue
        match = _best_source_passage(p, ((s, cache.containing(s, found[s])) for s in order))
        if match is None:
            match = _best_near_duplicate(p, order, found, cache, threshold)
        if match is not None:
            found_matches.append((p, match))
            if match.similarity == 1.0:
                exact_spans.append((p.start, p.end))
    return _drop_nested(found_matches)


def _fetch_order(wanted: list[list[str]], told: list[bool], shared: Counter) -> list[str]:
    """Sources in the order their texts are worth fetching: the first choice of a passage
    with telling fingerprints, then its other choices, then the choices of passages made
    only of crowded ones (a phrase many texts share); within each, the most shared first."""
    tier: dict[str, int] = {}
    for order, telling in zip(wanted, told, strict=True):
        for rank, source in enumerate(order):
            level = (0 if telling else 2) + (rank > 0)
            tier[source] = min(level, tier.get(source, level))
    return sorted(tier, key=lambda s: (tier[s], -shared[s], s))


def position_hits(
    fps: Fingerprints, hits: Mapping[int, Sequence[tuple[str, int]]]
) -> list[Sequence[tuple[str, int]]]:
    """What the lookup found for each fingerprint: its key's hits or, where those are
    crowded and its context key was found, the context key's hits (``context_keys``)."""
    contexts = crowded_contexts(fps, hits)
    views: list[Sequence[tuple[str, int]]] = []
    for i, key in enumerate(fps.keys):
        found = hits.get(contexts[i]) if i in contexts else None
        views.append(found or hits.get(key, ()))
    return views


def _passage_hits(
    p: Passage, fps: Fingerprints, views: Sequence[Sequence[tuple[str, int]]]
) -> tuple[dict[str, list[int]], bool]:
    """source → offsets of its hits inside ``p``, for sources sharing enough of ``p``, and
    whether ``p`` has telling fingerprints.

    A fingerprint the lookup found ``PER_KEY`` times is *crowded*: a phrase many texts
    share, whose list may stop before the true source. Only the other fingerprints tell
    sources apart, so when the passage has any, a source is counted and kept by those
    alone (the first texts to quote a stock phrase do not crowd out the true source of a
    paragraph opening with it); a passage made only of crowded ones is judged on all.
    """
    found: dict[str, list[int]] = {}
    telling: dict[str, list[int]] = {}
    inside = inside_telling = 0
    for i in range(bisect_left(fps.starts, p.start), bisect_left(fps.starts, p.end)):
        if fps.ends[i] <= p.end:
            inside += 1
            crowded = len(views[i]) >= PER_KEY
            inside_telling += not crowded
            for source, offset in views[i]:
                found.setdefault(source, []).append(offset)
                if not crowded:
                    telling.setdefault(source, []).append(offset)
    # A source holding 80 % of the passage shares most of its fingerprints; one sharing
    # under a third of them (a stock phrase inside a longer paragraph) is not worth a look.
    need = max(1, inside // HIT_SHARE)
    if inside_telling:
        # A crowded fingerprint may hide the source: it counts for every source, so a
        # short passage of common words still reaches its source by its one telling gram.
        hidden = inside - inside_telling
        found, need = telling, max(1, min(inside_telling // HIT_SHARE, need - hidden))
    kept = {s: offsets for s, offsets in found.items() if len(offsets) >= need}
    return kept, bool(inside_telling)


def _best_source_passage(
    p: Passage, candidates: Iterable[tuple[str, list[Passage]]]
) -> CopyMatch | None:
    """The tightest source passage with exactly ``p``'s normalised text, sources in order."""
    for source, sps in candidates:
        same = [sp for sp in sps if sp.norm == p.norm]
        if same:
            sp = min(same, key=lambda x: (x.end - x.start, x.start))
            return CopyMatch(p.start, p.end, source, sp.start, sp.end, 1.0)
    return None


def _best_near_duplicate(
    p: Passage,
    order: list[str],
    found: Mapping[str, list[int]],
    cache: _SourcePassages,
    threshold: float,
) -> CopyMatch | None:
    mine = _shingles(p.norm)
    # Source passages this much shorter than ours can match by no measure.
    least = min(threshold, MIN_OWN_COVER) * len(p.norm) - SHINGLE
    best: CopyMatch | None = None
    best_rank = (0.0, 0)
    for source in order:
        for sp in cache.containing(source, found[source]):
            if len(sp.norm) < least:
                continue
            jaccard, contained = _sim_sets(mine, cache.shingles(source, sp))
            score = max(jaccard, contained)
            if score < threshold and max(contained, jaccard) >= ALIGN_FLOOR:
                score = aligned_similarity(p.norm, sp.norm, threshold)
            rank = (score, sp.start - sp.end)  # best score, then the tightest span
            if score >= threshold and (best is None or rank > best_rank):
                best_rank = rank
                best = CopyMatch(p.start, p.end, source, sp.start, sp.end, score)
    return best


def aligned_similarity(mine: str, theirs: str, threshold: float = THRESHOLD) -> float:
    """How much of two normalised passages is the same text in the same order.

    The characters of ``mine`` that align with ``theirs`` in order (difflib's matching
    blocks of ``MIN_BLOCK``+ characters) count; an inserted clause or a swapped word breaks
    only its own place, not the rest. The passage matches when the aligned characters are
    ``threshold`` of it, or when they are ``threshold`` of the source passage and still
    ``MIN_OWN_COVER`` of it (a source paragraph with a clause inserted): then the score is
    their share of both passages together (Dice), at least ``threshold``. Fewer than
    ``MIN_NORM_CHARS`` aligned characters (a sentence's worth) never match. Otherwise 0.
    """
    if not mine or not theirs:
        return 0.0
    blocks = SequenceMatcher(None, mine, theirs, autojunk=False).get_matching_blocks()
    same = sum(b.size for b in blocks if b.size >= MIN_BLOCK)
    if same < MIN_NORM_CHARS:  # less than a sentence's worth in common is chance
        return 0.0
    if same >= threshold * len(mine):
        return same / len(mine)
    if same >= threshold * len(theirs) and same >= MIN_OWN_COVER * len(mine):
        return max(threshold, 2 * same / (len(mine) + len(theirs)))
    return 0.0


_LEVEL = {"paragraph": 0, "sentence": 1, "clause": 2}


def _drop_nested(found: list[tuple[Passage, CopyMatch]]) -> list[CopyMatch]:
    """Drop a sentence or clause match lying inside a larger match of the same source."""
    outer = [(m.start, m.end, m.source, _LEVEL[p.kind]) for p, m in found]
    out = []
    for p, m in found:
        level = _LEVEL[p.kind]
        if level and any(
            s <= m.start and m.end <= e and src == m.source and lv < level
            for s, e, src, lv in outer
        ):
            continue
        out.append(m)
    out.sort(key=lambda m: (m.start, m.end))
    return out


@dataclass(slots=True)
class CopyIndex:
    """In-memory index of fingerprints (what the CLI uses; the portal's is in PostgreSQL)."""

    threshold: float = THRESHOLD
    _texts: dict[str, str] = field(default_factory=dict)
    _keys: dict[int, list[tuple[str, int]]] = field(default_factory=dict)

    def add(self, source_id: str, text: str) -> int:
        """Index ``text`` under ``source_id``; returns the number of fingerprints stored.

        Stored as the portal's index stores them (``first_places`` after a lookup): a key
        ``PER_KEY`` other texts hold gives way to its context key.
        """
        self._texts[source_id] = text
        fps = winnow(text)
        lookup = self._lookup(source_id)
        held = lookup(sorted(set(fps.keys)))
        contexts = crowded_contexts(fps, held)
        if contexts:
            held.update(lookup(sorted(set(contexts.values()))))
        rows = first_places(fps, held)
        for key, start in rows.items():
            self._keys.setdefault(key, []).append((source_id, start))
        return len(rows)

    def _lookup(self, exclude_source: str | None) -> Callable[[Sequence[int]], dict]:
        def lookup(keys: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
            out = {}
            for key in keys:
                rows = self._keys.get(key)
                if rows:
                    kept = list(islice((r for r in rows if r[0] != exclude_source), PER_KEY))
                    if kept:
                        out[key] = kept
            return out

        return lookup

    def __len__(self) -> int:
        return len(self._texts)

    def query(self, text: str, exclude_source: str | None = None) -> list[CopyMatch]:
        """Passages of ``text`` found in indexed texts other than ``exclude_source``."""

        def fetch(sources: Collection[str]) -> dict[str, str]:
            return {s: self._texts[s] for s in sources if s in self._texts}

        return find_copies(text, self._lookup(exclude_source), fetch, threshold=self.threshold)
