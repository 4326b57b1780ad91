"""Load benchmark of the production stack (scripts/prod.sh) on loopback.

Run:  bash benchmarks/run_load.sh            (throwaway PostgreSQL + Redis + prod.sh + this)
      python benchmarks/bench_load.py --seed  (only seed; DATABASE_URL, CELERY_BROKER_URL set)
      python benchmarks/bench_load.py --base http://127.0.0.1:8000

Three phases, each bounded in time, all against the same running stack:
1. floor: ``/healthz`` from ``--clients`` users for ``--phase-seconds`` (requests/s);
2. autosave capacity: ``--clients`` signed-in schools autosaving as fast as answered;
   reported as autosaves/s and as a share of the floor measured a minute earlier, so a
   busy shared machine shifts both figures alike;
3. the campaign morning: ``--schools`` schools arrive together (login, home, report form,
   ``--autosaves`` autosaves, submit, report page) while ``--reviewers`` reviewers loop over
   queue + review page and a supervisor and an admin loop over dashboard and CSV export.
Then it checks that every school's submission exists and that every analysis finishes.
Prints the machine's speed at the start (CPU ms of one password hash: the host's speed
drifts), per-endpoint count, errors, p50/p95/p99 (ms), throughput, and the CPU seconds each
timed phase cost: this client's own, the server's (``--server-pids``, by part: password
hashing — the web's niced hashing threads —, the rest of the web, worker, beat, postgres,
redis), the rest of the machine's, and the idle core-seconds; ``--json`` saves them.

The client runs on the same machine, so its CPU is taken from the server's (a campus's
browsers would not be). The users' flows are written once, as coroutines, over two
clients (``--client``): ``async`` (the default), ``tests.portal_client.AsyncPortalClient``
— aiohttp in one event loop, each user one kept-alive connection as a browser keeps it;
and ``threads``, the former client kept as an option — ``PortalClient`` (urllib, a new
connection per request), each request on an OS thread of its own. Both read pages with
``tests.portal_client``'s helpers (``REPORT_LINK``, ``REVISION``, ``report_form_data``).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher  # noqa: E402
from load_world import PASSWORD, seed, wait_for_analyses  # noqa: E402

from reports.models import Campaign, Organization, Report  # noqa: E402
from tests.portal_client import (  # noqa: E402
    REPORT_LINK,
    REVISION,
    Answer,
    AsyncPortalClient,
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


def _niced_threads_cpu(pid: int) -> float:
    """CPU seconds of the threads of ``pid`` running at a niceness above 0: in a web
    process, the password-hashing threads (reports/auth.py, ``LOGIN_HASH_NICE``)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            fields = task.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[16]) > 0:  # field 19, nice
            total += int(fields[11]) + int(fields[12])  # fields 14-15, utime + stime
    return total / TICK


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
    server: dict[tuple[int, str], float]  # (pid, component) → CPU seconds


class CpuMeter:
    """CPU seconds spent during a phase by this process (the load client), by the server's
    processes (the trees under ``roots``: prod.sh's gunicorn and Celery, PostgreSQL, Redis;
    an exited child's time counts through its parent once waited for; a web process's
    niced threads counted apart, as password hashing), by everything else on the machine,
    and how many core-seconds stayed idle (/proc/stat)."""

    def __init__(self, roots: Iterable[int]) -> None:
        self.roots = set(roots)

    def _server(self) -> dict[tuple[int, str], float]:
        table = _processes()
        children: dict[int, list[int]] = defaultdict(list)
        for pid, (parent, _, _) in table.items():
            children[parent].append(pid)
        found, todo = {}, [pid for pid in self.roots if pid in table]
        while todo:
            pid = todo.pop()
            component, cpu = _component(table[pid][1]), table[pid][2]
            if component == "web":  # the password checks apart from the rest of the web
                found[pid, "password hashing"] = hashing = _niced_threads_cpu(pid)
                cpu -= hashing
            found[pid, component] = cpu
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
        for (_, component), cpu in after.server.items():  # a process gone meanwhile:
            server[component] += cpu  # its parent's children time holds all of it
        for (_, component), cpu in before.server.items():
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


