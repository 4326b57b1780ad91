"""Benchmark of the province dashboard (/dashboard/) server time and query count.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--sizes 1000,5000,20000]``

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
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_exports  # noqa: E402


def measure(size: int, index: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.models import Membership, User

    cities = min(14, max(2, size // 1000))
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
    for _ in range(5):
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
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with bench_exports.postgres() as url:
        bench_exports.django_setup(url)
        os.environ["ALLOWED_HOSTS"] = "localhost"
        bench_exports.migrate()
        rows = [measure(size, i) for i, size in enumerate(sizes)]
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    print(f"\nProvince dashboard on PostgreSQL; {machine}\n")
    print("| schools (reports) | cities / counties | median ms | max ms | SQL queries |")
    print("|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['schools']:,} | {r['cities']} / {r['counties']} | {r['median_ms']} "
            f"| {r['max_ms']} | {r['queries']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
