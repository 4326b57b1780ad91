"""Benchmark of the province dashboard (/dashboard/) server time and query count.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--sizes 1000,5000,20000]``

Iterating on the queries: ``--keep`` leaves the throwaway PostgreSQL running after the table
(it prints its ``DATABASE_URL``; stop it with Ctrl-C or ``kill <pid>``), and a later run with
that ``DATABASE_URL`` and ``--reuse`` measures the provinces already built instead of building
them again. ``BENCH_VERBOSE=1`` prints the slowest queries of the last request.

Same database handling as ``bench_exports.py`` (``DATABASE_URL`` or a throwaway PostgreSQL).
For each size it builds a separate province (2 cities per 1,000 schools up to 14, 10 counties
each) with one report per school (80 % submitted, with versions and analyses), logs in a
province admin with the Django test client and renders the province dashboard: one warm-up,
then the median of 5 requests, timed server-side (no network, no browser), with the number
of SQL queries from ``CaptureQueriesContext``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_exports  # noqa: E402


def measure(size: int, index: int, *, runs: int = 5, reuse: bool = False) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.models import Campaign, Membership, Organization, User

    cities = min(14, max(2, size // 1000))
    province = Organization.objects.filter(code=f"D{index}P").first() if reuse else None
    if province is not None:
        campaign = Campaign.objects.get(issuer=province)
        user = User.objects.get(username=f"bench-admin-{index}")
    else:
        province = bench_exports.build_tree(
            f"D{index}", schools=size, cities=cities, counties_per_city=10
        )
        campaign = bench_exports.build_campaign(province, seed=index)
        user = User.objects.create_user(username=f"bench-admin-{index}", password="x")  # noqa: S106
        Membership.objects.create(user=user, organization=province, role="admin")
    client = Client()
    client.force_login(user)
    url = f"/dashboard/?campaign={campaign.pk}"
    response = client.get(url, HTTP_HOST="localhost")
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            times.append((time.perf_counter() - t0) * 1000)
    assert response.status_code == 200
    if os.environ.get("BENCH_VERBOSE"):
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
            print(q["time"], q["sql"][:300], file=sys.stderr)
    return {
        "schools": size,
        "cities": cities,
        "counties": cities * 10,
        "median_ms": round(statistics.median(times)),
        "max_ms": round(max(times)),
        "queries": len(queries),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--runs", type=int, default=5, help="timed requests per size (median)")
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the throwaway PostgreSQL running after the table (prints its DATABASE_URL)",
    )
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="with DATABASE_URL of a kept run: measure the provinces already built",
    )
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with bench_exports.postgres() as url:
        bench_exports.django_setup(url)
        os.environ["ALLOWED_HOSTS"] = "localhost"
        bench_exports.migrate()
        rows = [measure(size, i, runs=args.runs, reuse=args.reuse) for i, size in enumerate(sizes)]
        _print(rows)
        if args.keep:
            print(f"\nDATABASE_URL={url}  (pid {os.getpid()}; Ctrl-C or kill to stop)", flush=True)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            try:
                while True:
                    signal.pause()
            except KeyboardInterrupt:
                pass
    return 0


def _print(rows: list[dict]) -> None:
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    print(f"\nProvince dashboard on PostgreSQL; {machine}\n")
    print("| schools (reports) | cities / counties | median ms | max ms | SQL queries |")
    print("|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['schools']:,} | {r['cities']} / {r['counties']} | {r['median_ms']} "
            f"| {r['max_ms']} | {r['queries']} |"
        )


if __name__ == "__main__":
    sys.exit(main())
