"""等保 2.0 身份鉴别 and session policy: the password rule on every path a password is set,
expiry forcing a change at login, the idle timeout that keeps the draft, one session."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from reports.choices import Role
from reports.middleware import LAST_SEEN
from reports.models import AuditEvent, Report, User
from reports.services.accounts import generate_password
from tests.factories import form_data, make_campaign
from tests.world import PASSWORD, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
TWO_CLASSES = "qingshan2026"  # 12 characters, lower case and digits only
CLASS_RULE = "密码须包含大写字母、小写字母、数字、符号中的至少 3 种。"


def test_the_rule_wants_eight_characters_of_three_classes():
    for weak in ("Ab1!", TWO_CLASSES, "QINGSHAN!!!!", "abcdefgh"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Qingshan2026")  # upper, lower, digit
    validate_password("qingshan-2026")  # lower, digit, symbol


def test_the_change_form_refuses_a_weak_password(world, login):
    client = login(world.alice)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": TWO_CLASSES, "new_password2": TWO_CLASSES},
    )
    assert response.status_code == 200 and CLASS_RULE in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_the_import_refuses_a_weak_initial_password(world, login):
    header = "单位代码,单位名称,单位类型,上级单位代码,学段,寄宿,账号,姓名,角色,初始密码,邮箱"
    line = f"1000000011,新学校,学校,CA,小学,,weak-1,weak-1,填报员,{TWO_CLASSES},"
    upload = SimpleUploadedFile("orgs.csv", f"{header}\n{line}\n".encode("utf-8-sig"))
    page = login(world.ada).post("/orgs/import/", {"sheet": upload}).content.decode()
    assert "第2行：初始密码不符合要求：" in page and CLASS_RULE in page
    assert not User.objects.filter(username="weak-1").exists()


def test_the_django_admin_refuses_a_weak_password(world):
    root = User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(root)
    response = client.post(
        f"/django-admin/reports/user/{world.alice.pk}/password/",
        {"password1": TWO_CLASSES, "password2": TWO_CLASSES, "usable_password": "true"},
    )
    assert response.status_code == 200 and CLASS_RULE in response.content.decode()
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_an_admin_resets_generated_passwords_always_pass_the_rule():
    for _ in range(300):
        validate_password(generate_password())


def test_an_expired_password_forces_a_change_at_login(world, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    User.objects.filter(pk=world.alice.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/"
    page = client.get("/accounts/password_change/").content.decode()
    assert "已使用超过 90 天" in page
    assert AuditEvent.objects.filter(action="password_expired", actor=world.alice).count() == 1
    new = "Qingshan-2027"
    client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    world.alice.refresh_from_db()
    assert timezone.now() - world.alice.password_changed_at < timedelta(minutes=1)
    assert client.get("/").status_code == 200
    # expiry off (the default) asks nothing, however old the password
    settings.PASSWORD_EXPIRY_DAYS = 0
    User.objects.filter(pk=world.rita.pk).update(
        password_changed_at=timezone.now() - timedelta(days=900)
    )
    fresh = Client()
    fresh.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert fresh.get("/").status_code == 200


@pytest.fixture
def report(world):
    campaign = make_campaign(world)
    return Report.objects.get(campaign=campaign, organization=world.school_a1)


def go_idle(client: Client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - minutes * 60
    session.save()


def test_an_idle_session_ends_and_the_draft_survives_re_login(world, report, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    saved = form_data(report)
    saved["section_achievements"] = "超时前自动保存的成效"
    assert client.post(f"/reports/{report.pk}/save/", saved, **HTMX).status_code == 200
    go_idle(client, 29)
    assert client.get(f"/reports/{report.pk}/").status_code == 200  # 29 minutes: still in
    go_idle(client, 31)
    response = client.get(f"/reports/{report.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="session_idle_timeout", actor=world.alice).exists()
    # typing went on in the open tab: the autosave after the timeout is kept for re-login
    report.refresh_from_db()
    late = form_data(report)
    late["section_achievements"] = "超时前自动保存的成效"
    late["section_problems"] = "超时后才输入的问题"
    assert client.post(f"/reports/{report.pk}/save/", late, **HTMX).status_code == 401
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    page = client.get(f"/reports/{report.pk}/").content.decode()
    report.refresh_from_db()
    assert report.sections["achievements"] == "超时前自动保存的成效"
    assert report.sections["problems"] == "超时后才输入的问题"
    assert "超时前自动保存的成效" in page and "已恢复" in page


def test_with_single_session_a_new_login_ends_the_older_one(world, settings):
    settings.SINGLE_SESSION = True
    first, second = Client(), Client()
    first.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert first.get("/").status_code == 200
    second.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert second.get("/").status_code == 200
    assert first.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="session_replaced", actor=world.rita).count() == 1
    new = "Qingshan-2027"  # a password change keeps the session that made it
    second.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert second.get("/").status_code == 200


def test_without_single_session_two_logins_coexist(world):
    first, second = Client(), Client()
    first.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    second.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert first.get("/").status_code == 200 and second.get("/").status_code == 200


def test_an_auditor_account_can_be_made(world):
    """The role exists in the database's check constraint (migration 0015)."""
    assert make_user("aud", world.county_a, Role.AUDITOR).membership.role == "auditor"
