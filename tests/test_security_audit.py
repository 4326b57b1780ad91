"""等保 2.0 安全审计: each security event leaves its row — who (subject), what (object),
result, IP, and for logins the browser — whatever path caused it."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.authtoken.models import Token

from reports.choices import Role
from reports.models import AuditEvent, Membership, Organization, User
from tests.world import PASSWORD, make_user

UA = "Mozilla/5.0 (Windows NT 10.0) 测试浏览器"


def browser() -> Client:
    return Client(HTTP_USER_AGENT=UA, REMOTE_ADDR="10.1.2.3")


def only(action: str, **filters) -> AuditEvent:
    rows = list(AuditEvent.objects.filter(action=action, **filters))
    assert len(rows) == 1, (action, rows)
    return rows[0]


def test_a_login_and_a_logout_are_audited_with_ip_and_browser(world):
    client = browser()
    client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    login = only("login")
    assert (login.actor, login.actor_name, login.result) == (world.rita, "rita", "success")
    assert login.ip_address == "10.1.2.3" and login.user_agent == UA
    assert login.organization == world.county_a
    client.post("/accounts/logout/")
    logout = only("logout")
    assert logout.actor == world.rita and logout.ip_address == "10.1.2.3"


def test_a_failed_login_records_the_username_tried_and_fails(world):
    browser().post("/accounts/login/", {"username": "rita", "password": "wrong"})
    browser().post("/accounts/login/", {"username": "nobody-such", "password": "x"})
    known = only("login_failed", target="rita")
    assert known.result == "failure" and known.actor is None and known.actor_name == "rita"
    assert known.organization == world.county_a and known.user_agent == UA
    unknown = only("login_failed", target="nobody-such")
    assert unknown.organization is None and unknown.detail["known_account"] is False


def test_a_lockout_is_audited(world, settings):
    client = browser()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "rita", "password": "wrong"})
    lockout = only("lockout")
    assert lockout.target == "rita" and lockout.result == "failure"
    assert lockout.ip_address == "10.1.2.3"


def test_a_password_change_is_audited_without_the_password(world, login):
    client = login(world.alice)
    new = "Neuer-Pass-2027"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    row = only("password_change")
    assert row.actor == world.alice and row.organization == world.school_a1
    assert new not in str(row.detail) and new not in row.target


def test_account_create_disable_and_privileges_by_any_path_are_audited(world):
    user = User.objects.create_user("newcomer", password=PASSWORD)
    assert only("account_create", target="newcomer").actor is None  # no request: 系统
    user.is_active = False
    user.save()
    assert only("account_disable").detail["changed"] == {"is_active": [True, False]}
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert only("account_enable").target == "newcomer"
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.create(name="运维"))
    rows = AuditEvent.objects.filter(action="account_privilege_change", target="newcomer")
    assert rows.count() == 2
    user.last_login = None
    user.save(update_fields=["last_login"])  # not a privilege: no row
    assert AuditEvent.objects.filter(target="newcomer").count() == 5


def test_a_role_or_unit_change_outside_the_import_is_audited(world):
    membership = Membership.objects.get(user=world.rita)
    membership.role = Role.ADMIN
    membership.save()
    row = only("membership_change")
    assert row.detail["from"]["role"] == "reviewer" and row.detail["to"]["role"] == "admin"
    assert row.organization == world.county_a and "rita" in row.target
    membership.save()  # nothing changed: no row
    assert AuditEvent.objects.filter(action="membership_change").count() == 1
    membership.delete()
    assert only("membership_delete").detail["role"] == "admin"


def test_the_django_admin_site_add_is_audited_with_its_operator(world):
    root = User.objects.create_superuser("root", password=PASSWORD)
    client = browser()
    client.force_login(root)
    response = client.post(
        "/django-admin/reports/organization/add/",
        {"name": "后台新建学区", "code": "XQ-ADM", "kind": "district", "parent": world.county_a.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organization.objects.filter(code="XQ-ADM").exists()
    row = only("admin_add")
    assert row.actor == root and "后台新建学区" in row.target and row.ip_address == "10.1.2.3"


def test_account_created_in_the_django_admin_names_the_operator_as_subject(world):
    root = User.objects.create_superuser("root", password=PASSWORD)
    client = browser()
    client.force_login(root)
    response = client.post(
        "/django-admin/reports/user/add/",
        {
            "username": "made-in-admin",
            "password1": "Qing-Shan-2026",
            "password2": "Qing-Shan-2026",
            "usable_password": "true",
            "membership-TOTAL_FORMS": "0",
            "membership-INITIAL_FORMS": "0",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = only("account_create", target="made-in-admin")
    assert created.actor == root and created.ip_address == "10.1.2.3"
    assert only("admin_add", actor=root).target.endswith("made-in-admin")


def test_api_token_use_is_audited_once_per_token_per_day(world):
    token = Token.objects.create(user=world.sam)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", REMOTE_ADDR="10.9.9.9")
    for _ in range(3):
        assert client.get("/api/campaigns/").status_code == 200
    row = only("api_token_use")
    assert row.actor == world.sam and row.ip_address == "10.9.9.9"
    assert row.target.endswith(token.key[-4:]) and token.key not in row.target
    assert row.detail["path"] == "/api/campaigns/"


def test_an_admin_reset_is_audited_with_subject_and_object(world, login):
    school_user = make_user("reset-me", world.school_a1, Role.SUBMITTER)
    client = login(world.ada)
    response = client.post(f"/orgs/{world.school_a1.pk}/members/{school_user.pk}/reset-password/")
    assert response.status_code == 200
    row = only("password_reset")
    assert (row.actor, row.target, row.organization) == (world.ada, "reset-me", world.school_a1)
