"""Fixtures of the bureau tests."""

import pytest

from reports.choices import OrgKind, Role
from reports.models import Organization
from tests.world import make_user


@pytest.fixture
def district(world):
    """A 学区 under county A with one school, and its admin (a real scoped admin)."""
    unit = Organization.objects.create(
        name="甲县城关学区", code="XQ-1", kind=OrgKind.DISTRICT, parent=world.county_a
    )
    school = Organization.objects.create(
        name="城关小学", code="1000000009", kind=OrgKind.SCHOOL, parent=unit, school_type="primary"
    )
    admin = make_user("xq-admin", unit, Role.ADMIN)
    return unit, school, admin
