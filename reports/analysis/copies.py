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
* **Candidates come from winnowed k-gram fingerprints** (Schleimer, Wilkerson and Aiken,
  "Winnowing", SIGMOD 2003 — the scheme behind MOSS) over the normalised text of the whole
  report: every ``K = 6``-character gram is hashed and the least gram of every
  ``WINDOW = 15`` consecutive grams is kept. Any run of ``K + WINDOW - 1 = 20`` normalised
  characters (= ``MIN_NORM_CHARS``) shared by two texts therefore yields at least one
  common fingerprint, whatever order "least" means, as long as it depends on the gram
  alone. Grams across a line break or in a line shorter than a passage are dropped (they
  can never be part of a match). An index stores ``(key, offset of the gram in the
  original text)`` per fingerprint, each key once per text, and nothing per passage.
* **The order is an open-syncmer order** (Edgar, "Syncmers", PeerJ 2021; Groot Koerkamp,
  Liu and Pibiri, "The open-closed mod-minimizer algorithm", 2024, which ranks open
  syncmers first): grams whose middle character (``SYNC_AT``) has the lowest character hash
  among the gram's characters come first, then by the gram's hash. Such grams rarely stand
  close together, so neighbouring windows more often keep the same gram and fewer grams
  are kept than with a random order (about 2 / (w + 1)):
  on the corpus 5,548 index rows instead of 7,183, on the benchmark's reports 487 instead
  of 619 per report (−21 %), with the same 20-character guarantee and the same matches
  found (corpus copies, pasted paragraphs with 0–3 two-character swaps). Every stored row
  costs PostgreSQL an index insert, so this is what the indexing rate rests on
  (benchmarks/RESULTS.md). Shorter grams (6 instead of 8) let the window grow at the same
  guarantee; a 6-ideograph gram is still specific, and one shared by many schools is
  stored ``PER_KEY`` times only.
  History: the first version kept MinHash LSH band keys per passage (~150 passages × 16
  bands ≈ 2,500 rows per report, 23–29 reports/s into PostgreSQL); scheme 2 was random
  winnowing with 8-character grams and window 13. A wider window at the same gram length
  (20: ~430 rows) was tried and dropped: it missed a 45-character paragraph with a
  two-character synonym swap.
* Keys are signed 64-bit integers from a fixed multiply/xor-shift hash of the code
  points (fits a PostgreSQL ``bigint``), stable across processes and machines and pinned
  in a test. Changing them means bumping ``FINGERPRINT_VERSION`` and rebuilding stored
  indexes (migration 0009 did so for scheme 3).
* **Confirmation**: a query passage's candidate sources are those holding at least a third
  of the fingerprints inside it (``HIT_SHARE``; a near-copy keeps most of them, a stock
  phrase inside a longer paragraph does not), the best ``SOURCES_PER_PASSAGE`` by count,
  ties going to the source most other passages share (a template-made report is traced to
  few sources, so few texts are fetched: at most ``MAX_SOURCES``). The passage is compared
  with every source passage (any level) containing a shared fingerprint. Equal normalised
  text scores 1.0; otherwise the score is ``max(jaccard, containment)`` over 3-character
  shingle sets, where containment is the share of the *query* passage's shingles found in
  the source passage (a short paragraph pasted into a longer one counts; a long paragraph
  that merely contains a short source paragraph does not — its sentence does). A score of
  ``THRESHOLD = 0.8`` or more is a match.
* An index returns at most ``PER_KEY`` sources per key (a stock phrase shared by
  thousands of reports cannot blow a query up); the best source passage per query passage
  is reported (highest score, then the tightest source span); passages inside an exactly
  matched passage are not searched again, and a sentence or clause match inside a larger
  match of the same source is dropped.
* Within one text a repeated gram is stored once (its first position): a text made of one
  character repeated 50,000 times stores one row, not 50,000.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from .text import fold

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
    "copied_share",
    "find_copies",
    "first_places",
    "index_rows",
    "normalise",
    "similarity",
    "split_passages",
    "winnow",
]

