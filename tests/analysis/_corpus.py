"""Corpus helpers for the analysis-engine tests (pure pytest, no Django)."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@cache
def corpus_lines(name: str) -> list[str]:
    """Lines of a corpus file (file name may be given by its 3-digit prefix)."""
    path = next(CORPUS.glob(f"{name}*.txt"))
    return path.read_text(encoding="utf-8").split("\n")


def corpus_slice(name: str, first: int, last: int) -> str:
    """1-based inclusive line range of a corpus file, joined by newlines."""
    return "\n".join(corpus_lines(name)[first - 1 : last])


@cache
def corpus_index() -> dict:
    return json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))


def corpus_documents() -> list[tuple[dict, str]]:
    """Every document of index.json with its text."""
    return [
        (d, corpus_slice(d["file"][:3], d["lines"][0], d["lines"][1]))
        for d in corpus_index()["documents"]
    ]


def require_corpus() -> None:
    if not (CORPUS / "index.json").exists():
        pytest.skip(f"corpus not found at {CORPUS}")
