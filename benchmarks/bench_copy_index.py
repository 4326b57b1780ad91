"""Copy index benchmark on PostgreSQL: indexing rate, query latency as the index grows, RSS.

Run:  bash benchmarks/run.sh copy_index --sizes 2000,10000,20000

Reports are ~5,000 characters, built from corpus sentences (shared boilerplate, the worst
case for candidate lists) mixed with unique synthetic sentences, and 30 % of query reports
paste paragraphs of indexed ones. Indexing rate is measured on the real code path
(``copyindex.index_version``); the bulk of the index is then filled with the same
fingerprints through COPY so larger sizes can be reached in minutes. Query latency is
``copyindex.query`` for one new report (SQL candidate lookups + Python confirmation).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import copyindex  # noqa: E402
from reports.analysis import copies  # noqa: E402
from reports.models import (  # noqa: E402
    Campaign,
    CopyPassage,
    Organization,
    Report,
    ReportVersion,
)

CORPUS = ROOT.parent / "shared" / "corpus"


def sentence_pool() -> tuple[list[str], str]:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    sentences = [s + "。" for s in re.split(r"[。\n]", text) if 12 <= len(s) <= 80]
    chars = "".join(sorted(set(re.sub(r"[^\u4e00-\u9fff]", "", text))))
    return sentences, chars


def make_text(rng: random.Random, pool: list[str], chars: str, paste: list[str] = ()) -> str:
    paragraphs = list(paste)
    size = sum(map(len, paragraphs))
    while size < 5000:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            if rng.random() < 0.5:
                sentences.append(rng.choice(pool))
            else:
                sentences.append("".join(rng.choices(chars, k=rng.randint(15, 45))) + "。")
        paragraph = "".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph)
    rng.shuffle(paragraphs)
    return "\n".join(paragraphs)


def create_versions(n: int, start: int, texts: list[str]) -> list[ReportVersion]:
    county = Organization.objects.get(code="BENCH-COUNTY")
    campaign = Campaign.objects.get(title="bench")
    schools = Organization.objects.bulk_create(
        [
            Organization(
                name=f"学校{i}", code=f"B{i:09d}", kind="school", parent=county, path=f"/b/{i}/"
            )
            for i in range(start, start + n)
        ]
    )
    reports = Report.objects.bulk_create(
        [Report(campaign=campaign, organization=s, version=1, state="submitted") for s in schools]
    )
    now = timezone.now()
    versions = ReportVersion.objects.bulk_create(
        [
            ReportVersion(report=r, number=1, text=t, submitted_at=now)
            for r, t in zip(reports, texts, strict=True)
        ]
    )
    for version, report in zip(versions, reports, strict=True):
        version.report = report  # carries organization_id without a query
    return versions


def copy_fill(versions: list[ReportVersion]) -> None:
    """Same rows as index_version, written with COPY."""
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM reports_copypassage")
        next_id = cur.fetchone()[0] + 1
        passages, bands = [], []
        for v in versions:
            for fp in copies.fingerprint(v.text):
                passages.append(
                    (
                        next_id,
                        v.pk,
                        v.report.organization_id,
                        fp.start,
                        fp.end,
                        fp.norm_len,
                        fp.exact,
                    )
                )
                bands.extend((next_id, k, v.report.organization_id) for k in fp.bands)
                next_id += 1
        columns = 'id, version_id, owner_id, start, "end", norm_len, exact'
        with cur.copy(f"COPY reports_copypassage ({columns}) FROM STDIN") as cp:
            for row in passages:
                cp.write_row(row)
        with cur.copy("COPY reports_copyband (passage_id, key, owner_id) FROM STDIN") as cp:
            for row in bands:
                cp.write_row(row)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('reports_copypassage', 'id'), %s)", [next_id]
        )
    raw.commit()


WORKER_SCRIPT = """
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
import django
django.setup()
from reports.pipeline import run_analysis
ids = json.loads(sys.argv[1])
began = time.perf_counter()
for pk in ids:
    run_analysis(pk, force=True)
elapsed = time.perf_counter() - began
# VmHWM is this process's own peak (ru_maxrss would include the parent's, from the fork).
status = open("/proc/self/status").read()
hwm_kb = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({{"per_report_ms": elapsed / len(ids) * 1000, "rss_mb": hwm_kb / 1024}}))
"""


def worker_run(versions_sample: list[int]) -> dict:
    """What one worker process costs: the real task body, in a fresh interpreter."""
    import json
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", WORKER_SCRIPT.format(root=str(ROOT)), json.dumps(versions_sample)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real-index", type=int, default=500)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(7)
    pool, chars = sentence_pool()

    province = Organization.objects.create(name="基准省", code="BENCH-P", kind="province")
    county = Organization.objects.create(
        name="基准县", code="BENCH-COUNTY", kind="county", parent=province
    )
    now = timezone.now()
    Campaign.objects.create(
        title="bench",
        period="p",
        issuer=county,
        target_unit=county,
        opens_at=now - timezone.timedelta(days=1),
        deadline=now + timezone.timedelta(days=1),
    )

    rows = []
    indexed = 0
    # Indexing rate on the real code path.
    texts = [make_text(rng, pool, chars) for _ in range(args.real_index)]
    versions = create_versions(args.real_index, 0, texts)
    began = time.perf_counter()
    for v in versions:
        copyindex.index_version(v)
    index_rate = len(versions) / (time.perf_counter() - began)
    indexed = len(versions)
    sample_texts = texts[:200]

    for size in sizes:
        while indexed < size:
            batch = min(2000, size - indexed)
            texts = [make_text(rng, pool, chars) for _ in range(batch)]
            copy_fill(create_versions(batch, indexed, texts))
            indexed += batch
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE reports_copypassage")
            cur.execute("VACUUM ANALYZE reports_copyband")
        passages = CopyPassage.objects.count()
        timings, found = [], 0
        tracemalloc.start()
        for i in range(args.queries):
            paste = []
            if i % 10 < 3:  # 30 % paste two paragraphs of an indexed report
                paste = rng.sample(sample_texts[i % len(sample_texts)].split("\n"), 2)
            text = make_text(rng, pool, chars, paste)
            t = time.perf_counter()
            matches = copyindex.query(text)
            timings.append((time.perf_counter() - t) * 1000)
            found += bool(matches)
        heap_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        timings.sort()
        rows.append(
            (
                size,
                passages,
                statistics.median(timings),
                timings[int(len(timings) * 0.95) - 1],
                found,
                heap_mb,
            )
        )
    worker = worker_run(versions_sample=[v.pk for v in versions[:50]])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"indexing (index_version, real path): {index_rate:.0f} reports/s on one core")
    print(f"peak RSS of this process (it also builds the synthetic index): {rss:.0f} MB")
    print(
        f"worker: run_analysis (engine + copy query + indexing) of 50 versions against the "
        f"{indexed:,}-report index in a fresh process: {worker['per_report_ms']:.0f} ms per "
        f"report, peak RSS {worker['rss_mb']:.0f} MB\n"
    )
    print(
        "| reports indexed | passages | query p50 ms | query p95 ms | queries with matches "
        "| peak Python heap while querying |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size, passages, p50, p95, found, heap in rows:
        print(
            f"| {size:,} | {passages:,} | {p50:.1f} | {p95:.1f} | {found}/{args.queries} "
            f"| {heap:.1f} MB |"
        )


if __name__ == "__main__":
    main()
