"""The real sample texts in ``../shared/corpus``, beside the repository.

A bare clone has no ``../shared``. Tests that measure the analysis on the real texts
(figures pinned against ``index.json``, known copies at known lines) ask for the
``corpus_available`` fixture (tests/analysis/conftest.py) or call ``require_corpus()``:
without the corpus they skip, all with the one reason ``MISSING``. Every reader here
checks first, so no test can fail with FileNotFoundError. Tests that only need a
realistic text with some phenomenon use ``tests/fixtures`` instead.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MISSING = "needs the sample corpus ../shared/corpus beside the repository (absent on a bare clone)"


def corpus_present() -> bool:
    return (CORPUS / "index.json").is_file()


def require_corpus() -> None:
    """Skip the calling test, with the one reason ``MISSING``, when the corpus is absent."""
    if not corpus_present():
        pytest.skip(MISSING)


@cache
def _lines(prefix: str) -> list[str]:
    require_corpus()
    path = next(CORPUS.glob(f"{prefix[:3]}_*.txt"))
    return path.read_text(encoding="utf-8").split("\n")


def corpus_slice(name: str, first: int, last: int) -> str:
    """Lines ``first``..``last`` (1-based, inclusive) of a corpus file, joined by newlines.

    ``name`` is the file's name or its three-digit prefix (``"000"``).
    """
    require_corpus()
    return "\n".join(_lines(name)[first - 1 : last])


@cache
def _index() -> dict:
    return json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))


def corpus_index() -> dict:
    """``index.json``: the hand inventory of documents, topics, genres and known copies."""
    require_corpus()
    return _index()


def corpus_documents() -> list[tuple[dict, str]]:
    """Every document of ``index.json`` with its text."""
    return [
        (d, corpus_slice(d["file"], d["lines"][0], d["lines"][1]))
        for d in corpus_index()["documents"]
    ]
