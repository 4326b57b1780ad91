"""Copy index benchmark on PostgreSQL: query latency and indexing rate as the index grows.

Run:  bash benchmarks/run.sh copy_index --sizes 10000,100000

Schools are spread over counties of ``SCHOOLS_PER_COUNTY`` (300). Reports are ~5,000
characters, built from corpus sentences (shared boilerplate, the worst case for candidate
lists) mixed with unique synthetic sentences; 30 % of query reports
paste two paragraphs of an indexed report, half of those with two characters changed.
The bulk of the index is filled with the real fingerprints through COPY, then thinned the
way the pipeline stores them (at most PER_KEY texts' rows under a key); the hash index is
dropped during the fill and rebuilt after, so 100,000 reports take minutes. At each size:
query latency of ``copyindex.query`` for new reports (SQL lookups + fetching candidate
texts + Python confirmation, with the time of each), then the indexing rate on the real
code path (``copyindex.index_version``: fingerprinting + marking the version indexed + COPY
into the full index, one transaction per report; on the pipeline path also
``check_and_index``'s two queries for versions indexed at the same time: its snapshot
before the lookup, and whether any version was stored unseen by it).
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
from django.db.models import CharField, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import copyindex  # noqa: E402
from reports.analysis import copies  # noqa: E402
from reports.models import (  # noqa: E402
    Campaign,
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


#: schools per synthetic county (a real county has a few hundred): the worker's 数据异常
#: check reads its county's figures, and document frequency counts counties
SCHOOLS_PER_COUNTY = 300


def _county(index: int) -> Organization:
    province = Organization.objects.get(code="BENCH-P")
    county, _ = Organization.objects.get_or_create(
        code=f"BENCH-C{index // SCHOOLS_PER_COUNTY}",
        defaults={
            "name": f"基准{index // SCHOOLS_PER_COUNTY}县",
            "kind": "county",
            "parent": province,
        },
    )
    return county


def create_versions(n: int, start: int, texts: list[str]) -> list[ReportVersion]:
    campaign = Campaign.objects.get(title="bench")
    by_county: dict[int, Organization] = {}
    for i in range(start, start + n):
        if i // SCHOOLS_PER_COUNTY not in by_county:
            by_county[i // SCHOOLS_PER_COUNTY] = _county(i)
    schools = Organization.objects.bulk_create(
        [
            Organization(
                # A name a report could write (ending in 小学): "学校12345" is an odd name,
                # which the worker's 套用他校 check reads for every report.
                name=f"基准{i}号小学",
                code=f"B{i:09d}",
                kind="school",
                parent=by_county[i // SCHOOLS_PER_COUNTY],
            )
            for i in range(start, start + n)
        ]
    )
    # Real materialised paths (bulk_create skips save(), which computes them): the worker's
    # checks read the county from a school's path.
    for county in by_county.values():
        Organization.objects.filter(pk__in=[s.pk for s in schools], parent=county).update(
            path=Concat(Value(county.path), Cast("pk", CharField()), Value("/"))
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


def copy_fill(versions: list[ReportVersion]) -> int:
    """The rows index_version writes, written with one COPY for the whole batch."""
    connection.ensure_connection()
    raw = connection.connection
    written = 0
    with raw.cursor() as cur:
        sql = "COPY reports_copykey (key, owner_id, source, pos) FROM STDIN (FORMAT BINARY)"
        with cur.copy(sql) as cp:
            cp.write(copyindex.COPY_HEADER)
            for v in versions:
                rows = copies.first_places(copies.winnow(v.text))
                if rows:
                    cp.write(copyindex.binary_rows(rows, v.report.organization_id, v.pk))
                    written += len(rows)
            cp.write(copyindex.COPY_TRAILER)
    raw.commit()
    return written


def lookup_index(drop: bool) -> None:
    with connection.cursor() as cur:
        if drop:
            cur.execute("DROP INDEX copy_key_hash")
        else:
            cur.execute("CREATE INDEX copy_key_hash ON reports_copykey USING hash (key)")


def thin() -> None:
    """Keep under each key only the first PER_KEY texts' rows, as the pipeline stores them
    (a text does not store a key PER_KEY other schools' texts already hold)."""
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM reports_copykey AS c USING ("
            "  SELECT ctid FROM ("
            "    SELECT ctid, row_number() OVER (PARTITION BY key ORDER BY source) AS n"
            "    FROM reports_copykey"
            "  ) AS ranked WHERE n > %s"
            ") AS extra WHERE c.ctid = extra.ctid",
            [copies.PER_KEY],
        )
        # The pipeline never writes those rows: leave no dead space behind them either.
        cur.execute("VACUUM FULL reports_copykey")


class Stopwatch:
    """Time spent in the index's two SQL steps during queries, and the characters of
    candidate text the fetch brought back (line breaks not counted: a windowed fetch pads
    the gaps between its windows with them)."""

    def __init__(self) -> None:
        self.spent = {"lookup": 0.0, "fetch": 0.0}
        self.fetched_chars = 0
        self.fetched_texts = 0

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                out = fn(*args, **kwargs)
            finally:
                self.spent[name] += time.perf_counter() - began
            if name == "fetch":
                self.fetched_texts += len(out)
                self.fetched_chars += sum(len(t) - t.count("\n") for t in out.values())
            return out

        return timed


#: block counters of the two tables a query reads (pg_statio_all_tables): 8 kB blocks found
#: in shared_buffers (hit) or asked of the OS (read), for the table, its indexes and, for
#: the versions, their TOAST (the texts)
BLOCKS = """
    SELECT relname, heap_blks_hit, heap_blks_read, idx_blks_hit, idx_blks_read,
           coalesce(toast_blks_hit, 0), coalesce(toast_blks_read, 0),
           coalesce(tidx_blks_hit, 0), coalesce(tidx_blks_read, 0)
    FROM pg_statio_all_tables WHERE relname IN ('reports_reportversion', 'reports_copykey')
"""


def blocks() -> dict[str, tuple[int, ...]]:
    """The counters now, this backend's own included (flushed first)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cur:  # a statement later: the flush ran in between
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute(BLOCKS)
        return {name: tuple(values) for name, *values in cur.fetchall()}


def blocks_per_query(before: dict, after: dict, queries: int) -> dict[str, float]:
    """Blocks per query: copy index (table + hash index), versions (table + its index) and
    texts (TOAST table + its index), each as hit + read."""
    d = {n: [a - b for a, b in zip(after[n], before[n], strict=True)] for n in after}
    ck, rv = d["reports_copykey"], d["reports_reportversion"]
    return {
        "index_hit": (ck[0] + ck[2]) / queries,
        "index_read": (ck[1] + ck[3]) / queries,
        "versions_hit": (rv[0] + rv[2]) / queries,
        "versions_read": (rv[1] + rv[3]) / queries,
        "toast_hit": (rv[4] + rv[6]) / queries,
        "toast_read": (rv[5] + rv[7]) / queries,
    }


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


def backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def cpu_ns(pid: int | str) -> int:
    """CPU time a process has run, in ns (/proc/PID/schedstat; PostgreSQL runs on this
    machine in the benchmark). Steadier than wall time on a VM whose speed drifts."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


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


ROUNDS = 5


def _spread(runs: list[float]) -> str:
    return f"{statistics.median(runs):.0f} [{min(runs):.0f}–{max(runs):.0f}]"


def paste_from(rng: random.Random, source: str) -> list[str]:
    """Two paragraphs of an indexed report; every other time with two characters changed."""
    paragraphs = rng.sample([p for p in source.split("\n") if len(p) > 40], 2)
    if rng.random() < 0.5:
        return paragraphs
    out = []
    for p in paragraphs:
        i = rng.randrange(len(p) - 2)
        out.append(p[:i] + "某某" + p[i + 2 :])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real-index", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(7)
    pool, chars = sentence_pool()

    province = Organization.objects.create(name="基准省", code="BENCH-P", kind="province")
    now = timezone.now()
    Campaign.objects.create(
        title="bench",
        period="p",
        issuer=province,
        target_unit=province,
        opens_at=now - timezone.timedelta(days=1),
        deadline=now + timezone.timedelta(days=1),
    )

    rows = []
    indexed = 0
    sample_texts: list[str] = []
    first_versions: list[ReportVersion] = []
    for size in sizes:
        began = time.perf_counter()
        lookup_index(drop=True)
        while indexed < size:
            batch = min(2000, size - indexed)
            texts = [make_text(rng, pool, chars) for _ in range(batch)]
            versions = create_versions(batch, indexed, texts)
            copy_fill(versions)
            if not sample_texts:
                sample_texts, first_versions = texts[:200], versions[:50]
            indexed += batch
        thin()
        lookup_index(drop=False)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE reports_copykey")
            # The versions' TOAST too, so that autovacuum does not read it during the
            # queries (its reads would be counted in their blocks).
            cur.execute("VACUUM ANALYZE reports_reportversion")
            cur.execute(
                "SELECT pg_size_pretty(pg_total_relation_size(reltoastrelid)) FROM pg_class "
                "WHERE relname = 'reports_reportversion'"
            )
            toast_size = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM reports_copykey")
            keys = cur.fetchone()[0]
            cur.execute(
                "SELECT pg_size_pretty(pg_relation_size('copy_key_hash')) || ' ('"
                " || pg_size_pretty(pg_relation_size('reports_copykey')) || ')'"
            )
            index_size = cur.fetchone()[0]
        fill_s = time.perf_counter() - began

        watch = Stopwatch()
        lookup, fetch = copyindex._lookup, copyindex._fetch
        copyindex._lookup = watch.wrap("lookup", lookup)
        copyindex._fetch = watch.wrap("fetch", fetch)
        timings, found = [], 0
        queries = []
        for i in range(args.queries):
            paste = paste_from(rng, sample_texts[i % len(sample_texts)]) if i % 10 < 3 else []
            queries.append(make_text(rng, pool, chars, paste))
        counted = blocks()
        for text in queries:
            t = time.perf_counter()
            matches = copyindex.query(text)
            timings.append((time.perf_counter() - t) * 1000)
            found += bool(matches)
        read = blocks_per_query(counted, blocks(), args.queries)
        copyindex._lookup, copyindex._fetch = lookup, fetch
        # Python heap in a separate pass: tracemalloc slows every allocation down.
        tracemalloc.start()
        for text in queries[:20]:
            copyindex.query(text)
        heap_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        timings.sort()

        # Indexing on the real code path, into the full index: as the pipeline does it,
        # after the query's lookup (keys held by PER_KEY other schools are not stored),
        # and alone, with nothing known (every fingerprint stored).
        # Five rounds of fresh reports each; the median and the spread are printed (this
        # VM's speed drifts by a third from minute to minute).
        rates, cpu = [], []
        backend = backend_pid()
        for after_query in (True, False):
            runs, stored = [], 0
            client_ns = server_ns = 0
            for _ in range(ROUNDS):
                texts = [make_text(rng, pool, chars) for _ in range(args.real_index)]
                versions = create_versions(args.real_index, indexed, texts)
                indexed += len(versions)
                spent = 0.0
                for v in versions:
                    t, c, b = time.perf_counter(), cpu_ns("self"), cpu_ns(backend)
                    fps = copies.winnow(v.text)
                    if after_query:  # check_and_index's steps around the lookup and COPY
                        before = copyindex.snapshot()
                    spent += time.perf_counter() - t
                    client_ns += cpu_ns("self") - c
                    held = None
                    if after_query:
                        b0 = cpu_ns(backend)
                        held, _ = copyindex.lookup_text(fps, v.report.organization_id)
                        b += cpu_ns(backend) - b0  # the lookup belongs to the query
                    t, c = time.perf_counter(), cpu_ns("self")
                    stored += copyindex.index_version(v, fps, held)
                    if after_query:
                        copyindex._any_unseen(before, v.pk)
                    spent += time.perf_counter() - t
                    client_ns += cpu_ns("self") - c
                    server_ns += cpu_ns(backend) - b
                runs.append(len(versions) / spent)
            rates.append((sorted(runs), stored / (ROUNDS * args.real_index)))
            n = ROUNDS * args.real_index
            cpu.append((client_ns / n / 1e6, server_ns / n / 1e6))
        rows.append(
            {
                "size": size,
                "keys": keys,
                "index_size": index_size,
                "fill_s": fill_s,
                "p50": statistics.median(timings),
                "p95": timings[int(len(timings) * 0.95) - 1],
                "lookup": watch.spent["lookup"] * 1000 / args.queries,
                "fetch": watch.spent["fetch"] * 1000 / args.queries,
                "found": found,
                "blocks": read,
                "toast_size": toast_size,
                "texts": watch.fetched_texts / args.queries,
                "chars": watch.fetched_chars / args.queries,
                "heap": heap_mb,
                "rate": _spread(rates[0][0]),
                "rows_per": rates[0][1],
                "rate_cold": _spread(rates[1][0]),
                "rows_cold": rates[1][1],
                "cpu": cpu[0],
            }
        )
    print(
        "| reports indexed | fingerprint rows | hash index (table) size "
        "| query p50 ms | query p95 ms "
        "| of which SQL lookup / text fetch, mean ms | queries with matches "
        "| peak Python heap while querying "
        "| indexing after the query, reports/s: median [range of 5 rounds] (rows per report) "
        "| indexing alone, reports/s (rows per report) "
        "| CPU per report indexed after the query: Python + PostgreSQL backend, ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['size']:,} | {r['keys']:,} | {r['index_size']} | {r['p50']:.1f} "
            f"| {r['p95']:.1f} | {r['lookup']:.1f} / {r['fetch']:.1f} "
            f"| {r['found']}/{args.queries} | {r['heap']:.1f} MB "
            f"| {r['rate']} ({r['rows_per']:.0f}) "
            f"| {r['rate_cold']} ({r['rows_cold']:.0f}) "
            f"| {r['cpu'][0]:.2f} + {r['cpu'][1]:.2f} = {sum(r['cpu']):.2f} |"
        )
    print(
        "\n| reports indexed | texts' TOAST size | candidate texts fetched per query "
        "| characters fetched per query | blocks per query, hit + read: copy index "
        "| versions | texts (TOAST) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        b = r["blocks"]
        print(
            f"| {r['size']:,} | {r['toast_size']} | {r['texts']:.1f} | {r['chars']:,.0f} "
            f"| {b['index_hit']:.0f} + {b['index_read']:.0f} "
            f"| {b['versions_hit']:.0f} + {b['versions_read']:.0f} "
            f"| {b['toast_hit']:.0f} + {b['toast_read']:.0f} |"
        )
    print(
        "\nfill times (COPY + thinning + hash index + VACUUM): "
        + ", ".join(f"{r['size']:,}: {r['fill_s']:.0f} s" for r in rows)
    )
    # Last: the table above is printed whatever happens to the worker's run. The org tree
    # analysed first, as autovacuum would have by then (the 套用他校 lookup's plan).
    with connection.cursor() as cur:
        cur.execute("ANALYZE reports_organization")
    worker = worker_run(versions_sample=[v.pk for v in first_versions])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (it also builds the synthetic index): {rss:.0f} MB")
    print(
        f"worker: run_analysis (engine + copy query + indexing) of 50 versions against the "
        f"{indexed:,}-report index in a fresh process: {worker['per_report_ms']:.0f} ms per "
        f"report, peak RSS {worker['rss_mb']:.0f} MB\n"
    )


if __name__ == "__main__":
    main()
