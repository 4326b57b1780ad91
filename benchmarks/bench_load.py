"""Load benchmark of the production stack (scripts/prod.sh) on loopback.

Run:  bash benchmarks/run_load.sh            (throwaway PostgreSQL + Redis + prod.sh + this)
      python benchmarks/bench_load.py --seed  (only seed; DATABASE_URL, CELERY_BROKER_URL set)
      python benchmarks/bench_load.py --base http://127.0.0.1:8000

Three phases, each bounded in time, all against the same running stack:
1. floor: ``/healthz`` from ``--clients`` threads for ``--phase-seconds`` (requests/s);
2. autosave capacity: ``--clients`` signed-in schools autosaving as fast as answered;
   reported as autosaves/s and as a share of the floor measured a minute earlier, so a
   busy shared machine shifts both figures alike;
3. the campaign morning: ``--schools`` schools arrive together (login, home, report form,
   ``--autosaves`` autosaves, submit, report page) while ``--reviewers`` reviewers loop over
   queue + review page and a supervisor and an admin loop over dashboard and CSV export.
Then it checks that every school's submission exists and that every analysis finishes.
Prints per-endpoint count, errors, p50/p95/p99 (ms), throughput, and the CPU seconds the
morning cost: this client's own, the server's (``--server-pids``, by part: web, worker,
beat, postgres, redis), the rest of the machine's, and the idle core-seconds; ``--json``
saves them.
The client is threads + urllib (standard library) on the same machine: its CPU is counted
against the server's, as a real campus network's would not be.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from load_world import PASSWORD, seed, wait_for_analyses  # noqa: E402

from reports.models import Campaign, Organization, Report  # noqa: E402
from tests.portal_client import (  # noqa: E402
    REPORT_LINK,
    REVISION,
    Answer,
    PortalClient,
    report_form_data,
)

HTMX = {"HX-Request": "true"}


TICK = os.sysconf("SC_CLK_TCK")


def _component(command: str) -> str:
    """Which part of the stack a server process belongs to, by its command line."""
    if "gunicorn" in command:
        return "web"
    if "celery" in command:
        return "beat" if " beat" in command else "worker"
    if "postgres" in command:
        return "postgres"
    if "redis-server" in command:
        return "redis"
    return "other"


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid → (parent pid, command line, CPU seconds of the process and of its children it
    has waited for) for every process on the machine, from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # from field 3 (state) on
        # utime, stime, cutime, cstime are fields 14-17
        cpu = sum(int(value) for value in fields[11:15]) / TICK
        table[int(entry)] = (int(fields[1]), command.decode(errors="replace"), cpu)
    return table


@dataclass
class CpuSnapshot:
    at: float  # monotonic seconds
    client: float  # this process, all its threads
    busy: float  # the whole machine, all cores
    idle: float
    server: dict[int, tuple[str, float]]  # pid → (component, CPU seconds)


class CpuMeter:
    """CPU seconds spent during a phase by this process (the load client), by the server's
    processes (the trees under ``roots``: prod.sh's gunicorn and Celery, PostgreSQL, Redis;
    an exited child's time counts through its parent once waited for), by everything else
    on the machine, and how many core-seconds stayed idle (/proc/stat)."""

    def __init__(self, roots: Iterable[int]) -> None:
        self.roots = set(roots)

    def _server(self) -> dict[int, tuple[str, float]]:
        table = _processes()
        children: dict[int, list[int]] = defaultdict(list)
        for pid, (parent, _, _) in table.items():
            children[parent].append(pid)
        found, todo = {}, [pid for pid in self.roots if pid in table]
        while todo:
            pid = todo.pop()
            found[pid] = (_component(table[pid][1]), table[pid][2])
            todo.extend(children[pid])
        return found

    def snapshot(self) -> CpuSnapshot:
        with open("/proc/stat") as stat:
            # cpu  user nice system idle iowait irq softirq steal …
            ticks = [int(value) for value in stat.readline().split()[1:9]]
        idle = ticks[3] + ticks[4]
        return CpuSnapshot(
            time.monotonic(),
            time.process_time(),
            (sum(ticks) - idle) / TICK,
            idle / TICK,
            self._server(),
        )

    @staticmethod
    def spent(before: CpuSnapshot, after: CpuSnapshot) -> dict:
        server: dict[str, float] = defaultdict(float)
        for component, cpu in after.server.values():  # a process gone meanwhile: its
            server[component] += cpu  # parent's children time holds all of it
        for component, cpu in before.server.values():
            server[component] -= cpu
        client = after.client - before.client
        busy = after.busy - before.busy
        total = sum(server.values())
        return {
            "wall_s": round(after.at - before.at, 1),
            "cores": os.cpu_count(),
            "client_s": round(client, 1),
            "server_s": round(total, 1),
            "server_by_part_s": {name: round(value, 1) for name, value in sorted(server.items())},
            "other_s": round(busy - client - total, 1),
            "idle_s": round(after.idle - before.idle, 1),
        }


def cpu_line(cpu: dict) -> str:
    parts = ", ".join(f"{name} {value}" for name, value in cpu["server_by_part_s"].items())
    return (
        f"CPU of the morning ({cpu['wall_s']} s × {cpu['cores']} cores): "
        f"client {cpu['client_s']} s, server {cpu['server_s']} s ({parts}), "
        f"other {cpu['other_s']} s, idle {cpu['idle_s']} s"
    )


class Recorder:
    """Latencies and errors per endpoint name, from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.started = time.monotonic()

    def timed(self, name: str, call: Callable[[], Answer], ok: int = 200) -> Answer | None:
        begin = time.monotonic()
        try:
            answer = call()
        except OSError:
            answer = None
        elapsed = time.monotonic() - begin
        with self.lock:
            self.samples[name].append(elapsed)
            if answer is None or answer.status != ok:
                self.errors[name] += 1
        return answer

    def table(self) -> dict[str, dict[str, float]]:
        seconds = time.monotonic() - self.started
        rows = {}
        for name, values in sorted(self.samples.items()):
            ordered = sorted(values)

            def pct(p: float, ordered=ordered) -> float:
                return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

            rows[name] = {
                "count": len(ordered),
                "errors": self.errors[name],
                "per_s": round(len(ordered) / seconds, 1),
                "p50": pct(0.50),
                "p95": pct(0.95),
                "p99": pct(0.99),
            }
        return rows


def _threads(count: int, target: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def floor(base: str, clients: int, seconds: float) -> dict:
    rec, deadline = Recorder(), time.monotonic() + seconds
    client = [PortalClient(base) for _ in range(clients)]

    def run(i: int) -> None:
        while time.monotonic() < deadline:
            rec.timed("healthz", lambda: client[i].get("/healthz"))

    _threads(clients, run)
    return rec.table()["healthz"]


def _open_report(client: PortalClient) -> tuple[int, int]:
    home = client.get("/")
    pk = int(REPORT_LINK.search(home.text).group(1))
    return pk, int(REVISION.search(client.get(f"/reports/{pk}/").text).group(1))


def _autosave(rec: Recorder, client: PortalClient, pk: int, data: dict, n: int) -> dict:
    data = {**data, "section_achievements": data["section_achievements"] + f"第{n}处修改。"}
    answer = rec.timed("autosave", lambda: client.post(f"/reports/{pk}/save/", data, HTMX))
    if answer is not None and answer.status == 200:
        data["revision"] = REVISION.search(answer.text).group(1)
    return data


def autosave_capacity(base: str, first: int, clients: int, seconds: float) -> dict:
    sessions = []
    for n in range(first, first + clients):
        client = PortalClient(base)
        client.login(f"load-school-{n}", PASSWORD)
        pk, revision = _open_report(client)
        sessions.append((client, pk, report_form_data(revision, seed=n)))
    rec, deadline = Recorder(), time.monotonic() + seconds

    def run(i: int) -> None:
        client, pk, data = sessions[i]
        n = 0
        while time.monotonic() < deadline:
            n += 1
            data = _autosave(rec, client, pk, data, n)

    _threads(clients, run)
    return rec.table()["autosave"]


def school(rec: Recorder, base: str, n: int, autosaves: int) -> None:
    client = PortalClient(base)
    rec.timed("login page", lambda: client.get("/accounts/login/"))
    form = {"username": f"load-school-{n}", "password": PASSWORD}
    if rec.timed("login", lambda: client.post("/accounts/login/", form)) is None:
        return
    home = rec.timed("home", lambda: client.get("/"))
    pk = int(REPORT_LINK.search(home.text).group(1))
    page = rec.timed("report form", lambda: client.get(f"/reports/{pk}/"))
    data = report_form_data(int(REVISION.search(page.text).group(1)), seed=n)
    for k in range(autosaves):
        data = _autosave(rec, client, pk, data, k)
    rec.timed("submit", lambda: client.post(f"/reports/{pk}/submit/", data))


def desk(
    rec: Recorder, base: str, username: str, stop: threading.Event, pages, pause: float
) -> None:
    """A bureau user opening ``pages(client)`` (name, path) pairs, ``pause`` seconds apart
    (reading time), until ``stop``."""
    client = PortalClient(base)
    client.login(username, PASSWORD)
    while not stop.is_set():
        for name, path in pages(client):
            rec.timed(name, lambda path=path: client.get(path))
            if stop.wait(pause):
                break


def morning(args: argparse.Namespace, campaign: Campaign) -> tuple[dict, float, dict]:
    rec, stop, meter = Recorder(), threading.Event(), CpuMeter(args.server_pids)
    county = Organization.objects.get(code="LOAD-X")
    queued = list(
        Report.objects.filter(campaign=campaign, state="submitted").values_list("pk", flat=True)
    )

    def reviewer_pages(client):
        pk = queued[int(time.monotonic() * 1000) % len(queued)]
        return [("review queue", "/review/"), ("review page", f"/review/reports/{pk}/")]

    export = f"/dashboard/exports/csv/?campaign={campaign.pk}&unit={county.pk}"
    bureau = [
        (lambda: desk(rec, args.base, "load-reviewer", stop, reviewer_pages, 1.0))
        for _ in range(args.reviewers)
    ]
    bureau.append(
        lambda: desk(
            rec, args.base, "load-supervisor", stop, lambda c: [("dashboard", "/dashboard/")], 3.0
        )
    )
    bureau.append(
        lambda: desk(rec, args.base, "load-admin", stop, lambda c: [("csv export", export)], 5.0)
    )
    desks = [threading.Thread(target=run, daemon=True) for run in bureau]
    for thread in desks:
        thread.start()
    before = meter.snapshot()
    began = time.monotonic()
    schools = [
        threading.Thread(target=school, args=(rec, args.base, n, args.autosaves), daemon=True)
        for n in range(1, args.schools + 1)
    ]
    for thread in schools:
        thread.start()
    for thread in schools:
        thread.join(timeout=max(0.0, began + args.bound - time.monotonic()))
    elapsed = time.monotonic() - began
    cpu = CpuMeter.spent(before, meter.snapshot())
    stop.set()
    for thread in desks:
        thread.join(timeout=30)
    return rec.table(), elapsed, cpu


def check_nothing_lost(campaign: Campaign, schools: int, queue: int) -> dict:
    submitted = Report.objects.filter(
        campaign=campaign,
        organization__code__in=[f"9{n:09d}" for n in range(1, schools + 1)],
        state="submitted",
        versions__number=1,
    ).count()
    started = time.monotonic()
    done = wait_for_analyses(campaign.pk, queue + schools, seconds=120)
    return {
        "submissions": submitted,
        "analyses_done": done,
        "expected_analyses": queue + schools,
        "analysis_drain_s": round(time.monotonic() - started, 1),
    }


def print_table(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}\n| endpoint | count | errors | per s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['count']} | {r['errors']} | {r['per_s']} | {r['p50']} | "
            f"{r['p95']} | {r['p99']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seed", action="store_true", help="only seed the load world")
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--clients", type=int, default=20, help="floor and capacity phases")
    parser.add_argument("--queue", type=int, default=100, help="reports submitted beforehand")
    parser.add_argument("--autosaves", type=int, default=3)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--phase-seconds", type=float, default=10)
    parser.add_argument("--bound", type=float, default=180, help="max seconds of the morning")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--server-pids",
        type=lambda text: [int(pid) for pid in text.split(",") if pid],
        default=[],
        help="comma-separated roots of the server's process trees, for its CPU (run_load.sh)",
    )
    args = parser.parse_args()
    if args.seed:
        print(seed(args.schools + args.clients, args.queue))
        campaign = Campaign.objects.get(title__startswith="压测县")
        print("analyses done:", wait_for_analyses(campaign.pk, args.queue, seconds=300))
        return
    campaign = Campaign.objects.get(title__startswith="压测县")
    out = {"floor": floor(args.base, args.clients, args.phase_seconds)}
    out["autosave"] = autosave_capacity(
        args.base, args.schools + 1, args.clients, args.phase_seconds
    )
    out["capacity_share"] = round(out["autosave"]["per_s"] / out["floor"]["per_s"], 3)
    print_table(
        "floor and autosave capacity", {"healthz": out["floor"], **{"autosave": out["autosave"]}}
    )
    print(f"autosave capacity / healthz floor = {out['capacity_share']}")
    out["morning"], elapsed, out["morning_cpu"] = morning(args, campaign)
    out["morning_seconds"] = round(elapsed, 1)
    out["checks"] = check_nothing_lost(campaign, args.schools, args.queue)
    subs = out["checks"]["submissions"]
    out["submissions_per_min"] = round(subs / elapsed * 60, 1)
    print_table(f"campaign morning: {args.schools} schools in {elapsed:.1f} s", out["morning"])
    print(f"submissions {subs}/{args.schools}, {out['submissions_per_min']}/min; {out['checks']}")
    print(cpu_line(out["morning_cpu"]))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    lost = subs != args.schools or out["checks"]["analyses_done"] != args.schools + args.queue
    errors = sum(r["errors"] for r in out["morning"].values())
    sys.exit(1 if lost or errors else 0)


if __name__ == "__main__":
    main()
