"""The audit log page: the 审计员 alone reads and exports it (admins get 403), scoped to
the auditor's subtree, filterable by Chinese action name, person or unit and period."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.audit import audit_record
from reports.choices import Role
from reports.models import AuditEvent
from tests.factories import audit_row_at
from tests.world import make_user


def record(action, actor, unit, **detail):
    return audit_record(
        action=action, actor=actor, target=unit.name, organization=unit, detail=detail
    )


def rows(page: str) -> str:
    return page.split("<tbody>")[1]


@pytest.fixture
def auditor(world):
    return make_user("audrey", world.province, Role.AUDITOR)


def test_the_auditor_filters_by_chinese_action_person_and_date(world, login, auditor):
    world.rita.first_name = "李审核"
    world.rita.save()
    record("report_submit", world.alice, world.school_a1)
    record(
        "report_approve",
        world.rita,
        world.school_a1,
        **{"from": "under_review", "to": "approved", "comment": "同意"},
    )
    audit_row_at(
        timezone.now() - timedelta(days=30),
        action="report_submit",
        organization=world.school_b1,
        actor=world.bob,
        target="乙县一小上月的报告",
    )
    client = login(auditor)
    page = client.get("/audit/").content.decode()
    assert '<option value="report_approve" >审核通过</option>' in page
    by_name = rows(client.get("/audit/", {"q": "李审核"}).content.decode())
    assert "审核通过" in by_name and "审核中 → 已通过" in by_name and "同意" in by_name
    assert "提交报告" not in by_name and "report_approve" not in by_name
    by_unit = rows(client.get("/audit/", {"q": "乙县第一"}).content.decode())
    assert "乙县一小上月的报告" in by_unit and "甲县第一小学" not in by_unit
    recent = rows(
        client.get("/audit/", {"since": timezone.localdate().isoformat()}).content.decode()
    )
    assert "乙县一小上月的报告" not in recent and "甲县第一小学" in recent
    by_action = rows(client.get("/audit/", {"action": "report_submit"}).content.decode())
    assert "乙县一小上月的报告" in by_action and "审核通过" not in by_action


def test_the_auditor_exports_the_filtered_period_to_xlsx_and_the_export_is_audited(
    world, login, auditor
):
    record("report_submit", world.alice, world.school_a1)
    audit_row_at(
        timezone.now() - timedelta(days=30),
        action="report_submit",
        organization=world.school_b1,
        actor=world.bob,
        target="旧的一条",
    )
    response = login(auditor).get("/audit/export.xlsx", {"since": timezone.localdate().isoformat()})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["时间", "操作人", "操作", "结果", "对象"]
    targets = [row[4] for row in values[1:]]
    assert "甲县第一小学" in targets and "旧的一条" not in targets
    assert any(row[2] == "提交报告" and row[3] == "成功" for row in values[1:])
    assert AuditEvent.objects.filter(action="audit_export", actor=auditor).exists()


def test_a_county_auditor_sees_only_events_of_their_units(world, login):
    audit_record(
        action="report_submit", actor=world.bob, target="乙县的事", organization=world.school_b1
    )
    audit_record(
        action="report_submit", actor=world.alice, target="甲县的事", organization=world.school_a1
    )
    county_auditor = make_user("county-auditor", world.county_a, Role.AUDITOR)
    client = login(county_auditor)
    page = rows(client.get("/audit/").content.decode())
    assert "甲县的事" in page and "乙县的事" not in page
    sheet = load_workbook(BytesIO(client.get("/audit/export.xlsx").content)).active
    targets = {row[4] for row in sheet.iter_rows(values_only=True)}
    assert "甲县的事" in targets and "乙县的事" not in targets


def test_admins_reviewers_and_schools_cannot_open_or_export_the_log(world, login):
    """Separation of duties: the admin who manages accounts does not read their audit."""
    for user in (world.ada, world.rita, world.alice):
        client = login(user)
        assert client.get("/audit/").status_code == 403, user.username
        assert client.get("/audit/export.xlsx").status_code == 403, user.username
    assert "审计日志" not in login(world.ada).get("/").content.decode()


def test_the_auditor_reads_the_log_and_nothing_else(world, login, auditor):
    client = login(auditor)
    home = client.get("/").content.decode()
    assert "审计日志" in home
    for url in (
        "/orgs/",
        "/orgs/import/",
        "/campaigns/",
        "/review/",
        "/dashboard/",
        "/dashboard/exports/",
        "/dashboard/api-token/",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.get("/django-admin/").status_code == 302  # not staff: the admin's login


def test_the_log_offers_no_way_to_change_an_entry(world, login, auditor):
    event = record("report_submit", world.alice, world.school_a1)
    client = login(auditor)
    assert client.post("/audit/", {"id": event.pk, "action": "changed"}).status_code == 405
    event.refresh_from_db()
    assert event.action == "report_submit"
    page = client.get("/audit/").content.decode()
    assert 'method="post"' not in rows(page)


def test_an_impossible_date_or_a_nul_byte_in_the_filters_is_ignored_not_a_500(
    world, login, auditor
):
    client = login(auditor)
    assert client.get("/audit/", {"since": "2026-02-30", "until": "2026-13-01"}).status_code == 200
    assert client.get("/audit/", {"q": "ada\x00", "action": "\x00"}).status_code == 200
    assert client.get("/audit/export.xlsx", {"since": "2026-02-30"}).status_code == 200
    assert login(world.ada).get("/orgs/", {"q": "甲\x00县"}).status_code == 200
