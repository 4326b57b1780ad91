"""套用他校 and 数据异常 at province and national scale: what one analysis pays to find other
units' names and the county's figures, as the org tree grows.

Run:  bash benchmarks/run.sh peers [--sizes 1000,20000,200000] [--runs 7]

Builds one national tree step by step (教育部 → provinces → cities of 10 counties → counties
of 150 schools), with names as real ones are formed (白水县教育局, 白水县河口镇中心小学,
白水县第二中学, 松林区实验学校, 城关学区 …; a few dozen odd names such as 城关一中 that end
in no usual suffix), and one national campaign in which every school has a submitted
version with its indicator values. At each size it analyses the same county school's
~5,500-character report (a real corpus text with another county's school, a county name
and a partner school in a cooperation clause planted in it) and times
``pipeline.reviewer_checks`` (the names + peers step: 套用他校, 数据异常 with the previous
period, 照搬上期 without one) and its two parts alone: the names (``other_unit_names`` +
``find_other_names``) and the county's figures (``peer_values``). Per part: median wall
ms, this process's CPU ms, the PostgreSQL backend's CPU ms (both from
/proc/PID/schedstat: steadier than wall time on a shared machine), and SQL queries.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import CharField, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import peers, pipeline  # noqa: E402
from reports.analysis.names import find_other_names  # noqa: E402
from reports.models import Campaign, Organization, Report, ReportVersion  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
PER_COUNTY = 150
COUNTIES_PER_CITY = 10
CITIES_PER_PROVINCE = 14
PLACE_CHARS = "青白松河石柳云岭清平安宁东西南北长永丰兴富华新阳山水江湖桥林泉溪峰川龙凤金玉"
COUNTY_ENDINGS = ["县"] * 6 + ["区"] * 3 + ["市", "旗"]
TOWN_ENDINGS = ["镇", "镇", "乡"]
SCHOOL_PATTERNS = [
    "{town}中心小学",
    "{town}中学",
    "{town}小学",
    "{town}九年一贯制学校",
    "{town}中心幼儿园",
    "第{n}小学",
    "第{n}中学",
    "实验学校",
    "实验小学",
    "{town}{village}村小学",
    "{town}{village}村教学点",
    "{town}中心校",
]
ODD_EVERY = 5000  # one school in 5,000 has a name ending in no usual suffix (城关一中)
NUMERALS = "一二三四五六七八九十"


class Tree:
    """The national tree, grown in bulk; ``counties`` in creation order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.root = Organization.objects.create(name="教育部", code="N0", kind="province")
        self.provinces: list[Organization] = []
        self.cities: list[Organization] = []
        self.counties: list[Organization] = []
        self.schools = 0
        self.campaign = Campaign.objects.create(
            title="全国双减自查",
            period="2025—2026学年第一学期",
            issuer=self.root,
            target_unit=self.root,
            opens_at=timezone.now() - timedelta(days=10),
            deadline=timezone.now() + timedelta(days=5),
            status="published",
        )

    def place(self, chars: int = 2) -> str:
        return "".join(self.rng.choices(PLACE_CHARS, k=chars))

    def unit(self, name: str, code: str, kind: str, parent: Organization) -> Organization:
        return Organization.objects.create(name=name, code=code, kind=kind, parent=parent)

    def grow(self, schools: int) -> None:
        while self.schools < schools:
            if len(self.counties) % COUNTIES_PER_CITY == 0:
                if len(self.cities) % CITIES_PER_PROVINCE == 0:
                    n = len(self.provinces)
                    self.provinces.append(
                        self.unit(f"{self.place()}省教育厅", f"N0P{n}", "province", self.root)
                    )
                n = len(self.cities)
                self.cities.append(
                    self.unit(f"{self.place()}市教育局", f"N0C{n}", "city", self.provinces[-1])
                )
            n = len(self.counties)
            ending = self.rng.choice(COUNTY_ENDINGS)
            county = self.unit(
                f"{self.place()}{ending}教育局", f"N0K{n}", "county", self.cities[-1]
            )
            self.counties.append(county)
            self.add_schools(county, min(PER_COUNTY, schools - self.schools))

    def add_schools(self, county: Organization, n: int) -> None:
        prefix = county.name.removesuffix("教育局")
        towns = [self.place() + self.rng.choice(TOWN_ENDINGS) for _ in range(12)]
        Organization.objects.create(
            name=f"{prefix}{towns[0]}学区",
            code=f"{county.code}D",
            kind="district",
            parent=county,
        )
        units = []
        for i in range(n):
            pattern = SCHOOL_PATTERNS[i % len(SCHOOL_PATTERNS)]
            name = prefix + pattern.format(
                town=towns[i % len(towns)], n=NUMERALS[i % 10], village=self.place()
            )
            if (self.schools + i) % ODD_EVERY == ODD_EVERY - 1:
                name = f"{prefix}{towns[i % len(towns)]}一中"
            units.append(
                Organization(
                    name=name,
                    code=f"{county.code}S{i}",
                    kind="school",
                    school_type="primary",
                    parent=county,
                    path="",
                )
            )
        Organization.objects.bulk_create(units, batch_size=5000)
        Organization.objects.filter(parent=county, kind="school").update(
            path=Concat(Value(county.path), Cast("id", CharField()), Value("/")),
            depth=county.depth + 1,
        )
        self.schools += n
        self.add_reports(county)

    def add_reports(self, county: Organization) -> None:
        now = timezone.now()
        schools = Organization.objects.filter(parent=county, kind="school").values_list(
            "pk", flat=True
        )
        reports = []
        for pk in schools:
            enrolment = self.rng.randrange(300, 2000)
            values = {
                "enrolment": enrolment,
                "after_school_days": 5,
                "after_school_students": int(enrolment * 0.9),
                "homework_grade36": self.rng.choice([40, 45, 50, 55, 60]),
                "pe_minutes": self.rng.choice([50, 60, 70]),
                "phones_managed": True,
            }
            reports.append(
                Report(
                    campaign=self.campaign,
                    organization_id=pk,
                    state="submitted",
                    version=1,
                    submitted_at=now,
                    indicator_values=values,
                )
            )
        Report.objects.bulk_create(reports, batch_size=5000)
        ReportVersion.objects.bulk_create(
            [
                ReportVersion(
                    report=r,
                    number=1,
                    indicator_values=r.indicator_values,
                    text="一、自查情况及成效\n……",
                    submitted_at=now,
                )
                for r in reports
            ],
            batch_size=5000,
        )


