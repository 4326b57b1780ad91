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
    assert a1["flags"]["placeholders"] == 3 and a1["copied_pct"] == 40.0
    assert "copied_share" not in a1 and "copied_share" not in a1["flags"]  # once, as percent
    assert rows["1000000002"]["flags"] is None
    other = api(world.rita).get(
        f"/api/campaigns/{built.campaign.pk}/reports/?unit={world.county_b.code}"
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


def test_the_openapi_schema_needs_a_login_and_has_enums(world):
    assert Client().get("/api/schema/").status_code in (401, 403)
    response = api(world.rita).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/campaigns/{id}/progress/" in schema["paths"]
    assert "/api/definitions/" in schema["paths"]
    components = schema["components"]["schemas"]
    row = components["ReportRow"]["properties"]
    enum_of = lambda prop: components[prop["$ref"].split("/")[-1]]  # noqa: E731
    state = row["state"]
    assert "$ref" in state and set(enum_of(state)["enum"]) >= {"draft", "approved", "returned"}
    school_type = (
        row["school_type"]["oneOf"][0] if "oneOf" in row["school_type"] else row["school_type"]
    )
    assert "primary" in enum_of(school_type)["enum"]
    assert "copied_pct" in row and "copied_share" not in row
    assert "handed_in_pct" in components["Counts"]["properties"]


def test_a_token_is_shown_once_then_by_its_last_four_and_can_be_rotated_and_revoked(world, login):
    client = login(world.rita)
    assert "尚未生成令牌" in client.get("/dashboard/api-token/").content.decode()
    created = client.post("/dashboard/api-token/").content.decode()
    first = Token.objects.get(user=world.rita).key
    assert first in created and "只显示这一次" in created
    page = client.get("/dashboard/api-token/").content.decode()
    assert first not in page and f"…{first[-4:]}" in page
    rotated = client.post("/dashboard/api-token/", {"action": "rotate"}).content.decode()
    second = Token.objects.get(user=world.rita).key
    assert second != first and second in rotated
    assert Client(HTTP_AUTHORIZATION=f"Token {first}").get("/api/campaigns/").status_code == 401
    assert api(world.rita).get("/api/campaigns/").status_code == 200
    client.post("/dashboard/api-token/", {"action": "revoke"})
    assert not Token.objects.filter(user=world.rita).exists()
    assert Client(HTTP_AUTHORIZATION=f"Token {second}").get("/api/campaigns/").status_code == 401
    actions = list(
        AuditEvent.objects.filter(
            actor=world.rita,
            action__in=["api_token_create", "api_token_rotate", "api_token_revoke"],
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["api_token_create", "api_token_rotate", "api_token_revoke"]
    assert login(world.alice).get("/dashboard/api-token/").status_code == 403


def test_the_definitions_endpoint_explains_every_code(world, built):
    data = api(world.sam).get("/api/definitions/").json()
    indicators = {d["code"]: d for d in data["indicators"]}
    homework = indicators["homework_junior"]
    assert (homework["label"], homework["unit"], homework["policy_max"]) == (
        "初中书面作业平均完成时间",
        "分钟/天",
        90,
    )
    assert homework["limit_note"] == "不超过90分钟" and "junior" in homework["school_types"]
    checklist = {c["code"]: c for c in data["checklist"]}
    assert checklist["hw_no_grade12"] == {
        "code": "hw_no_grade12",
        "text": "小学一二年级不布置家庭书面作业",
        "topic": "homework",
    }
    assert {"code": "partial", "label": "部分落实"} in data["answers"]
    assert {"code": "approved", "label": "已通过"} in data["states"]
    rows = api(world.rita).get(f"/api/campaigns/{built.campaign.pk}/reports/").json()["results"]
    used = {code for row in rows for code in row["indicator_values"]}
    used |= {code for row in rows for code in row["checklist_answers"]}
    assert used <= set(indicators) | set(checklist)
    campaign = api(world.rita).get(f"/api/campaigns/{built.campaign.pk}/").json()
    assert set(campaign["indicators"]) <= set(indicators)
    assert Client().get("/api/definitions/").status_code == 401
    assert api(world.alice).get("/api/definitions/").status_code == 403


def test_units_are_addressed_by_code_and_errors_are_chinese(world, built):
    client = api(world.sam)
    url = f"/api/campaigns/{built.campaign.pk}/progress/"
    by_code = client.get(f"{url}?unit=CA").json()
    assert by_code["unit"]["code"] == "CA" and by_code["totals"]["total"] == 2
    assert by_code["totals"]["handed_in_pct"] == 100.0
    missing = client.get(f"{url}?unit={world.county_a.pk}")  # an internal id is not a code
    assert missing.status_code == 404
    assert missing.json()["detail"] == "未找到：对象不存在，或不在本账号的数据范围内"
    gone = client.get("/api/campaigns/999999/")
    assert gone.status_code == 404 and "未找到" in gone.json()["detail"]
