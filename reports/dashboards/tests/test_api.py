"""The read-only data API: token auth per bureau account, scoped like the pages, paginated,
with an OpenAPI schema served by the app."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from reports.models import AuditEvent
from tests.export_builders import build


@pytest.fixture
def built(world):
    return build(world)


def api(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_the_progress_endpoint_counts_states_per_child_unit(world, built):
    response = api(world.sam).get(f"/api/campaigns/{built.campaign.pk}/progress/")
    assert response.status_code == 200
    data = response.json()
    assert data["unit"]["code"] == "C0"
    assert data["totals"]["total"] == 3 and data["totals"]["approved"] == 1
    assert data["totals"]["returned"] == 1 and data["totals"]["not_started"] == 1
    children = {row["unit"]["code"]: row["counts"] for row in data["children"]}
    assert children["CA"]["handed_in"] == 2 and children["CB"]["not_started"] == 1


def test_report_rows_carry_indicators_checklist_and_flags_and_stay_in_scope(world, built):
    response = api(world.rita).get(f"/api/campaigns/{built.campaign.pk}/reports/")
    data = response.json()
    assert data["count"] == 2 and data["next"] is None
    rows = {row["code"]: row for row in data["results"]}
    assert set(rows) == {"1000000001", "1000000002"}  # never county B's school
    a1 = rows["1000000001"]
    assert [p["code"] for p in a1["parents"]] == ["P0", "C0", "CA"]
    assert a1["state"] == "approved" and a1["approved_at"] is not None
    assert a1["indicator_values"]["enrolment"] == 800
    assert a1["checklist_answers"]["hw_no_grade12"]["answer"] == "done"
    assert a1["flags"]["placeholders"] == 3 and a1["copied_share"] == 0.4
    assert rows["1000000002"]["flags"] is None
    other = api(world.rita).get(
        f"/api/campaigns/{built.campaign.pk}/reports/?unit={world.county_b.pk}"
    )
    assert other.status_code == 404


def test_reports_are_paginated(world, built):
    client = api(world.ada)
    first = client.get(f"/api/campaigns/{built.campaign.pk}/reports/?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    codes = [r["code"] for r in first["results"] + second["results"]]
    assert sorted(codes) == ["1000000001", "1000000002", "2000000001"]


def test_flags_endpoint_splits_copies_by_source(world, built):
    data = api(world.sam).get(f"/api/campaigns/{built.campaign.pk}/flags/").json()
    assert data["totals"]["copied"] == 1
    assert data["totals"]["copied_schools"] == 1 and data["totals"]["copied_reference"] == 1


def test_campaigns_are_the_visible_ones_and_submitters_get_403(world, built):
    from tests.factories import make_campaign

    county_a_only = make_campaign(world, title="甲县专项")
    titles = {c["title"] for c in api(world.ben).get("/api/campaigns/").json()["results"]}
    assert built.campaign.title in titles and county_a_only.title not in titles
    assert api(world.ben).get(f"/api/campaigns/{county_a_only.pk}/progress/").status_code == 404
    assert api(world.alice).get("/api/campaigns/").status_code == 403
    assert Client().get("/api/campaigns/").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Token wrong").get("/api/campaigns/").status_code == 401


def test_the_api_is_read_only(world, built):
    response = api(world.ada).post("/api/campaigns/", {"title": "x"})
    assert response.status_code == 405


def test_the_openapi_schema_is_served(world):
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    assert "/api/campaigns/{id}/progress/" in schema and "/api/campaigns/{id}/reports/" in schema


def test_a_bureau_user_creates_and_rotates_a_token(world, login):
    client = login(world.rita)
    assert "尚未生成令牌" in client.get("/dashboard/api-token/").content.decode()
    client.post("/dashboard/api-token/")
    first = Token.objects.get(user=world.rita).key
    page = client.get("/dashboard/api-token/").content.decode()
    assert first in page and "Authorization: Token" in page
    client.post("/dashboard/api-token/")
    assert Token.objects.get(user=world.rita).key != first
    assert api(world.rita).get("/api/campaigns/").status_code == 200
    assert AuditEvent.objects.filter(action="api_token_create", actor=world.rita).count() == 1
    assert AuditEvent.objects.filter(action="api_token_rotate", actor=world.rita).count() == 1
    client.post("/dashboard/api-token/", {"revoke": "1"})
    assert not Token.objects.filter(user=world.rita).exists()
    assert AuditEvent.objects.filter(action="api_token_revoke", actor=world.rita).count() == 1
    assert login(world.alice).get("/dashboard/api-token/").status_code == 403
