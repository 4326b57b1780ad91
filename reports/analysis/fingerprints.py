"""Fingerprints of a text for copy detection: winnowed k-gram hashes (plain Python + NumPy).

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
  are kept than with a random order (about 2 / (w + 1)): about a fifth fewer rows per
  report with the same 20-character guarantee and the same matches found (figures in
  benchmarks/RESULTS.md). Every stored row costs PostgreSQL an index insert, so this is
  what the indexing rate rests on. Shorter grams (6 instead of 8) let the window grow at the same
  guarantee; a 6-ideograph gram is still specific, and one shared by many schools is
  stored ``PER_KEY`` times only.
* Keys are signed 64-bit integers from a fixed multiply/xor-shift hash of the code
  points (fits a PostgreSQL ``bigint``), stable across processes and machines and pinned
  in a test. Changing them means bumping ``FINGERPRINT_VERSION`` and rebuilding stored
  indexes (migration 0009 did so for scheme 3).
* **normalise()** is the text the grams are taken from; see :mod:`.copies` for why digits,
  punctuation and masks go.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sized
from dataclasses import dataclass, field

import numpy as np

from .text import fold

MIN_NORM_CHARS = 20
K = 6
WINDOW = 15
FINGERPRINT_VERSION = 3
#: an index keeps (and returns) at most this many other texts under one key
PER_KEY = 4
_KEEP_RE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z]+")

_U64 = np.uint64
_rng = np.random.default_rng(20240601)  # fixed seed: stored keys must never change
_GRAM_MULT = _U64(int(_rng.integers(1, 2**63)) | 1)
_GRAM_SEED = _U64(int(_rng.integers(1, 2**63)))
_MIX1 = _U64(0xBF58476D1CE4E5B9)
_MIX2 = _U64(0x94D049BB133111EB)
_CHAR_MULT = _U64(int(_rng.integers(1, 2**63)) | 1)
_PAIR_MULT = _U64(int(_rng.integers(1, 2**63)) | 1)
#: a gram is preferred when this character of it hashes lowest among its characters
SYNC_AT = (K - 1) // 2


def normalise(s: str) -> str:
    """Fold width, keep only CJK ideographs and ASCII letters, lower-case the letters."""
    return _KEEP_RE.sub("", fold(s)).lower()


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


class Normed:
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
    normed: Normed | None = field(default=None, repr=False, compare=False)

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


def winnow(text: str, normed: Normed | None = None) -> Fingerprints:
    """Winnowed ``K``-gram fingerprints of ``text`` (see the module notes)."""
    normed = normed or Normed(text)
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


def context_keys(fps: Fingerprints) -> list[int]:
    """Key of each fingerprint together with the next one (the last has none).

    A gram many texts share (``PER_KEY`` of them already under its key) tells sources
    apart no more; the same gram followed by the same next fingerprint — a dozen or more
    characters of context — is again rare. An index stores this *context key* in place of
    such a crowded key, and a lookup asks for it where a key came back crowded, so the
    true source of a passage written in common words is not hidden behind the first texts
    to use them.
    """
    n = len(fps.keys)
    if n < 2:
        return []
    keys = np.array(fps.keys, dtype=np.int64).view(np.uint64)
    return _mix(keys[:-1] * _PAIR_MULT + keys[1:]).view(np.int64).tolist()


def crowded_contexts(fps: Fingerprints, held: Mapping[int, Sized]) -> dict[int, int]:
    """Position → context key, for the fingerprints ``held`` shows crowded."""
    contexts = context_keys(fps)
    return {
        i: contexts[i]
        for i, key in enumerate(fps.keys[: len(contexts)])
        if len(held.get(key, ())) >= PER_KEY
    }


def first_places(fps: Fingerprints, held: Mapping[int, Sized] | None = None) -> dict[int, int]:
    """What an index stores for one text: key → offset of its first place, in text order.

    Each key once. ``held`` is what a lookup just found (for the text's keys and for the
    context keys of its crowded ones): a key it shows ``PER_KEY`` other texts holding is
    not stored (a lookup would return no more than those anyway); its context key is, unless
    that is crowded too (then the passage is a phrase many texts share).
    """
    out: dict[int, int] = {}
    contexts = crowded_contexts(fps, held) if held is not None else {}
    for i, (key, start) in enumerate(zip(fps.keys, fps.starts, strict=True)):
        if i in contexts:
            key = contexts[i]
        if key not in out and (held is None or len(held.get(key, ())) < PER_KEY):
            out[key] = start
    return out


def index_rows(fps: Fingerprints) -> list[tuple[int, int]]:
    """``first_places`` as ``(key, start)`` pairs."""
    return list(first_places(fps).items())
