"""Fixtures for the analysis-engine tests (pure Python analysis, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus import CORPUS, require_corpus


@pytest.fixture(scope="session")
def corpus_available() -> Path:
    """The real sample corpus; the test skips with ``tests.corpus.MISSING`` without it."""
    require_corpus()
    return CORPUS
