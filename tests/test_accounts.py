"""Login, first-login password change, throttling, logout — in Chinese."""

import pytest
from django.test import Client

from reports.choices import Role
from tests.world import PASSWORD, make_user


def test_the_login_page_is_in_chinese(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page
    assert 'lang="zh-CN"' in page


def test_a_user_logs_in_and_sees_the_home_page(world):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "rita", "password": PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert "甲县教育局" in page and "审核员" in page


def test_a_wrong_password_gets_a_chinese_message(world, client):
    page = client.post("/accounts/login/", {"username": "rita", "password": "nope"}).content
    assert "请输入一个正确的" in page.decode()


def test_repeated_failures_lock_the_login_with_a_clear_message(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "rita", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_imported_account_must_change_its_password_first(world, client):
    user = make_user("fresh", world.school_a1, Role.SUBMITTER)
    user.must_change_password = True
    user.save()
    client.post("/accounts/login/", {"username": "fresh", "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/"
    assert "第一次登录" in client.get("/accounts/password_change/").content.decode()
    client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Brand-New-Pass-77",
            "new_password2": "Brand-New-Pass-77",
        },
    )
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get("/").status_code == 200


def test_logout_is_a_post_and_ends_the_session(world, client):
    client.force_login(world.alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_logs_in():
    from django.core.management import call_command

    from reports.models import Organization, User

    call_command("seed_demo")
    first = Organization.objects.count()
    call_command("seed_demo")
    assert Organization.objects.count() == first
    assert Organization.objects.filter(kind="school").count() >= 60
    assert Organization.objects.filter(kind="city").count() == 2
    assert Organization.objects.filter(kind="county").count() == 3
    for username in (
        "demo-admin",
        "demo-auditor",
        "demo-city",
        "demo-reviewer",
        "demo-school",
        "demo-school2",
    ):
        user = User.objects.get(username=username)
        assert user.check_password("jianfu2026"), username
        assert user.membership
