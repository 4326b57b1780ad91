import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

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


# --- Production settings: `check --deploy` ------------------------------------------------

ENV_EXAMPLE = Path(settings.BASE_DIR) / ".env.example"


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def manage(args: list[str], env: dict[str, str], timeout: int = 120):
    """Run manage.py in a fresh process with only ``env`` (plus PATH) as its environment."""
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def static_root(tmp_path) -> Path:
    """A STATIC_ROOT holding a manifest (collectstatic is tested on its own below)."""
    root = tmp_path / "static"
    root.mkdir()
    (root / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    return root


def test_check_deploy_passes_with_the_production_values_of_env_example(static_root):
    env = env_example()
    # The one value every deployment must replace (the placeholder is refused, see below).
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    # check does not connect; point at the test services anyway rather than at "postgres".
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        env[name] = os.environ.get(name, env[name])
    env["STATIC_ROOT"] = str(static_root)
    done = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode == 0, done.stderr[-3000:]


def test_check_deploy_fails_with_the_development_defaults(static_root):
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "STATIC_ROOT": str(static_root)}
    done = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr, warning


def test_check_deploy_refuses_the_placeholder_secret_of_env_example(static_root):
    env = {**env_example(), "STATIC_ROOT": str(static_root)}
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", env["DATABASE_URL"])
    done = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode != 0 and "security.W009" in done.stderr


def test_env_example_sets_every_https_variable():
    env = env_example()
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000
    for flag in (
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    ):
        assert env[flag] == "1", flag
    assert env["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO"
    assert "127.0.0.1" in env["ALLOWED_HOSTS"].split(",")  # the container healthcheck


def test_persistent_postgresql_connections_are_health_checked():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- A missing static manifest refuses to serve ---------------------------------------------


def test_without_the_static_manifest_start_up_refuses_and_collectstatic_repairs_it(tmp_path):
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "STATIC_ROOT": str(tmp_path / "static")}
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    refused = manage(["check"], env)
    assert refused.returncode != 0
    assert "reports.E001" in refused.stderr and "collectstatic" in refused.stderr
    # gunicorn runs no system check: the WSGI module itself refuses to load.
    wsgi = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=settings.BASE_DIR,
        env={**{k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wsgi.returncode != 0 and "staticfiles.json is missing" in wsgi.stderr
    # The repair itself is not refused, and afterwards the portal starts.
    collected = manage(["collectstatic", "--noinput", "-v0"], env, timeout=300)
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert manage(["check"], env).returncode == 0


def test_the_manifest_check_stays_quiet_in_development(tmp_path):
    env = {"DEBUG": "1", "STATIC_ROOT": str(tmp_path / "nothing-here")}
    done = manage(["check"], env)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.django_db
def test_healthz_is_503_when_the_static_manifest_is_missing(client, settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["static"] == "missing manifest"
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["static"] == "ok"


# --- A PostgreSQL restart between two requests ---------------------------------------------


def wsgi_get(path: str, cookies: str) -> int:
    """One request the way gunicorn makes it: through Django's WSGI handler, whose
    request_started / request_finished signals decide whether a kept connection is reused
    (the test Client switches that off)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    statuses: list[str] = []
    environ = RequestFactory().get(path, HTTP_COOKIE=cookies).environ
    response = WSGIHandler()(environ, lambda status, headers, exc=None: statuses.append(status))
    b"".join(response)
    response.close()  # the server does this: request_finished
    return int(statuses[0].split()[0])


def terminate_backend(pid: int) -> None:
    """What a PostgreSQL restart does to a web worker's kept connection."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            alive = admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
            if alive is None:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} did not go away")


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restart_between_two_requests_is_answered_without_error(world, client):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    client.force_login(world.alice)
    cookies = "; ".join(f"{c.key}={c.value}" for c in client.cookies.values())
    assert wsgi_get("/", cookies) == 200
    assert connection.connection is not None, "the connection is kept between requests"
    terminate_backend(connection.connection.info.backend_pid)
    assert wsgi_get("/", cookies) == 200