MIN_NORM_CHARS = 20
K = 6
WINDOW = 15
FINGERPRINT_VERSION = 3
SHINGLE = 3
THRESHOLD = 0.8
PER_KEY = 4
SOURCES_PER_PASSAGE = 3
MAX_SOURCES = 32
#: a source must hold at least 1/HIT_SHARE of a passage's fingerprints to be compared
HIT_SHARE = 3

_KEEP_RE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z]+")
_LINE_RE = re.compile(r"[^\n]+")
_SENT_RE = re.compile(r"[^。!?;！？；]+[。!?;！？；]*")
_CLAUSE_RE = re.compile(r"[^,，:：]+[,，:：]*")
#: sentences longer than this (normalised) are also cut into comma-clause chunks
LONG_SENTENCE = 60
CHUNK_CHARS = 30

_U64 = np.uint64
_rng = np.random.default_rng(20240601)  # fixed seed: stored keys must never change
_GRAM_MULT = _U64(int(_rng.integers(1, 2**63)) | 1)
_GRAM_SEED = _U64(int(_rng.integers(1, 2**63)))
_MIX1 = _U64(0xBF58476D1CE4E5B9)
_MIX2 = _U64(0x94D049BB133111EB)
_CHAR_MULT = _U64(int(_rng.integers(1, 2**63)) | 1)
#: a gram is preferred when this character of it hashes lowest among its characters
SYNC_AT = (K - 1) // 2


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


def normalise(s: str) -> str:
    """Fold width, keep only CJK ideographs and ASCII letters, lower-case the letters."""
    return _KEEP_RE.sub("", fold(s)).lower()


def split_passages(text: str, normed: _Normed | None = None) -> list[Passage]:
    """Paragraphs and (for multi-sentence paragraphs) sentences of ``text``.

    Passages shorter than ``MIN_NORM_CHARS`` normalised characters are left out.
    """
    normed = normed or _Normed(text)
    out: list[Passage] = []
    for lm in _LINE_RE.finditer(text):
        out.extend(_line_passages(text, lm.start(), lm.end(), normed))
    return out


def _line_passages(text: str, ls: int, le: int, normed: _Normed) -> list[Passage]:
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


def _chunks(text: str, a: int, b: int, normed: _Normed) -> list[Passage]:
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


def _mix(x: np.ndarray) -> np.ndarray:
    x = (x ^ (x >> _U64(30))) * _MIX1
    x = (x ^ (x >> _U64(27))) * _MIX2
    return x ^ (x >> _U64(31))


