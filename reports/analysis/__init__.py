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
    Fingerprints,
    Passage,
    copied_share,
    find_copies,
    normalise,
    similarity,
    split_passages,
    winnow,
)
from .engine import ANALYZER_VERSION, DEFAULT_REQUIRED, Analysis, analysis_to_dict, analyze
from .text import UndecodableText, decode_bytes, fold

__all__ = [
    "ANALYZER_VERSION",
    "DEFAULT_REQUIRED",
    "Analysis",
    "CopyIndex",
    "CopyMatch",
    "Fingerprints",
    "Passage",
    "UndecodableText",
    "analysis_to_dict",
    "analyze",
    "analyze_files",
    "copied_share",
    "find_copies",
    "decode_bytes",
    "fold",
    "normalise",
    "similarity",
    "split_passages",
    "winnow",
]


def analyze_files(*args, **kwargs):  # noqa: ANN002, ANN003 - thin re-export
    """See :func:`reports.analysis.cli.analyze_files`."""
    from .cli import analyze_files as _af

    return _af(*args, **kwargs)
