"""The data of ``bench_load.py``: one county with its schools, one open campaign, a queue of
already-submitted reports (analysed by the real worker before timing starts).

Accounts (password ``PASSWORD``, the production hasher, one hash shared to save seconds):
``load-school-<n>`` (submitter of school n), ``load-reviewer`` (county reviewer),
``load-supervisor`` (city supervisor), ``load-admin`` (county admin, exports).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from reports.choices import OrgKind, Role, SchoolType
from reports.demo import DEMO_CHECKLIST, DEMO_INDICATORS, _demo_report_content
from reports.models import (
    AnalysisResult,
    Campaign,
    ChecklistItemDefinition,
    IndicatorDefinition,
    Membership,
    Organization,
    Report,
    User,
)
from reports.services.reports import campaign_publish, report_save_draft
from reports.workflow import report_submit

PASSWORD = "Load-Bench-2026"  # noqa: S105 - benchmark accounts on a throwaway database
CODE = "LOAD"


def _unit(code: str, name: str, kind: str, parent=None, **extra) -> Organization:
    return Organization.objects.create(code=code, name=name, kind=kind, parent=parent, **extra)


def _account(username: str, unit: Organization, role: str, password: str) -> User:
    user = User.objects.create(username=username, first_name=username, password=password)
    Membership.objects.create(user=user, organization=unit, role=role)
    return user


def seed(schools: int, queue: int) -> dict[str, int]:
    """``schools`` accounts that will fill in their report, plus ``queue`` schools whose
    reports are submitted now. Refuses a database that already holds the world."""
    if Organization.objects.filter(code=f"{CODE}-P").exists():
        raise SystemExit("the load world is already seeded: use a fresh database")
    encoded = make_password(PASSWORD)
    province = _unit(f"{CODE}-P", "压测省教育厅", OrgKind.PROVINCE)
    city = _unit(f"{CODE}-C", "压测市教育局", OrgKind.CITY, province)
    county = _unit(f"{CODE}-X", "压测县教育局", OrgKind.COUNTY, city)
    units = [
        _unit(f"9{n:09d}", f"压测县第{n}小学", OrgKind.SCHOOL, county, school_type="primary")
        for n in range(1, schools + queue + 1)
    ]
    assert all(u.school_type == SchoolType.PRIMARY for u in units)
    for n, unit in enumerate(units, start=1):
        _account(f"load-school-{n}", unit, Role.SUBMITTER, encoded)
    _account("load-reviewer", county, Role.REVIEWER, encoded)
    _account("load-supervisor", city, Role.SUPERVISOR, encoded)
    admin = _account("load-admin", county, Role.ADMIN, encoded)
    now = timezone.now()
    campaign = Campaign.objects.create(
        title="压测县落实“双减”工作自查",
        period="2025—2026学年第一学期",
        issuer=county,
        target_unit=county,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=10),
    )
    campaign.indicators.set(IndicatorDefinition.objects.filter(code__in=DEMO_INDICATORS))
    campaign.checklist_items.set(ChecklistItemDefinition.objects.filter(code__in=DEMO_CHECKLIST))
    campaign_publish(campaign=campaign, actor=admin)
    for n, unit in enumerate(units[schools:], start=schools + 1):
        user = User.objects.get(username=f"load-school-{n}")
        report = Report.objects.get(campaign=campaign, organization=unit)
        content = _demo_report_content(campaign, unit, seed=n)
        report_save_draft(report_id=report.pk, actor=user, revision=0, **content)
        report_submit(report_id=report.pk, actor=user)
    return {"campaign": campaign.pk, "county": county.pk, "schools": schools, "queue": queue}


def wait_for_analyses(campaign_id: int, expected: int, seconds: float) -> int:
    """Block until ``expected`` analyses of the campaign are done (or time runs out)."""
    deadline = time.monotonic() + seconds
    done = 0
    while time.monotonic() < deadline:
        done = AnalysisResult.objects.filter(
            version__report__campaign_id=campaign_id, state="done"
        ).count()
        if done >= expected:
            break
        time.sleep(0.5)
    return done