def _norm_codes(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of ``normalise(text)`` and, for each, its offset and line in ``text``."""
    cps = np.frombuffer(fold(text).encode("utf-32-le"), dtype="<u4")
    upper = (cps >= 0x41) & (cps <= 0x5A)
    keep = (
        ((cps >= 0x4E00) & (cps <= 0x9FFF))
        | ((cps >= 0x3400) & (cps <= 0x4DBF))
        | ((cps >= 0x61) & (cps <= 0x7A))
        | upper
    )
    offsets = np.flatnonzero(keep)
    codes = (cps[offsets] + upper[offsets] * np.uint32(32)).astype(np.uint64)
    lines = np.cumsum(cps == 0x0A)[offsets]
    return codes, offsets, lines


class _Normed:
    """``normalise()`` of any span of one text, from one vectorised pass over the text."""

    __slots__ = ("codes", "lines", "norm", "offsets", "_offsets")

    def __init__(self, text: str, start: int = 0, end: int | None = None) -> None:
        """Of ``text[start:end]`` (offsets stay those of ``text``)."""
        self.codes, self.offsets, self.lines = _norm_codes(text[start:end])
        if start:
            self.offsets = self.offsets + start
        self.norm = self.codes.astype("<u4").tobytes().decode("utf-32-le")
        self._offsets = self.offsets.tolist()

    def of(self, start: int, end: int) -> str:
        """``normalise(text[start:end])``."""
        return self.norm[bisect_left(self._offsets, start) : bisect_left(self._offsets, end)]


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """The winnowed grams of one text, in text order.

    ``keys[i]`` is the gram's hash; ``starts[i]``/``ends[i]`` are the offsets of its first
    character and just past its last one in the original text (punctuation, digits and
    masks between its characters included).
    """

    keys: list[int]
    starts: list[int]
    ends: list[int]
    #: the text's normalisation, kept so a later split of the same text does not redo it
    normed: _Normed | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.keys)


def _sliding(op: np.ufunc, values: np.ndarray, width: int) -> np.ndarray:
    """``op`` (minimum or maximum) of every ``width`` consecutive ``values``, by doubling:
    the extreme over a span is that of two spans covering it, so ~2·log2(width)
    vectorised steps replace a ``len(values) × width`` scan."""
    pieces = {1: values}
    span = 1
    while span * 2 <= width:
        prev = pieces[span]
        pieces[span * 2] = op(prev[:-span], prev[span:])
        span *= 2
    out, covered = pieces[span], span
    while covered < width:  # the rest of the width from the largest pieces that fit
        piece = max(p for p in pieces if p <= width - covered)
        out = op(out[: len(out) - piece], pieces[piece][covered : covered + len(out) - piece])
        covered += piece
    return out


def _window_minima(acc: np.ndarray, width: int) -> np.ndarray:
    """The positions winnowing keeps: the leftmost minimum of every ``width`` consecutive
    values of ``acc``, each position once, in order.

    A position is some window's minimum exactly when it equals the largest of the minima
    of the windows containing it. Equal values (a gram repeated within a window) are the
    one case where that can keep more than the leftmost; there the windows are scanned.
    """
    n = len(acc)
    minima = _sliding(np.minimum, acc, width)
    # Position j lies in windows max(0, j-width+1) .. min(j, n-width): padding with the
    # first and last window's minimum makes every position's range ``width`` long.
    padded = np.concatenate((np.full(width - 1, minima[0]), minima, np.full(width - 1, minima[-1])))
    kept = np.flatnonzero(_sliding(np.maximum, padded, width)[:n] == acc)
    if len(kept) > 1 and np.any((acc[kept[1:]] == acc[kept[:-1]]) & (np.diff(kept) < width)):
        windows = np.lib.stride_tricks.sliding_window_view(acc, width)
        chosen = windows.argmin(axis=1) + np.arange(n - width + 1)
        return chosen[np.r_[True, chosen[1:] != chosen[:-1]]]
    return kept


def _rank(acc: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """The order winnowing takes minima in: grams whose ``SYNC_AT``-th character hashes
    lowest among their characters (open syncmers) first, then by the gram's hash."""
    chars = _mix(codes * _CHAR_MULT)
    lowest = _sliding(np.minimum, chars, K)[:n]
    late = (chars[SYNC_AT : SYNC_AT + n] != lowest).astype(np.uint64)
    return (acc >> _U64(1)) | (late << _U64(63))


def winnow(text: str, normed: _Normed | None = None) -> Fingerprints:
    """Winnowed ``K``-gram fingerprints of ``text`` (see the module notes)."""
    normed = normed or _Normed(text)
    codes, offsets = normed.codes, normed.offsets
    n = len(codes) - K + 1
    if n <= 0:
        return Fingerprints([], [], [], normed)
    acc = np.full(n, _GRAM_SEED, dtype=np.uint64)
    for j in range(K):  # a polynomial over the gram's code points (mod 2**64), then mixed
        acc = acc * _GRAM_MULT + codes[j : j + n]
    acc = _mix(acc)
    chosen = _window_minima(_rank(acc, codes, n), min(WINDOW, n))
    # A gram across a line break, or in a line too short to be a passage, can never be
    # part of a match: it is neither looked up nor stored.
    first, last = normed.lines[chosen], normed.lines[chosen + K - 1]
    chosen = chosen[(first == last) & (np.bincount(normed.lines)[first] >= MIN_NORM_CHARS)]
    return Fingerprints(
        acc[chosen].view(np.int64).tolist(),
        offsets[chosen].tolist(),
        (offsets[chosen + K - 1] + 1).tolist(),
        normed,
    )


def first_places(fps: Fingerprints, held: Mapping[int, Sized] | None = None) -> dict[int, int]:
    """What an index stores for one text: key → offset of its first place, in text order.

    Each key once. Keys that ``held`` (what a lookup just found) shows ``PER_KEY`` other
    texts holding are left out: a lookup would return no more than those anyway.
    """
    out: dict[int, int] = {}
    for key, start in zip(fps.keys, fps.starts, strict=True):
        if key not in out and (held is None or len(held.get(key, ())) < PER_KEY):
            out[key] = start
    return out


def index_rows(fps: Fingerprints) -> list[tuple[int, int]]:
    """``first_places`` as ``(key, start)`` pairs."""
    return list(first_places(fps).items())


def _shingles(norm: str) -> frozenset[str]:
    if len(norm) < SHINGLE:
        return frozenset((norm,)) if norm else frozenset()
    return frozenset(norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1))


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
                passages = _line_passages(text, ls, le, _Normed(text, ls, le))
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
    normed = fps.normed if fps is not None and fps.normed is not None else _Normed(text)
    passages = split_passages(text, normed)
    if fps is None:
        fps = winnow(text, normed)
    if not passages or not len(fps):
        return []
    hits = lookup(sorted(set(fps.keys)))
    if not hits:
        return []
    local = [_passage_hits(p, fps, hits) for p in passages]
    # Among equally good sources a passage takes the one most other passages share, so a
    # template-made report is traced to few sources and few texts are fetched.
    shared = Counter(source for found in local for source in found)
    wanted = [
        sorted(found, key=lambda s, f=found: (-len(f[s]), -shared[s], s))[:SOURCES_PER_PASSAGE]
        for found in local
    ]
    ranked = sorted(shared, key=lambda s: (-shared[s], s))[:MAX_SOURCES]
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


