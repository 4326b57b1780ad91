"""Demo data for ``make run`` and the browser tests. Idempotent: keyed by codes and usernames.

The names are invented; no text here comes from the sample corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from reports.choices import OrgKind, Role, SchoolType
from reports.models import Membership, Organization, User

DEMO_PASSWORD = "jianfu2026"  # noqa: S105 - documented demo password


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str
    note: str


PROVINCE = ("4300000000", "江南省教育厅")
CITIES = [("4301000000", "清河市教育局"), ("4302000000", "云岭市教育局")]
COUNTIES = [
    ("4301010000", "青山县教育局", "4301000000"),
    ("4301020000", "白水县教育局", "4301000000"),
    ("4302010000", "松林区教育局", "4302000000"),
]
DISTRICTS = [("4301010100", "青山县城关学区", "4301010000")]

# (suffix name, school type, boarding)
SCHOOL_PATTERNS = [
    ("第一小学", SchoolType.PRIMARY, False),
    ("实验中学", SchoolType.JUNIOR, False),
    ("第二小学", SchoolType.PRIMARY, False),
    ("第三小学", SchoolType.PRIMARY, False),
    ("第一中学", SchoolType.COMPLETE, True),
    ("第二中学", SchoolType.JUNIOR, True),
    ("育才学校", SchoolType.NINE_YEAR, True),
    ("高级中学", SchoolType.SENIOR, True),
]
TOWNS = ["城关镇", "河口镇", "石桥乡", "柳湾镇"]

ACCOUNTS = [
    DemoAccount("demo-admin", "省厅管理员", Role.ADMIN, PROVINCE[0], "省级管理员"),
    DemoAccount("demo-city", "清河市督导", Role.SUPERVISOR, CITIES[0][0], "市级上级查看"),
    DemoAccount("demo-reviewer", "青山县审核员", Role.REVIEWER, COUNTIES[0][0], "县级审核员"),
    DemoAccount("demo-school", "一小填报员", Role.SUBMITTER, "4301011001", "学校填报员"),
    DemoAccount("demo-school2", "实验中学填报员", Role.SUBMITTER, "4301011002", "学校填报员"),
]


def _county_schools(county_code: str, county_name: str) -> list[tuple[str, str, str, bool]]:
    """Schools of one county: the county-seat patterns plus town schools (24 per county)."""
    prefix = county_name.removesuffix("教育局")
    schools = []
    for index, (suffix, school_type, boarding) in enumerate(SCHOOL_PATTERNS, start=1):
        schools.append(
            (f"{county_code[:6]}1{index:03d}", f"{prefix}{suffix}", school_type, boarding)
        )
    number = len(SCHOOL_PATTERNS)
    for town in TOWNS:
        for suffix, school_type, boarding in (
            ("中心小学", SchoolType.PRIMARY, False),
            ("中学", SchoolType.JUNIOR, True),
            ("小学", SchoolType.PRIMARY, False),
            ("九年一贯制学校", SchoolType.NINE_YEAR, True),
        ):
            number += 1
            name = f"{prefix}{town}{suffix}"
            schools.append((f"{county_code[:6]}1{number:03d}", name, school_type, boarding))
    return schools


def _unit(code: str, name: str, kind: str, parent: Organization | None, **extra) -> Organization:
    unit = Organization.objects.filter(code=code).first() or Organization(code=code)
    unit.name, unit.kind, unit.parent = name, kind, parent
    unit.school_type = extra.get("school_type", "")
    unit.boarding = extra.get("boarding", False)
    unit.save()
    return unit


@transaction.atomic
def seed_orgs() -> dict[str, Organization]:
    units: dict[str, Organization] = {}
    province = _unit(*PROVINCE, OrgKind.PROVINCE, None)
    units[province.code] = province
    for code, name in CITIES:
        units[code] = _unit(code, name, OrgKind.CITY, province)
    for code, name, parent in COUNTIES:
        units[code] = _unit(code, name, OrgKind.COUNTY, units[parent])
    for code, name, parent in DISTRICTS:
        units[code] = _unit(code, name, OrgKind.DISTRICT, units[parent])
    for county_code, county_name, _ in COUNTIES:
        for code, name, school_type, boarding in _county_schools(county_code, county_name):
            # Town schools of the first county sit under a 学区 level, as in many real counties.
            parent = units[county_code]
            if county_code == COUNTIES[0][0] and "城关镇" in name:
                parent = units[DISTRICTS[0][0]]
            units[code] = _unit(
                code, name, OrgKind.SCHOOL, parent, school_type=school_type, boarding=boarding
            )
    return units


@transaction.atomic
def seed_accounts() -> list[DemoAccount]:
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first() or User(
            username=account.username
        )
        user.first_name = account.full_name
        user.must_change_password = False
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user,
            defaults={
                "organization": Organization.objects.get(code=account.unit_code),
                "role": account.role,
            },
        )
    return ACCOUNTS


def seed() -> dict[str, int]:
    units = seed_orgs()
    seed_accounts()
    return {"units": len(units), "accounts": len(ACCOUNTS)}
