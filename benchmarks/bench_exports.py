"""Benchmark of the XLSX / CSV export over many reports, on PostgreSQL.

Run: ``.venv/bin/python benchmarks/bench_exports.py [--reports 100000]``

Uses ``DATABASE_URL`` when set (a database it may fill: it is migrated and written to);
otherwise starts a throwaway PostgreSQL cluster on a free port (as ``scripts/test.sh`` does:
``initdb`` as the ``postgres`` user when run as root, fsync off) and removes it afterwards.
Builds one province → 10 counties → N schools with one submitted report each (indicator
values, checklist answers, a version and an analysis), then runs each export in a fresh
child process so its peak RSS (``resource.getrusage``) is the export's alone. Prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


# ---------------------------------------------------------------- a throwaway PostgreSQL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise SystemExit(
            "PostgreSQL not installed (apt-get install postgresql) and no DATABASE_URL"
        )
    return candidates[-1].parent


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """Yield a DATABASE_URL: the environment's, or a throwaway cluster's."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    pgbin, port = _pg_bin(), _free_port()
    work = Path(tempfile.mkdtemp(prefix="jianfu-bench-"))
    work.chmod(0o755)
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = work / "pg"
    try:
        subprocess.run(
            [*prefix, str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8"],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off "
            + os.environ.get("BENCH_PG_OPTIONS", "")
        )
        subprocess.run(
            [*prefix, str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(work / "pg.log")]
            + ["-w", "-t", "60", "start", "-o", options],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*prefix, str(pgbin / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
            + ["-U", "postgres", "bench"],
            check=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/bench"
    finally:
        subprocess.run(
            [*prefix, str(pgbin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(work, ignore_errors=True)


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("CELERY_BROKER_URL", "")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="jianfu-bench-media-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# ---------------------------------------------------------------- synthetic data


def build_tree(prefix: str, *, schools: int, cities: int, counties_per_city: int):
    """A province → cities → counties → schools tree, in bulk (paths set in SQL)."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from reports.models import Organization

    province = Organization.objects.create(name=f"{prefix}省", code=f"{prefix}P", kind="province")
    counties = []
    for c in range(cities):
        city = Organization.objects.create(
            name=f"{prefix}市{c}", code=f"{prefix}C{c}", kind="city", parent=province
        )
        for k in range(counties_per_city):
            counties.append(
                Organization.objects.create(
                    name=f"{prefix}市{c}县{k}", code=f"{prefix}C{c}K{k}", kind="county", parent=city
                )
            )
    per_county = -(-schools // len(counties))
    types = ["primary", "primary", "junior", "nine_year", "complete"]
    made = 0
    for county in counties:
        n = min(per_county, schools - made)
        if n <= 0:
            break
        Organization.objects.bulk_create(
            [
                Organization(
                    name=f"{county.name}第{i + 1}学校",
                    code=f"{county.code}S{i}",
                    kind="school",
                    school_type=types[i % len(types)],
                    parent=county,
                    path="",
                )
                for i in range(n)
            ],
            batch_size=5000,
        )
        Organization.objects.filter(parent=county).update(
            path=Concat(Value(county.path), Cast("id", CharField()), Value("/")),
            depth=county.depth + 1,
        )
        made += n
    return province


INDICATORS = [
    "homework_grade12",
    "homework_grade36",
    "homework_junior",
    "enrolment",
    "after_school_days",
    "after_school_students",
    "after_school_rate",
    "pe_minutes",
    "phones_managed",
]
CHECKLIST = [
    "hw_no_grade12",
    "hw_no_punishment",
    "hw_published",
    "as_every_day",
    "as_voluntary",
    "five_phone",
    "five_sleep",
    "five_physical",
]


def build_campaign(province, *, submitted_share: float = 0.8, seed: int = 1):
    """A published campaign over the province with one report per school, most submitted,
    each submitted one with a version and an analysis."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from reports.models import (
        AnalysisResult,
        Campaign,
        ChecklistItemDefinition,
        IndicatorDefinition,
        Organization,
        Report,
        ReportVersion,
    )

    rng = random.Random(seed)
    now = timezone.now()
    campaign = Campaign.objects.create(
        title=f"{province.name}双减自查",
        period="2025—2026学年第一学期",
        issuer=province,
        target_unit=province,
        opens_at=now - timedelta(days=10),
        deadline=now + timedelta(days=2),
        status="published",
        published_at=now - timedelta(days=10),
    )
    campaign.indicators.set(IndicatorDefinition.objects.filter(code__in=INDICATORS))
    campaign.checklist_items.set(ChecklistItemDefinition.objects.filter(code__in=CHECKLIST))
    school_ids = list(
        Organization.objects.filter(path__startswith=province.path, kind="school").values_list(
            "pk", flat=True
        )
    )
    answers = ["done"] * 8 + ["partial", "na"]
    states = ["submitted"] * 5 + ["under_review", "approved", "approved", "returned"]
    batch, versions = [], []
    for org_id in school_ids:
        if rng.random() < submitted_share:
            enrolment = rng.randrange(200, 3000)
            students = int(enrolment * rng.uniform(0.7, 0.99))
            values = {
                "enrolment": enrolment,
                "after_school_students": students,
                "after_school_rate": round(students / enrolment * 100, 1),
                "after_school_days": 5,
                "homework_grade36": rng.choice([40, 50, 60, 70]),
                "homework_junior": rng.choice([60, 80, 90, 100]),
                "pe_minutes": rng.choice([50, 60, 70]),
                "phones_managed": True,
            }
            checklist = {c: {"answer": rng.choice(answers), "note": ""} for c in CHECKLIST}
            when = now - timedelta(hours=rng.randrange(1, 200))
            batch.append(
                Report(
                    campaign=campaign,
                    organization_id=org_id,
                    state=rng.choice(states),
                    revision=2,
                    version=1,
                    is_late=False,
                    submitted_at=when,
                    indicator_values=values,
                    checklist_answers=checklist,
                    sections={"problems": "个别教师作业设计能力不足。课后服务师资紧张。"},
                )
            )
        else:
            batch.append(Report(campaign=campaign, organization_id=org_id))
    Report.objects.bulk_create(batch, batch_size=5000)
    for report in Report.objects.filter(campaign=campaign, version=1).only(
        "pk", "submitted_at", "indicator_values", "checklist_answers", "sections"
    ):
        versions.append(
            ReportVersion(
                report_id=report.pk,
                number=1,
                sections=report.sections,
                indicator_values=report.indicator_values,
                checklist_answers=report.checklist_answers,
                text="一、自查情况及成效\n……",
                submitted_at=report.submitted_at,
            )
        )
    ReportVersion.objects.bulk_create(versions, batch_size=5000)
    analyses = []
    for version_id in ReportVersion.objects.filter(report__campaign=campaign).values_list(
        "pk", flat=True
    ):
        copies = rng.choice([0, 0, 0, 1, 3])
        share = round(rng.random() * 0.5, 2) if copies else 0.0
        flags = {
            "copied_share": share,
            "copies": copies,
            "placeholders": rng.choice([0, 0, 0, 2]),
            "residue": 0,
            "off_topic": rng.random() < 0.02,
            "genre": "report",
            "not_report": False,
            "contradictions": rng.choice([0, 0, 0, 0, 1]),
            "burden_signals": 0,
            "missing_sections": 0,
        }
        sources = [{"source": rng.choice(["version:1", "reference:1"])} for _ in range(copies)]
        analyses.append(
            AnalysisResult(
                version_id=version_id,
                state="done",
                flags=flags,
                copied_share=share,
                risk=copies * 10,
                result={"copies": sources},
            )
        )
    AnalysisResult.objects.bulk_create(analyses, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaign


# ---------------------------------------------------------------- the measured export


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(kind: str, campaign_id: int, unit_id: int) -> dict:
    """Runs in a fresh process: one export, its time and the process's peak RSS."""
    from reports.models import Campaign, Organization

    campaign = Campaign.objects.get(pk=campaign_id)
    unit = Organization.objects.get(pk=unit_id)
    before = _rss_mb()
    out = Path(tempfile.mkdtemp(prefix="jianfu-bench-out-")) / f"export.{kind}"
    t0 = time.perf_counter()
    if kind == "xlsx":
        from reports.dashboards.exports.xlsx import write_xlsx

        rows = write_xlsx(str(out), campaign=campaign, unit=unit, user=None)
    else:
        from reports.dashboards.exports.csv_rows import iter_csv

        rows = -1
        with out.open("wb") as handle:
            for chunk in iter_csv(campaign=campaign, unit=unit, user=None):
                handle.write(chunk)
                rows += chunk.count(b"\n")
    seconds = time.perf_counter() - t0
    size = out.stat().st_size / 1024 / 1024
    shutil.rmtree(out.parent, ignore_errors=True)
    return {
        "kind": kind,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "rss_before_mb": round(before),
        "peak_rss_mb": round(_rss_mb()),
        "file_mb": round(size, 1),
    }


def _child(url: str, *args: str) -> dict:
    """Run this script in a fresh process (its peak RSS is its own: the orchestrating
    process stays small, and Linux keeps ``ru_maxrss`` across fork/exec)."""
    done = subprocess.run(
        [sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--build", type=int, help=argparse.SUPPRESS)
    ap.add_argument(
        "--child", nargs=3, metavar=("KIND", "CAMPAIGN", "UNIT"), help=argparse.SUPPRESS
    )
    args = ap.parse_args()
    if args.build:
        django_setup(os.environ["DATABASE_URL"])
        migrate()
        t0 = time.perf_counter()
        province = build_tree("X", schools=args.build, cities=2, counties_per_city=5)
        campaign = build_campaign(province)
        seconds = time.perf_counter() - t0
        print(json.dumps({"campaign": campaign.pk, "unit": province.pk, "seconds": seconds}))
        return 0
    if args.child:
        django_setup(os.environ["DATABASE_URL"])
        print(json.dumps(export_child(args.child[0], int(args.child[1]), int(args.child[2]))))
        return 0
    with postgres() as url:
        built = _child(url, "--build", str(args.reports))
        ids = (str(built["campaign"]), str(built["unit"]))
        results = [_child(url, "--child", kind, *ids) for kind in ("xlsx", "csv")]
    machine = f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    print(
        f"\n{args.reports:,} reports built in {built['seconds']:.0f} s on PostgreSQL; {machine}\n"
    )
    print(
        "| export | rows | time (s) | rows/s | peak RSS (MB) | RSS before export (MB) | file (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['kind']} | {r['rows']:,} | {r['seconds']} | {r['rows_per_s']:,} "
            f"| {r['peak_rss_mb']} | {r['rss_before_mb']} | {r['file_mb']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