def report_text(tree: Tree) -> str:
    """A real ~5,500-character report with another county's school, a county's name and a
    partner school (in a cooperation clause) planted in it."""
    text = (CORPUS / "001_0eafb63ebc767690.txt").read_text(encoding="utf-8")[:5400]
    other_county = tree.counties[1]
    other_school = Organization.objects.filter(parent=other_county, kind="school").first()
    place = other_county.name.removesuffix("教育局")
    partner = Organization.objects.filter(parent=tree.counties[2], kind="school").first()
    return (
        f"{other_school.name}始终把落实“双减”作为校长工程，班子成员分包年级。\n"
        f"按照{place}的要求，学校调整了作息。\n"
        f"本学期我校与{partner.name}结对帮扶，共同研究分层作业设计。\n" + text
    )


def analysed_version(tree: Tree, text: str) -> ReportVersion:
    school = Organization.objects.filter(parent=tree.counties[0], kind="school").first()
    report = Report.objects.get(campaign=tree.campaign, organization=school)
    values = {**report.indicator_values, "homework_grade36": 180}
    # a bench fixture: versions are immutable through the model, not through an update
    ReportVersion.objects.filter(report=report, number=1).update(text=text, indicator_values=values)
    return ReportVersion.objects.select_related("report__organization", "report__campaign").get(
        report=report, number=1
    )


def backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def cpu_ns(pid: int | str) -> int:
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def measure(fn: Callable[[], object], runs: int) -> dict:
    fn()  # warm-up: connection, imports, the database's cache
    pg = backend_pid()
    walls, mine, theirs = [], [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            c0, p0, t0 = cpu_ns("self"), cpu_ns(pg), time.perf_counter()
            out = fn()
            walls.append((time.perf_counter() - t0) * 1000)
            mine.append((cpu_ns("self") - c0) / 1e6)
            theirs.append((cpu_ns(pg) - p0) / 1e6)
    return {
        "ms": statistics.median(walls),
        "cpu": statistics.median(mine),
        "pg": statistics.median(theirs),
        "queries": len(queries),
        "out": out,
    }


def names_step(version: ReportVersion) -> Callable[[], list]:
    school, text = version.report.organization, version.text
    if "text" in inspect.signature(peers.other_unit_names).parameters:
        return lambda: find_other_names(text, peers.other_unit_names(school, text))
    return lambda: find_other_names(text, peers.other_unit_names(school))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,20000,200000")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--label", default="", help="a word for the table's title (before/after)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tree = Tree(random.Random(19))
    labels = dict(pipeline._indicator_labels())
    rows = []
    for size in sizes:
        t0 = time.perf_counter()
        tree.grow(size)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        built = time.perf_counter() - t0
        version = analysed_version(tree, report_text(tree))
        names = measure(names_step(version), args.runs)
        peer = measure(lambda v=version: peers.peer_values(v), args.runs)
        step = measure(lambda v=version: pipeline.reviewer_checks(v, labels), args.runs)
        found = [n["name"] for n in step["out"]["other_names"]]
        flagged = [(a["indicator"], a["kind"]) for a in step["out"]["anomalies"]]
        peer_count = len(peer["out"].get("homework_grade36", []))
        units = Organization.objects.count()
        rows.append((size, units, names, peer, step, found, flagged, peer_count))
        print(
            f"{size:,} schools ({units:,} units) built in {built:.0f} s;"
            f" names {found}; anomalies {flagged}; peers {peer_count}",
            file=sys.stderr,
            flush=True,
        )
    title = f" ({args.label})" if args.label else ""
    print(
        f"\n套用他校 + 数据异常 step{title}; {platform.machine()}, Python "
        f"{platform.python_version()}, PostgreSQL; `uptime`: {os.getloadavg()}\n"
    )
    print(
        "| schools | units | part | median ms | CPU ms (Python) | CPU ms (PostgreSQL) "
        "| SQL queries |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|")
    for size, units, names, peer, step, *_ in rows:
        for part, m in (("names", names), ("peers", peer), ("reviewer_checks", step)):
            print(
                f"| {size:,} | {units:,} | {part} | {m['ms']:.1f} | {m['cpu']:.1f} "
                f"| {m['pg']:.1f} | {m['queries']} |"
            )
    print()
    for size, _units, _n, _p, _s, found, flagged, peer_count in rows:
        print(f"- {size:,}: names {found}; anomalies {flagged}; peer figures {peer_count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
