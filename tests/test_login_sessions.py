"""Logins that never starve the rest, sessions that last a working day and slide while a
form is being filled in, and "记住此设备" (reports/auth.py, reports/views.py)."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import global_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from reports.auth import BoundedModelBackend, PolitePBKDF2PasswordHasher, _hashing_pool
from tests.world import PASSWORD


class SlowCountingHasher(PBKDF2PasswordHasher):
    """PBKDF2 that records how many checks run at the same moment (each takes 50 ms)."""

    algorithm = "slow_counting"
    iterations = 1
    lock = threading.Lock()
    running = 0
    most = 0

    def encode(self, password, salt, iterations=None):
        cls = SlowCountingHasher
        with cls.lock:
            cls.running += 1
            cls.most = max(cls.most, cls.running)
        time.sleep(0.05)
        with cls.lock:
            cls.running -= 1
        return super().encode(password, salt, iterations)


@pytest.mark.django_db
def test_password_checks_run_at_most_login_hash_concurrency_at_once(settings, rf):
    settings.PASSWORD_HASHERS = ["tests.test_login_sessions.SlowCountingHasher"]
    settings.LOGIN_HASH_CONCURRENCY = 2
    SlowCountingHasher.most = 0

    def log_in(index: int) -> None:
        try:
            BoundedModelBackend().authenticate(
                rf.post("/"), username=f"nobody{index}", password="x"
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=log_in, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert SlowCountingHasher.most == 2


def test_the_hasher_stays_strong_in_production():
    assert global_settings.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")
    assert PBKDF2PasswordHasher.iterations >= 1_000_000
    polite = PolitePBKDF2PasswordHasher()
    assert (polite.algorithm, polite.iterations) == (
        "pbkdf2_sha256",
        PBKDF2PasswordHasher.iterations,
    )
    # what production runs: the settings module without the test suite's fast hasher
    source = (Path(__file__).resolve().parents[1] / "portal" / "settings.py").read_text()
    assert '"reports.auth.PolitePBKDF2PasswordHasher",' in source.split("PASSWORD_HASHERS = [")[1]


@pytest.mark.parametrize(
    ("password", "salt", "iterations"),
    [
        ("甲县1小密码", "s4ltSALT", 1000),
        ("", "x", 1),  # the empty password Django hashes for a user that does not exist
        ("Pa55 word!" * 50, "长盐" * 11, 3),
        ("Load-Bench-2026", "A" * 22, PBKDF2PasswordHasher.iterations),  # production's
    ],
)
def test_the_polite_hasher_makes_djangos_hashes_byte_for_byte(password, salt, iterations):
    """The faster derivation (cryptography's OpenSSL) gives Django's hash, so hashes made
    before it and after it verify either way."""
    django_made = PBKDF2PasswordHasher().encode(password, salt, iterations=iterations)
    polite = PolitePBKDF2PasswordHasher()
    assert polite.encode(password, salt, iterations=iterations) == django_made
    assert polite.verify(password, django_made)
    assert not polite.verify(password + "x", django_made)


def test_password_hashing_runs_below_request_priority(settings):
    settings.LOGIN_HASH_NICE = 7
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert _hashing_pool().submit(niceness).result() == max(own, 7)
    assert niceness() == own  # the request's own thread is left as it was


def test_the_login_page_offers_to_remember_this_device(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="remember_device"' in page and "记住此设备" in page and "公用电脑请勿勾选" in page


def _log_in(client, remember: bool = False):
    form = {"username": "alice", "password": PASSWORD}
    if remember:
        form["remember_device"] = "on"
    response = client.post("/accounts/login/", form)
    assert response.status_code == 302
    return response.cookies["sessionid"]


def test_a_school_session_lasts_a_working_day_then_ends(world, client, settings):
    settings.SESSION_IDLE_MINUTES = (
        0  # the idle timeout is its own rule (test_password_session_policy)
    )
    cookie = _log_in(client)
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE == 10 * 3600
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=9, minutes=50)):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(hours=10, minutes=10)):
        assert client.get("/").url.startswith("/accounts/login/")


def test_typing_in_a_form_keeps_the_session_alive(world, client, settings):
    settings.SESSION_IDLE_MINUTES = (
        0  # the idle timeout is its own rule (test_password_session_policy)
    )
    _log_in(client)
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=9)):
        assert client.post("/session/keepalive").status_code == 204
    with time_machine.travel(start + timedelta(hours=18)):
        assert client.get("/").status_code == 200, "nine hours after the last keep-alive"
    with time_machine.travel(start + timedelta(hours=29)):
        assert client.get("/").url.startswith("/accounts/login/")


def test_keepalive_is_a_post_and_only_for_a_signed_in_user(client, db):
    assert client.post("/session/keepalive").status_code == 401
    assert client.get("/session/keepalive").status_code == 405


def test_a_remembered_device_stays_signed_in_for_days_until_the_password_changes(
    world, client, settings
):
    cookie = _log_in(client, remember=True)
    assert cookie["max-age"] == settings.REMEMBER_DEVICE_DAYS * 86400 == 14 * 86400
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=13)):
        assert client.get("/").status_code == 200
        world.alice.set_password("Another-Horse-2027")
        world.alice.save()
        assert client.get("/").url.startswith("/accounts/login/"), "revoked by a new password"


def test_logging_out_ends_a_remembered_session(world, client):
    _log_in(client, remember=True)
    client.post("/accounts/logout/")
    assert client.get("/").url.startswith("/accounts/login/")


def test_keepalives_while_a_form_is_open_outlast_the_idle_timeout(world, client, settings):
    settings.SESSION_IDLE_MINUTES = 30
    _log_in(client)
    start = timezone.now()
    for minutes in range(5, 120, 5):  # the form pings every SESSION_KEEPALIVE_SECONDS (300)
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.post("/session/keepalive").status_code == 204
    with time_machine.travel(start + timedelta(minutes=120)):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=160)):
        assert client.get("/").url.startswith("/accounts/login/")  # idle once the form closed
