"""Shared fixtures (a pytest plugin loaded by the root conftest.py, so the feature apps' test
folders use them too): a small org tree where the third party must never see the first's data.

province ─ city ─┬─ county A ─┬─ school A1   (alice: submitter)
                 │            └─ school A2   (amy: submitter)
                 │  (rita: reviewer at county A)
                 └─ county B ─── school B1   (bob: submitter; ben: reviewer at county B)
(sam: supervisor at city; ada: admin at province)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from reports.choices import OrgKind, Role, SchoolType
from reports.models import Membership, Organization, User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Correct-Horse-2026"


@dataclass
class World:
    province: Organization
    city: Organization
    county_a: Organization
    county_b: Organization
    school_a1: Organization
    school_a2: Organization
    school_b1: Organization
    alice: User
    amy: User
    bob: User
    rita: User
    ben: User
    sam: User
    ada: User


def make_user(username: str, unit: Organization, role: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username)
    Membership.objects.create(user=user, organization=unit, role=role)
    return user


@pytest.fixture
def world(db) -> World:
    province = Organization.objects.create(name="测试省教育厅", code="P0", kind=OrgKind.PROVINCE)
    city = Organization.objects.create(
        name="测试市教育局", code="C0", kind=OrgKind.CITY, parent=province
    )
    county_a = Organization.objects.create(
        name="甲县教育局", code="CA", kind=OrgKind.COUNTY, parent=city
    )
    county_b = Organization.objects.create(
        name="乙县教育局", code="CB", kind=OrgKind.COUNTY, parent=city
    )

    def school(code: str, name: str, county: Organization, school_type: str) -> Organization:
        return Organization.objects.create(
            name=name, code=code, kind=OrgKind.SCHOOL, parent=county, school_type=school_type
        )

    school_a1 = school("1000000001", "甲县第一小学", county_a, SchoolType.PRIMARY)
    school_a2 = school("1000000002", "甲县实验中学", county_a, SchoolType.JUNIOR)
    school_b1 = school("2000000001", "乙县第一小学", county_b, SchoolType.PRIMARY)
    return World(
        province=province,
        city=city,
        county_a=county_a,
        county_b=county_b,
        school_a1=school_a1,
        school_a2=school_a2,
        school_b1=school_b1,
        alice=make_user("alice", school_a1, Role.SUBMITTER),
        amy=make_user("amy", school_a2, Role.SUBMITTER),
        bob=make_user("bob", school_b1, Role.SUBMITTER),
        rita=make_user("rita", county_a, Role.REVIEWER),
        ben=make_user("ben", county_b, Role.REVIEWER),
        sam=make_user("sam", city, Role.SUPERVISOR),
        ada=make_user("ada", province, Role.ADMIN),
    )


@pytest.fixture
def login(client):
    def _login(user: User):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process for one test (the suite otherwise talks to a real Redis
    with no worker, so ``.delay()`` only enqueues). End-to-end tests start a real worker."""
    from portal.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


def point_celery_at(url: str) -> str:
    """Send this process's task messages to ``url`` (returns the previous URL)."""
    from portal.celery import app

    previous = app.conf.broker_url
    # Celery reads the CELERY_BROKER_URL environment variable before its own setting.
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url
    app._pool = None  # connection pool
    app.amqp._producer_pool = None  # producer pool built on it
    return previous
