"""Password recovery that cannot be hijacked: an admin of the account's subtree resets it
(one-time password shown once, change forced, audited); the e-mail reset is off unless
turned on, and never mails staff or superuser accounts."""

import re

import pytest
from django.test import Client

from reports.choices import Role
from reports.models import AuditEvent, Membership, User
from tests.world import PASSWORD, make_user


def reset_url(unit, user) -> str:
    return f"/orgs/{unit.pk}/members/{user.pk}/reset-password/"


@pytest.fixture
def county_admin(world):
    return make_user("ca-admin", world.county_a, Role.ADMIN)


def one_time_password(page: str) -> str:
    match = re.search(r'<code id="one-time-password">([^<]+)</code>', page)
    assert match, page
    return match.group(1)


@pytest.mark.django_db
def test_an_admin_resets_an_account_of_its_subtree_once_and_audited(world, county_admin, login):
    client = login(county_admin)
    page = client.get(f"/orgs/{world.school_a2.pk}/").content.decode()
    assert f'action="{reset_url(world.school_a2, world.amy)}"' in page and "重置密码" in page
    response = client.post(reset_url(world.school_a2, world.amy))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = one_time_password(response.content.decode())
    world.amy.refresh_from_db()
    assert world.amy.check_password(password) and not world.amy.check_password(PASSWORD)
    assert world.amy.must_change_password is True
    event = AuditEvent.objects.get(action="password_reset")
    assert event.actor == county_admin and event.target == "amy"
    assert event.organization == world.school_a2 and event.ip_address == "127.0.0.1"
    assert password not in str(event.detail) and world.amy.password not in str(event.detail)
    # A second reset gives another password: the first one is shown once and never again.
    again = one_time_password(client.post(reset_url(world.school_a2, world.amy)).content.decode())
    assert again != password


@pytest.mark.django_db
def test_the_new_password_logs_in_and_must_be_changed(world, county_admin, login):
    password = one_time_password(
        login(county_admin).post(reset_url(world.school_a1, world.alice)).content.decode()
    )
    fresh = Client()
    response = fresh.post("/accounts/login/", {"username": "alice", "password": password})
    assert response.status_code == 302
    assert fresh.get("/").url == "/accounts/password_change/"


@pytest.mark.django_db
def test_an_account_outside_the_admins_subtree_answers_404(world, county_admin, login):
    client = login(county_admin)
    assert client.post(reset_url(world.school_b1, world.bob)).status_code == 404
    # Naming an in-scope unit does not help: bob is not one of its members.
    assert client.post(reset_url(world.school_a1, world.bob)).status_code == 404
    # Nor an ancestor's account.
    assert client.post(reset_url(world.city, world.sam)).status_code == 404
    world.bob.refresh_from_db()
    assert world.bob.check_password(PASSWORD) and not world.bob.must_change_password
    assert not AuditEvent.objects.filter(action="password_reset").exists()


@pytest.mark.django_db
def test_only_a_post_resets(world, county_admin, login):
    response = login(county_admin).get(reset_url(world.school_a2, world.amy))
    assert response.status_code == 405
    world.amy.refresh_from_db()
    assert world.amy.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_reset_needs_the_csrf_token(world, county_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county_admin)
    assert client.post(reset_url(world.school_a2, world.amy)).status_code == 403
    world.amy.refresh_from_db()
    assert world.amy.check_password(PASSWORD)


@pytest.mark.django_db
def test_only_admins_reset_passwords(world, login):
    client = login(world.rita)  # a reviewer of the same county
    assert "重置密码" not in client.get(f"/orgs/{world.school_a1.pk}/").content.decode()
    assert client.post(reset_url(world.school_a1, world.alice)).status_code == 403
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


@pytest.mark.django_db
def test_staff_and_superusers_are_reset_only_by_a_superuser(world, county_admin, login):
    root = User.objects.create_superuser("root", "root@ops.cn", "Root-Pass-2026")
    staff = User.objects.create_user("opsstaff", "staff@ops.cn", PASSWORD, is_staff=True)
    for user in (root, staff):
        Membership.objects.create(user=user, organization=world.school_a1, role=Role.SUBMITTER)
    client = login(county_admin)
    page = client.get(f"/orgs/{world.school_a1.pk}/").content.decode()
    assert reset_url(world.school_a1, root) not in page
    assert reset_url(world.school_a1, staff) not in page
    assert client.post(reset_url(world.school_a1, root)).status_code == 404
    assert client.post(reset_url(world.school_a1, staff)).status_code == 404
    root.refresh_from_db()
    assert root.check_password("Root-Pass-2026")
    other_root = User.objects.create_superuser("root2", "root2@ops.cn", "Root-Pass-2027")
    response = login(other_root).post(reset_url(world.school_a1, staff))
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(one_time_password(response.content.decode()))


@pytest.mark.django_db
def test_the_email_reset_is_off_by_default(world, client, mailoutbox):
    assert client.get("/accounts/password_reset/").status_code == 404
    response = client.post("/accounts/password_reset/", {"email": "alice@example.cn"})
    assert response.status_code == 404 and mailoutbox == []
    assert client.get("/accounts/password_reset/done/").status_code == 404
    assert client.get("/accounts/reset/done/").status_code == 404
    assert client.get("/accounts/reset/MQ/set-password/").status_code == 404
    login_page = client.get("/accounts/login/").content.decode()
    assert "password_reset" not in login_page and "通过邮箱重置" not in login_page


@pytest.mark.django_db
def test_when_turned_on_the_email_reset_never_mails_staff_or_superusers(
    world, client, settings, mailoutbox
):
    settings.PASSWORD_RESET_BY_EMAIL = True
    User.objects.create_superuser("root", "shared@example.cn", "Root-Pass-2026")
    User.objects.create_user("opsstaff", "staff@example.cn", PASSWORD, is_staff=True)
    world.alice.email = "shared@example.cn"
    world.alice.save()
    assert "/accounts/password_reset/" in client.get("/accounts/login/").content.decode()
    for email in ("shared@example.cn", "staff@example.cn"):
        response = client.post("/accounts/password_reset/", {"email": email})
        assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["shared@example.cn"]]
    assert "alice" in mailoutbox[0].body and "root" not in mailoutbox[0].body


@pytest.mark.django_db
def test_the_service_refuses_an_account_outside_the_subtree_whatever_the_view(world, county_admin):
    from django.core.exceptions import PermissionDenied

    from reports.services.accounts import account_password_reset

    for target in (world.bob, world.sam, county_admin):  # other county, ancestor, oneself
        with pytest.raises(PermissionDenied):
            account_password_reset(actor=county_admin, user=target)
    with pytest.raises(PermissionDenied):
        account_password_reset(actor=world.rita, user=world.alice)  # a reviewer
    world.bob.refresh_from_db()
    assert world.bob.check_password(PASSWORD)
