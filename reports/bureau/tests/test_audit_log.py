"""The audit log page: admins only, scoped, filterable, read-only."""

from datetime import timedelta

from django.utils import timezone

from reports.audit import audit_record
from reports.models import AuditEvent


def record(action, actor, unit, **detail):
    return audit_record(
        action=action, actor=actor, target=unit.name, organization=unit, detail=detail
    )


def rows(page: str) -> str:
    return page.split("<tbody>")[1]


def test_admins_filter_the_log_by_actor_action_and_date(world, login):
    record("report_submit", world.alice, world.school_a1)
    record("report_approve", world.rita, world.school_a1, to="approved", comment="同意")
    AuditEvent.objects.filter(action="report_approve").update(
        detail={"from": "under_review", "to": "approved", "comment": "同意"}
    )
    old = record("report_submit", world.bob, world.school_b1)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    client = login(world.ada)
    by_actor = rows(client.get("/audit/", {"actor": "rita"}).content.decode())
    assert "report_approve" in by_actor and "under_review → approved" in by_actor
    assert "同意" in by_actor and "report_submit" not in by_actor
    recent = rows(
        client.get("/audit/", {"since": timezone.localdate().isoformat()}).content.decode()
    )
    assert "乙县第一小学" not in recent and "甲县第一小学" in recent
    by_action = rows(client.get("/audit/", {"action": "report_submit"}).content.decode())
    assert "乙县第一小学" in by_action and "report_approve" not in by_action


def test_a_county_admin_sees_only_events_of_their_units(world, login):
    from reports.choices import Role
    from tests.world import make_user

    record("report_submit", world.bob, world.school_b1)
    record("report_submit", world.alice, world.school_a1)
    admin = make_user("county-admin", world.county_a, Role.ADMIN)
    page = rows(login(admin).get("/audit/").content.decode())
    assert "甲县第一小学" in page and "乙县第一小学" not in page


def test_reviewers_and_schools_cannot_open_the_log(world, login):
    assert login(world.rita).get("/audit/").status_code == 403
    assert login(world.alice).get("/audit/").status_code == 403


def test_the_log_offers_no_way_to_change_an_entry(world, login):
    event = record("report_submit", world.alice, world.school_a1)
    client = login(world.ada)
    client.post("/audit/", {"id": event.pk, "action": "changed"})
    event.refresh_from_db()
    assert event.action == "report_submit"
    page = client.get("/audit/").content.decode()
    assert 'action="/audit/"' not in page and 'method="post"' not in rows(page)


def test_an_impossible_date_or_a_nul_byte_in_the_filters_is_ignored_not_a_500(world, login):
    client = login(world.ada)
    assert client.get("/audit/", {"since": "2026-02-30", "until": "2026-13-01"}).status_code == 200
    assert client.get("/audit/", {"actor": "ada\x00", "action": "\x00"}).status_code == 200
    assert client.get("/orgs/", {"q": "甲\x00县"}).status_code == 200
