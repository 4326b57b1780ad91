"""Fixtures for the analysis-engine tests (pure pytest, no Django)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._corpus import CORPUS, require_corpus


@pytest.fixture(scope="session")
def corpus_available() -> Path:
    require_corpus()
    return CORPUS