def cpu_line(phase: str, cpu: dict) -> str:
    parts = ", ".join(f"{name} {value}" for name, value in cpu["server_by_part_s"].items())
    return (
        f"CPU of the {phase} ({cpu['wall_s']} s × {cpu['cores']} cores): "
        f"client {cpu['client_s']} s, server {cpu['server_s']} s ({parts}), "
        f"other {cpu['other_s']} s, idle {cpu['idle_s']} s"
    )


def reference_hash_ms(portal: bool = False) -> float:
    """How fast this machine is now: CPU milliseconds of one PBKDF2-SHA256 with Django's
    iterations on one core (best of three) through ``hashlib``, as Django computes it. The
    host's speed drifts (the same morning's work has cost 22 and 27 CPU-seconds).

    ``portal``: the same hash through the portal's own derivation (``reports.auth.derive``,
    cryptography's OpenSSL), the unit the morning's password checks are made of; hashlib's
    where a commit has none (a before/after comparison)."""
    try:
        from reports.auth import derive
    except ImportError:
        portal = False

    def one() -> None:
        if portal:
            derive("probe", "probe-salt-16chr", PBKDF2PasswordHasher.iterations)
        else:
            hashlib.pbkdf2_hmac(
                "sha256", b"probe", b"probe-salt-16chr", PBKDF2PasswordHasher.iterations
            )

    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        one()
        best = min(best, time.process_time() - started)
    return round(1000 * best, 1)