def _passage_hits(
    p: Passage, fps: Fingerprints, hits: Mapping[int, Sequence[tuple[str, int]]]
) -> dict[str, list[int]]:
    """source → offsets of its hits inside ``p``, for sources sharing enough of ``p``."""
    found: dict[str, list[int]] = {}
    inside = 0
    for i in range(bisect_left(fps.starts, p.start), bisect_left(fps.starts, p.end)):
        if fps.ends[i] <= p.end:
            inside += 1
            for source, offset in hits.get(fps.keys[i], ()):
                found.setdefault(source, []).append(offset)
    # A source holding 80 % of the passage shares most of its fingerprints; one sharing
    # under a third of them (a stock phrase inside a longer paragraph) is not worth a look.
    need = max(1, math.ceil(inside / HIT_SHARE))
    return {s: offsets for s, offsets in found.items() if len(offsets) >= need}


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
    # Fewer shingles than threshold × ours can reach neither Jaccard nor containment.
    least = threshold * len(mine)
    best: CopyMatch | None = None
    best_rank = (0.0, 0)
    for source in order:
        for sp in cache.containing(source, found[source]):
            if len(sp.norm) - SHINGLE + 1 < least:
                continue
            score = max(_sim_sets(mine, cache.shingles(source, sp)))
            rank = (score, sp.start - sp.end)  # best score, then the tightest span
            if score >= threshold and (best is None or rank > best_rank):
                best_rank = rank
                best = CopyMatch(p.start, p.end, source, sp.start, sp.end, score)
    return best


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
        """Index ``text`` under ``source_id``; returns the number of fingerprints stored."""
        self._texts[source_id] = text
        rows = index_rows(winnow(text))
        for key, start in rows:
            self._keys.setdefault(key, []).append((source_id, start))
        return len(rows)

    def __len__(self) -> int:
        return len(self._texts)

    def query(self, text: str, exclude_source: str | None = None) -> list[CopyMatch]:
        """Passages of ``text`` found in indexed texts other than ``exclude_source``."""

        def lookup(keys: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
            out = {}
            for key in keys:
                rows = self._keys.get(key)
                if rows:
                    kept = list(islice((r for r in rows if r[0] != exclude_source), PER_KEY))
                    if kept:
                        out[key] = kept
            return out

        def fetch(sources: Collection[str]) -> dict[str, str]:
            return {s: self._texts[s] for s in sources if s in self._texts}

        return find_copies(text, lookup, fetch, threshold=self.threshold)
