"""Benchmark of the text-analysis engine (reports.analysis).

Run: ``.venv/bin/python benchmarks/bench_analysis.py [--reports 300] [--chars 5000]``

Builds realistic ~5,000-character reports by sampling paragraphs of the real sample texts
in ``../shared/corpus`` (with numbers varied so reports are not identical), then times, on
one core: every stage of ``analyze()``, the whole ``analyze()`` (chars/s, ms per report,
p50/p95), fingerprinting for the copy index (reports/s), querying an in-memory
``CopyIndex`` holding all reports (ms per report), and peak RSS.  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reports.analysis import analyze  # noqa: E402
from reports.analysis.checklist import check_coverage  # noqa: E402
from reports.analysis.copies import CopyIndex, index_rows, winnow  # noqa: E402
from reports.analysis.numbers import find_numbers  # noqa: E402
from reports.analysis.placeholders import find_placeholders  # noqa: E402
from reports.analysis.residue import find_residue  # noqa: E402
from reports.analysis.sections import find_sections  # noqa: E402
from reports.analysis.signals import find_signals  # noqa: E402
from reports.analysis.summary import summarise  # noqa: E402
from reports.analysis.text import fold  # noqa: E402
from reports.analysis.topic import detect_genre, score_topic  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def build_reports(n: int, chars: int, seed: int = 1) -> list[str]:
    """Reports of about ``chars`` characters: a heading skeleton filled with corpus
    paragraphs, numbers randomised."""
    paras: list[str] = []
    for p in sorted(CORPUS.glob("*.txt")):
        for line in p.read_text(encoding="utf-8").split("\n"):
            line = line.strip()
            if len(line) >= 30:
                paras.append(line)
    rng = random.Random(seed)
    heads = ["一、基本情况", "二、主要做法及成效", "三、存在的问题", "四、下一步工作措施"]
    out = []
    for _ in range(n):
        parts: list[str] = []
        size = 0
        h = 0
        while size < chars:
            if h < len(heads) and size >= h * chars / len(heads):
                parts.append(heads[h])
                h += 1
            para = rng.choice(paras)
            para = re.sub(r"\d+", lambda m: str(rng.randint(1, 500)), para)
            parts.append(para)
            size += len(para) + 1
        out.append("\n".join(parts)[:chars])
    return out


def timeit(fn: Callable[[], object], repeat: int = 1) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--chars", type=int, default=5000)
    args = ap.parse_args()
    reports = build_reports(args.reports, args.chars)
    total_chars = sum(map(len, reports))
    for r in reports[:20]:  # warm-up (regex compilation is at import; caches, numpy)
        analyze(r)
        winnow(r)

    # per-stage timings
    stages: dict[str, float] = dict.fromkeys(
        [
            "fold",
            "sections",
            "placeholders",
            "numbers",
            "residue",
            "topic",
            "genre",
            "burden_signals",
            "checklist",
            "summary",
        ],
        0.0,
    )
    for r in reports:
        t0 = time.perf_counter()
        f = fold(r)
        t1 = time.perf_counter()
        secs = find_sections(r, f)
        t2 = time.perf_counter()
        find_placeholders(r, f)
        t3 = time.perf_counter()
        nums = find_numbers(r, f)
        t4 = time.perf_counter()
        find_residue(r, f)
        t5 = time.perf_counter()
        score_topic(f, "shuangjian")  # as analyze() calls it: one keyword pass
        t6 = time.perf_counter()
        detect_genre(f)
        t7 = time.perf_counter()
        find_signals(r, f)
        t8 = time.perf_counter()
        check_coverage(f, "shuangjian")
        t9 = time.perf_counter()
        summarise(r, f, secs, nums)
        t10 = time.perf_counter()
        bounds = (t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10)
        for k, a, b in zip(stages, bounds[:-1], bounds[1:], strict=True):
            stages[k] += b - a

    per_report: list[float] = []
    for r in reports:
        t0 = time.perf_counter()
        analyze(r)
        per_report.append(time.perf_counter() - t0)
    total = sum(per_report)

    t0 = time.perf_counter()
    fps = [index_rows(winnow(r)) for r in reports]
    fp_time = time.perf_counter() - t0
    n_passages = sum(map(len, fps))

    index = CopyIndex()
    t0 = time.perf_counter()
    for i, r in enumerate(reports):
        index.add(f"r{i}", r)
    add_time = time.perf_counter() - t0
    q_times = []
    n_matches = 0
    for i, r in enumerate(reports):
        t0 = time.perf_counter()
        n_matches += len(index.query(r, exclude_source=f"r{i}"))
        q_times.append(time.perf_counter() - t0)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ms = sorted(x * 1000 for x in per_report)
    p50 = statistics.median(ms)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    qms = sorted(x * 1000 for x in q_times)

    print(f"# Analysis engine benchmark — {time.strftime('%Y-%m-%d')}")
    print(
        f"\n{len(reports)} reports × {args.chars} chars ({total_chars:,} chars), "
        f"Python {platform.python_version()}, {platform.machine()}, one core\n"
    )
    print("| stage | total ms | ms per report | share |")
    print("|---|---:|---:|---:|")
    st_total = sum(stages.values())
    for k, v in stages.items():
        print(f"| {k} | {v * 1000:.1f} | {v * 1000 / len(reports):.3f} | {v / st_total:.0%} |")
    print("\n| measure | value |")
    print("|---|---:|")
    print(f"| analyze() throughput | {total_chars / total / 1e6:.2f} M chars/s |")
    print(
        f"| analyze() per {args.chars}-char report, mean | {total * 1000 / len(reports):.2f} ms |"
    )
    print(f"| analyze() p50 / p95 | {p50:.2f} / {p95:.2f} ms |")
    print(
        f"| winnow() | {len(reports) / fp_time:.0f} reports/s "
        f"({n_passages / len(reports):.0f} fingerprints stored/report) |"
    )
    print(f"| CopyIndex.add() | {len(reports) / add_time:.0f} reports/s |")
    print(
        f"| CopyIndex.query() against {len(reports)} reports, p50 / p95 | "
        f"{statistics.median(qms):.2f} / {qms[int(0.95 * (len(qms) - 1))]:.2f} ms "
        f"({n_matches / len(reports):.1f} matches/report) |"
    )
    print(f"| peak RSS | {rss_mb:.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