class Recorder:
    """Latencies and errors per endpoint name (one event loop: no lock needed)."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.reasons: dict[str, Counter] = defaultdict(Counter)  # "HTTP 409", "OSError", …
        self.timeline: list[tuple[float, float, str]] = []  # (start s, seconds, name)
        self.started = time.monotonic()

    async def timed(self, name: str, call: Awaitable[Answer], ok: int = 200) -> Answer | None:
        """Await ``call`` (a request not yet started), recording how long it took."""
        begin, failure = time.monotonic(), ""
        try:
            answer = await call
        except OSError as exc:
            answer, failure = None, type(exc).__name__
            if not self.errors[name]:  # the first one, to read
                print(f"{name}: {exc!r}", file=sys.stderr)
        self.samples[name].append(time.monotonic() - begin)
        self.timeline.append((begin - self.started, time.monotonic() - begin, name))
        if answer is None or answer.status != ok:
            self.errors[name] += 1
            reason = failure if answer is None else f"HTTP {answer.status}"
            self.reasons[name][reason] += 1
            if answer is not None and self.errors[name] == 1:  # the first one's page, to read
                print(f"{name}: HTTP {answer.status}: {answer.text[:300]!r}", file=sys.stderr)
        return answer

    def slowest(self, count: int = 8, skip: str = "login") -> list[str]:
        """The slowest requests but ``skip``'s, each with when it started (s into the
        phase) and how many requests were under way then: do stalls come together?"""
        rows = sorted((t for t in self.timeline if t[2] != skip), key=lambda t: -t[1])
        out = []
        for start, seconds, name in rows[:count]:
            busy = sum(1 for s, d, _ in self.timeline if s <= start < s + d)
            out.append(f"{name} {1000 * seconds:.0f} ms at {start:.2f} s ({busy} under way)")
        return out

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
                "error_reasons": dict(self.reasons[name]),
            }
        return rows


class ThreadsClient:
    """The former client, kept as ``--client threads``: ``PortalClient`` (urllib, blocking,
    a new connection per request), each request on a thread of a pool as large as the
    users, so every user in flight has an OS thread of its own, as before."""

    def __init__(self, base: str, pool: ThreadPoolExecutor) -> None:
        self.sync, self.pool = PortalClient(base), pool

    async def _run(self, call, *args) -> Answer:
        return await asyncio.get_running_loop().run_in_executor(self.pool, call, *args)

    async def get(self, path: str) -> Answer:
        return await self._run(self.sync.get, path)

    async def post(self, path: str, data: dict, headers: dict | None = None) -> Answer:
        return await self._run(self.sync.post, path, data, headers)

    async def login(self, username: str, password: str) -> Answer:
        return await self._run(self.sync.login, username, password)

    async def close(self) -> None:
        pass


Client = AsyncPortalClient | ThreadsClient


async def _all(coroutines: Iterable[Coroutine]) -> None:
    await asyncio.gather(*coroutines)


async def floor(
    new: Callable[[], Client], clients: int, seconds: float, meter: CpuMeter
) -> tuple[dict, dict]:
    users = [new() for _ in range(clients)]
    before = meter.snapshot()
    rec, deadline = Recorder(), time.monotonic() + seconds

    async def run(client: Client) -> None:
        while time.monotonic() < deadline:
            await rec.timed("healthz", client.get("/healthz"))

    await _all(run(client) for client in users)
    cpu = CpuMeter.spent(before, meter.snapshot())
    await _all(client.close() for client in users)
    return rec.table()["healthz"], cpu


async def _open_report(client: Client) -> tuple[int, int]:
    home = await client.get("/")
    pk = int(REPORT_LINK.search(home.text).group(1))
    return pk, int(REVISION.search((await client.get(f"/reports/{pk}/")).text).group(1))


async def _autosave(rec: Recorder, client: Client, pk: int, data: dict, n: int) -> dict:
    data = {**data, "section_achievements": data["section_achievements"] + f"第{n}处修改。"}
    answer = await rec.timed("autosave", client.post(f"/reports/{pk}/save/", data, HTMX))
    if answer is not None and answer.status == 200:
        data["revision"] = REVISION.search(answer.text).group(1)
    return data


async def autosave_capacity(
    new: Callable[[], Client], first: int, clients: int, seconds: float, meter: CpuMeter
) -> tuple[dict, dict]:
    sessions = []
    for n in range(first, first + clients):
        client = new()
        await client.login(f"load-school-{n}", PASSWORD)
        pk, revision = await _open_report(client)
        sessions.append((client, pk, report_form_data(revision, seed=n)))
    before = meter.snapshot()
    rec, deadline = Recorder(), time.monotonic() + seconds

    async def run(client: Client, pk: int, data: dict) -> None:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            data = await _autosave(rec, client, pk, data, n)

    await _all(run(*session) for session in sessions)
    cpu = CpuMeter.spent(before, meter.snapshot())
    await _all(client.close() for client, _, _ in sessions)
    return rec.table()["autosave"], cpu


async def school(rec: Recorder, client: Client, n: int, autosaves: int) -> None:
    try:
        await rec.timed("login page", client.get("/accounts/login/"))
        form = {"username": f"load-school-{n}", "password": PASSWORD}
        if await rec.timed("login", client.post("/accounts/login/", form)) is None:
            return
        home = await rec.timed("home", client.get("/"))
        pk = int(REPORT_LINK.search(home.text).group(1))
        page = await rec.timed("report form", client.get(f"/reports/{pk}/"))
        data = report_form_data(int(REVISION.search(page.text).group(1)), seed=n)
        for k in range(autosaves):
            data = await _autosave(rec, client, pk, data, k)
        await rec.timed("submit", client.post(f"/reports/{pk}/submit/", data))
    finally:
        await client.close()


async def _pause(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds`` (reading time) or until ``stop``; True when stopped."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def desk(
    rec: Recorder, client: Client, username: str, stop: asyncio.Event, pages, pause: float
) -> None:
    """A bureau user opening ``pages()`` (name, path) pairs, ``pause`` seconds apart
    (reading time), until ``stop``."""
    try:
        await client.login(username, PASSWORD)
        while not stop.is_set():
            for name, path in pages():
                await rec.timed(name, client.get(path))
                if await _pause(stop, pause):
                    break
    finally:
        await client.close()


async def morning(
    args: argparse.Namespace, new: Callable[[], Client], queued: list[int], export: str
) -> tuple[dict, float, dict]:
    rec, stop, meter = Recorder(), asyncio.Event(), CpuMeter(args.server_pids)

    def reviewer_pages():
        pk = queued[int(time.monotonic() * 1000) % len(queued)]
        return [("review queue", "/review/"), ("review page", f"/review/reports/{pk}/")]

    bureau = [
        desk(rec, new(), "load-reviewer", stop, reviewer_pages, 1.0) for _ in range(args.reviewers)
    ]
    bureau.append(
        desk(rec, new(), "load-supervisor", stop, lambda: [("dashboard", "/dashboard/")], 3.0)
    )
    bureau.append(desk(rec, new(), "load-admin", stop, lambda: [("csv export", export)], 5.0))
    desks = [asyncio.create_task(run) for run in bureau]
    before = meter.snapshot()
    began = time.monotonic()
    schools = [
        asyncio.create_task(school(rec, new(), n, args.autosaves))
        for n in range(1, args.schools + 1)
    ]
    done, late = await asyncio.wait(schools, timeout=args.bound)
    elapsed = time.monotonic() - began
    cpu = CpuMeter.spent(before, meter.snapshot())
    stop.set()
    _, stuck = await asyncio.wait(desks, timeout=30)
    for task in late | stuck:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            print(f"a school stopped: {task.exception()!r}", file=sys.stderr)
    print("slowest requests of the morning (login apart):\n  " + "\n  ".join(rec.slowest()))
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
    for name, r in rows.items():
        if r.get("error_reasons"):
            print(f"errors of {name}: {r['error_reasons']}")


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
        "--client",
        choices=["async", "threads"],
        default="async",
        help="async: aiohttp, one event loop (default); threads: the former urllib client",
    )
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
    county = Organization.objects.get(code="LOAD-X")
    queued = list(
        Report.objects.filter(campaign=campaign, state="submitted").values_list("pk", flat=True)
    )
    export = f"/dashboard/exports/csv/?campaign={campaign.pk}&unit={county.pk}"
    if args.client == "threads":
        pool = ThreadPoolExecutor(max(args.clients, args.schools + args.reviewers + 2))

        def new() -> Client:
            return ThreadsClient(args.base, pool)
    else:

        def new() -> Client:
            return AsyncPortalClient(args.base)

    meter = CpuMeter(args.server_pids)
    out = {
        "client": args.client,
        "reference_hash_ms": reference_hash_ms(),
        "portal_hash_ms": reference_hash_ms(portal=True),
    }
    logins = args.schools + args.reviewers + 2
    print(
        f"machine speed: one password hash (PBKDF2, {PBKDF2PasswordHasher.iterations:,} "
        f"iterations) = {out['reference_hash_ms']} ms of one core through hashlib, "
        f"{out['portal_hash_ms']} ms through the portal's derivation; the morning's {logins} "
        f"logins ≈ {logins * out['portal_hash_ms'] / 1000:.1f} core-seconds of hashing"
    )
    out["floor"], out["floor_cpu"] = asyncio.run(
        floor(new, args.clients, args.phase_seconds, meter)
    )
    out["autosave"], out["autosave_cpu"] = asyncio.run(
        autosave_capacity(new, args.schools + 1, args.clients, args.phase_seconds, meter)
    )
    out["capacity_share"] = round(out["autosave"]["per_s"] / out["floor"]["per_s"], 3)
    print_table(
        "floor and autosave capacity", {"healthz": out["floor"], **{"autosave": out["autosave"]}}
    )
    print(f"autosave capacity / healthz floor = {out['capacity_share']}")
    print(cpu_line("floor", out["floor_cpu"]))
    print(cpu_line("autosave capacity", out["autosave_cpu"]))
    out["morning"], elapsed, out["morning_cpu"] = asyncio.run(morning(args, new, queued, export))
    out["morning_seconds"] = round(elapsed, 1)
    out["checks"] = check_nothing_lost(campaign, args.schools, args.queue)
    subs = out["checks"]["submissions"]
    out["submissions_per_min"] = round(subs / elapsed * 60, 1)
    print_table(f"campaign morning: {args.schools} schools in {elapsed:.1f} s", out["morning"])
    print(f"submissions {subs}/{args.schools}, {out['submissions_per_min']}/min; {out['checks']}")
    print(cpu_line("morning", out["morning_cpu"]))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    lost = subs != args.schools or out["checks"]["analyses_done"] != args.schools + args.queue
    errors = sum(r["errors"] for r in out["morning"].values())
    sys.exit(1 if lost or errors else 0)


if __name__ == "__main__":
    main()
