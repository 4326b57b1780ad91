"""Command line: ``python -m reports.analysis PATH... [--topic shuangjian|teacher|grassroots]``.

Prints one JSON object per path, one per line (JSON Lines: ``jq`` and a ``for line in``
loop read it as it comes; the stable contract is documented in ``analyze_files``). Copies
are looked for between the given files and in the optional references. Needs no Django,
no settings and no database: it is what works on a fresh checkout (README).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from .boilerplate import drop_boilerplate
from .copies import CopyIndex
from .engine import analysis_to_dict, analyze
from .text import decode_bytes

__all__ = ["analyze_files", "main", "read_text", "write_lines"]


def read_text(path: str) -> str:
    """Read and decode a report file (UTF-8, else GB18030; BOM stripped)."""
    return decode_bytes(Path(path).read_bytes())


def analyze_files(
    paths: list[str],
    *,
    topic: str = "shuangjian",
    references: Iterable[tuple[str, str]] = (),
) -> list[dict[str, Any]]:
    """Analyse each path; ``copies`` compare each path with the *other* paths (source = the
    other path exactly as given) and with ``references`` (``("reference:<id>", text)``).

    Shape per path: ``path, chars, sections, placeholders, numbers, residue, topic, genre,
    burden_signals, checklist, summary, copies``.
    """
    texts = [read_text(p) for p in paths]
    index = CopyIndex()
    for p, t in zip(paths, texts, strict=True):
        index.add(p, t)
    for ref_id, ref_text in references:
        index.add(ref_id, ref_text)
    out: list[dict[str, Any]] = []
    for p, t in zip(paths, texts, strict=True):
        d: dict[str, Any] = {"path": p}
        d.update(analysis_to_dict(analyze(t, topic=topic)))
        d["copies"] = [
            {
                "start": c.start,
                "end": c.end,
                "source": c.source,
                "source_start": c.source_start,
                "source_end": c.source_end,
                "similarity": round(c.similarity, 3),
            }
            for c in drop_boilerplate(t, index.query(t, exclude_source=p))
        ]
        out.append(d)
    return out


def write_lines(results: Iterable[dict[str, Any]], out: TextIO) -> None:
    """One JSON object per line (Chinese kept readable, not ``\\u`` escaped)."""
    for item in results:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m reports.analysis", description=__doc__)
    parser.add_argument("paths", nargs="+", help="report text files")
    parser.add_argument("--topic", default="shuangjian", help="shuangjian | teacher | grassroots")
    parser.add_argument(
        "--reference", action="append", default=[], help="reference text file (repeatable)"
    )
    args = parser.parse_args(argv)
    refs = [(f"reference:{Path(r).name}", read_text(r)) for r in args.reference]
    try:
        result = analyze_files(list(args.paths), topic=args.topic, references=refs)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_lines(result, sys.stdout)
    return 0
