"""Text-analysis engine for burden-reduction self-inspection reports (减负自查报告).

Plain Python — imports nothing from Django.  ``str`` in, dataclasses out::

    from reports.analysis import analyze, analysis_to_dict
    a = analyze(text, topic="shuangjian")

Modules: :mod:`.text` (decoding, width folding), :mod:`.sections`, :mod:`.placeholders`,
:mod:`.numbers`, :mod:`.residue`, :mod:`.topic` (topic and genre), :mod:`.signals`
(burden signals), :mod:`.checklist`, :mod:`.summary`, :mod:`.copies` (fingerprints and
the in-memory copy index), :mod:`.cli` (``python -m reports.analysis``).
"""

from .copies import (
    CopyIndex,
    CopyMatch,
    Passage,
    PassageFingerprint,
    band_keys,
    copied_share,
    exact_hash,
    fingerprint,
    minhash,
    normalise,
    similarity,
    split_passages,
)
from .engine import ANALYZER_VERSION, DEFAULT_REQUIRED, Analysis, analysis_to_dict, analyze
from .text import UndecodableText, decode_bytes, fold

__all__ = [
    "ANALYZER_VERSION",
    "DEFAULT_REQUIRED",
    "Analysis",
    "CopyIndex",
    "CopyMatch",
    "Passage",
    "PassageFingerprint",
    "UndecodableText",
    "analysis_to_dict",
    "analyze",
    "analyze_files",
    "band_keys",
    "copied_share",
    "decode_bytes",
    "exact_hash",
    "fingerprint",
    "fold",
    "minhash",
    "normalise",
    "similarity",
    "split_passages",
]


def analyze_files(*args, **kwargs):  # noqa: ANN002, ANN003 - thin re-export
    """See :func:`reports.analysis.cli.analyze_files`."""
    from .cli import analyze_files as _af

    return _af(*args, **kwargs)
