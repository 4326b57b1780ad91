"""The audit log nobody can alter: the PostgreSQL trigger of migration 0015 refuses UPDATE and
DELETE — raw SQL included — and lets only the pruning function remove rows past the
retention, which itself leaves a row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from reports.audit import audit_prune, audit_record
from reports.models import AuditEvent, User
from reports.tasks import prune_audit_log
from tests.factories import audit_row_at
from tests.world import PASSWORD

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"
)


def refused(sql: str, params: list) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert "审计日志不可修改或删除" in str(exc)
        return True
    return False


def test_a_raw_sql_delete_or_update_of_an_audit_row_is_refused(world):
    event = audit_record(action="report_submit", actor=world.alice, target="甲县第一小学")
    assert refused("DELETE FROM reports_auditevent WHERE id = %s", [event.pk])
    assert refused("UPDATE reports_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert refused(
        "UPDATE reports_auditevent SET actor_id = %s WHERE id = %s", [world.bob.pk, event.pk]
    )
    assert refused(
        "UPDATE reports_auditevent SET actor_id = NULL, target = '' WHERE id = %s", [event.pk]
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert (event.action, event.target, event.actor) == (
        "report_submit",
        "甲县第一小学",
        world.alice,
    )


def test_the_prune_switch_does_not_open_rows_younger_than_six_months(world):
    young = audit_row_at(timezone.now() - timedelta(days=170), action="login")
    assert refused(
        "SELECT set_config('reports.audit_prune', 'on', true);"
        " DELETE FROM reports_auditevent WHERE id = %s",
        [young],
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT reports_audit_prune(30)")
    assert AuditEvent.objects.filter(pk=young).exists()


def test_deleting_an_account_keeps_its_rows_and_their_username(world):
    user = User.objects.create_user("leaver", password=PASSWORD)
    event = audit_record(action="login", actor=user, target="leaver")
    user.delete()
    event.refresh_from_db()
    assert event.actor is None and event.actor_name == "leaver" and event.action == "login"


def test_pruning_removes_only_rows_older_than_the_retention_and_records_itself(world, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    now = timezone.now()
    old = audit_row_at(now - timedelta(days=400), action="login", target="很久以前")
    edge = audit_row_at(now - timedelta(days=201), action="login", target="刚过保留期")
    kept = audit_row_at(now - timedelta(days=190), action="login", target="保留期内")
    recent = audit_record(action="login", actor=world.rita, target="今天")
    assert prune_audit_log() == 2
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert old not in remaining and edge not in remaining
    assert {kept, recent.pk} <= remaining
    row = AuditEvent.objects.get(action="audit_prune")
    assert row.detail == {"removed": 2, "retention_days": 200}
    assert audit_prune() == 0  # nothing left past the retention


def test_a_retention_below_six_months_is_raised_to_the_legal_floor(world, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    kept = audit_row_at(timezone.now() - timedelta(days=100), action="login")
    assert audit_prune() == 0
    assert AuditEvent.objects.filter(pk=kept).exists()
    assert AuditEvent.objects.get(action="audit_prune").detail["retention_days"] == 180
