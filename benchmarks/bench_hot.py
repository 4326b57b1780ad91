"""CPU and SQL queries of the hot requests, one request at a time (issue 17).

Run: ``bash benchmarks/run.sh hot [--schools 150 --queue 150 --runs 20]`` (throwaway
PostgreSQL + Redis, migrated; ``DEBUG=0``).

Builds the load world (``load_world.seed``: one county, ``--schools`` schools with an
empty draft, ``--queue`` schools whose report is submitted through the real workflow and
analysed in-process, a few of them opened for review), then drives each endpoint with the
Django test client (no network, no gunicorn) and reports per endpoint:

* **CPU ms**: ``time.process_time`` around the client call, median of ``--runs`` after
  ``--warmup`` calls: the Django process's CPU (PostgreSQL's own CPU is not in it), so a
  busy shared machine changes it much less than wall time;
* **wall ms**: the median wall time of the same calls (for reference only);
* **SQL**: the queries of the last call (``CaptureQueriesContext``).

The review queue's SQL is compiled once per process and input (``reports.review.compiled``);
after the warm-up it is, as in a worker that has served a few requests. "SQL compiled anew"
measures the queue with that cache emptied before every call: a worker's first request for
a scope, campaign, filter, sort and page.

Autosave posts changed text each time (so every save writes); submit submits a different
school's complete draft each time. ``--profile autosave,queue`` prints the cProfile of those
endpoints (cumulative, top 35) to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from load_world import PASSWORD, seed  # noqa: E402

from reports.models import Campaign, Report, ReportVersion, User  # noqa: E402
from reports.pipeline import run_analysis  # noqa: E402
from reports.workflow import report_open_review  # noqa: E402
from tests.portal_client import REVISION, report_form_data  # noqa: E402

HTMX = {"HTTP_HX_REQUEST": "true"}


def build(schools: int, queue: int, opened: int) -> Campaign:
    started = time.monotonic()
    seed(schools, queue)
    campaign = Campaign.objects.get(title__startswith="压测县")
    for version_id in ReportVersion.objects.filter(report__campaign=campaign).values_list(
        "pk", flat=True
    ):
        run_analysis(version_id)
    reviewer = User.objects.get(username="load-reviewer")
    waiting = Report.objects.filter(campaign=campaign, state="submitted").order_by("pk")
    for report_id in waiting.values_list("pk", flat=True)[:opened]:
        report_open_review(report_id=report_id, reviewer=reviewer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"world built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return campaign


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.runs, self.warmup, self.sql = args.runs, args.warmup, args.sql
        self.profile = set(filter(None, args.profile.split(",")))
        self.only = [o for o in args.only.split(",") if o]
        self.rows: list[dict] = []

    def measure(self, name: str, call: Callable[[int], object], ok: int = 200) -> None:
        """``call(i)`` makes request number ``i`` (warm-up ones first) and returns it."""
        if not self.wants(name):
            return
        for i in range(self.warmup):
            self._check(name, call(i), ok)
        cpu, wall = [], []
        profiler = cProfile.Profile() if any(p in name for p in self.profile) else None
        for i in range(self.warmup, self.warmup + self.runs):
            with CaptureQueriesContext(connection) as queries:
                if profiler:
                    profiler.enable()
                c0, w0 = time.process_time(), time.perf_counter()
                response = call(i)
                c1, w1 = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.disable()
            self._check(name, response, ok)
            cpu.append((c1 - c0) * 1000)
            wall.append((w1 - w0) * 1000)
        self.rows.append(
            {
                "endpoint": name,
                "cpu_ms": statistics.median(cpu),
                "wall_ms": statistics.median(wall),
                "queries": len(queries),
            }
        )
        if self.sql and self.sql in name:
            for q in queries.captured_queries:
                print(f"[{name}] {q['time']} {q['sql'][:400]}", file=sys.stderr)
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats("/reports/", 40)
            stats.sort_stats("tottime").print_stats(25)
            print(f"\n===== profile: {name} ({self.runs} calls)\n{out.getvalue()}", file=sys.stderr)

    def wants(self, name: str) -> bool:
        return not self.only or any(o in name for o in self.only)

    @staticmethod
    def _check(name: str, response, ok: int) -> None:
        if response.status_code != ok:
            raise SystemExit(f"{name}: HTTP {response.status_code}, expected {ok}")


def run(args: argparse.Namespace) -> list[dict]:
    if args.reuse:
        campaign = Campaign.objects.get(title__startswith="压测县")
    else:
        campaign = build(args.schools, args.queue, opened=min(10, args.queue // 10))
    if args.only_build:
        return []
    bench = Bench(args)
    calls = args.runs + args.warmup

    # one client (one handler: a new Client would load the middleware, whitenoise's scan of
    # the static files included, on every call), its cookies cleared: a new visitor each time
    visitor = Client()

    def login_page(i: int):
        visitor.cookies.clear()
        return visitor.get("/accounts/login/")

    bench.measure("login page GET `/accounts/login/`", login_page)

    def login(i: int):
        client = visitor
        client.cookies.clear()
        client.get("/accounts/login/")
        form = {"username": f"load-school-{2 + i % 20}", "password": PASSWORD}
        return _post(client, "/accounts/login/", form)

    # the real password hasher: its CPU is in this figure (~1 hash; the rest is the portal's)
    bench.measure("login POST `/accounts/login/` (with the hash)", login, ok=302)

    school = client_for("load-school-1")
    pk = Report.objects.get(organization__code=f"9{1:09d}").pk
    bench.measure("school home `/`", lambda i: school.get("/"))
    bench.measure("report form GET `/reports/<pk>/`", lambda i: school.get(f"/reports/{pk}/"))

    state = {"data": report_form_data(int(REVISION.search(_text(school, pk)).group(1)), seed=1)}

    def autosave(i: int):
        data = {**state["data"]}
        data["section_achievements"] += f"第{i}处修改。"
        response = _post(school, f"/reports/{pk}/save/", data, **HTMX)
        state["data"]["revision"] = REVISION.search(response.content.decode()).group(1)
        return response

    bench.measure("autosave POST `/reports/<pk>/save/`", autosave)

    # submit: another school's complete draft each time (a fresh client and report)
    submit_name = "submit POST `/reports/<pk>/submit/`"
    wants_submit = bench.wants(submit_name)
    drafts = (
        Report.objects.filter(campaign=campaign, state="draft")
        .exclude(pk=pk)
        .order_by("pk")
        .values_list("pk", "organization__code")[: calls if wants_submit else 0]
    )
    prepared = []
    for report_pk, code in drafts:
        n = int(code[1:])
        client = client_for(f"load-school-{n}")
        revision = int(REVISION.search(_text(client, report_pk)).group(1))
        prepared.append((client, report_pk, report_form_data(revision, seed=n)))
    if wants_submit and len(prepared) < calls:
        raise SystemExit("not enough drafts left to submit: build a fresh world")

    def submit(i: int):
        client, report_pk, data = prepared[i]
        return _post(client, f"/reports/{report_pk}/submit/", data)

    bench.measure(submit_name, submit, ok=302)

    reviewer = client_for("load-reviewer")
    queued = list(
        Report.objects.filter(campaign=campaign, state="submitted")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    bench.measure("review queue `/review/`", lambda i: reviewer.get("/review/"))
    compiled = _compiled_queries()
    if compiled is not None:  # the first request of its kind in a process (issue 17)

        def queue_compiling(i: int):
            compiled.clear()
            return reviewer.get("/review/")

        bench.measure("review queue, SQL compiled anew `/review/`", queue_compiling)
    bench.measure(
        "review page `/review/reports/<pk>/`",
        lambda i: reviewer.get(f"/review/reports/{queued[i % len(queued)]}/"),
    )
    supervisor = client_for("load-supervisor")
    bench.measure("supervisor dashboard `/dashboard/`", lambda i: supervisor.get("/dashboard/"))
    return bench.rows


def _compiled_queries():
    """The queue's per-process SQL (``reports.review.compiled``); None before it existed,
    so that an older commit exported for a before/after comparison runs this file too."""
    try:
        from reports.review.queries import COMPILED
    except ImportError:
        return None
    return COMPILED


def _post(client: Client, path: str, data: dict, **headers):
    """Posted as a browser (and htmx) posts a form without files: URL-encoded."""
    body = urlencode(data)
    return client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)


def _text(client: Client, pk: int) -> str:
    return client.get(f"/reports/{pk}/").content.decode()


def print_table(rows: list[dict], args: argparse.Namespace) -> None:
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(
        f"\nHot requests, Django test client on PostgreSQL; {platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores; "
        f"{args.schools + args.queue} schools ({args.queue} submitted and analysed); "
        f"median of {args.runs} after {args.warmup} warm-up; DEBUG={settings.DEBUG}; "
        f"load average {' '.join(load)}\n"
    )
    print("| endpoint | CPU ms (median) | wall ms (median) | SQL queries |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['endpoint']} | {r['cpu_ms']:.1f} | {r['wall_ms']:.1f} | {r['queries']} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=150, help="schools with a draft")
    parser.add_argument("--queue", type=int, default=150, help="schools already submitted")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", default="", help="endpoint names (substrings) to profile")
    parser.add_argument("--sql", default="", help="print the SQL of this endpoint (substring)")
    parser.add_argument("--only", default="", help="measure only these endpoints (substrings)")
    parser.add_argument("--reuse", action="store_true", help="the world is already built")
    parser.add_argument("--only-build", action="store_true", help="build the world and stop")
    args = parser.parse_args()
    wanted = [p.strip() for p in args.profile.split(",") if p.strip()]
    args.profile = ",".join(wanted)
    rows = run(args)
    if rows:
        print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
