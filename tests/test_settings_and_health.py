import json
import os

import pytest
from django.conf import settings
from django.db import connection


def test_the_ui_is_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="only enforced in CI")
@pytest.mark.django_db
def test_ci_runs_on_postgresql_not_sqlite():
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    expected = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert body["broker"] == expected


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200  # the database still answers
    assert json.loads(response.content)["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db.utils import OperationalError

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"].startswith("error")


def test_env_bool_refuses_an_ambiguous_value(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from portal.env import env_bool

    monkeypatch.setenv("SOME_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "on")
    assert env_bool("SOME_FLAG", False) is True


def test_a_sqlite_database_url_migrates(tmp_path):
    """DATABASE_URL may name a SQLite file too: PostgreSQL-only connection options stay off it."""
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "db.sqlite3").stat().st_size > 0
