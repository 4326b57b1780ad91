"""The production stack as deployed: ``scripts/prod.sh`` with docker-compose.yml's commands
(collectstatic, migrate, gunicorn, Celery worker and beat) against this suite's PostgreSQL
server (a fresh database) and Redis (its own database number), DEBUG off, the real password
hasher. A school signs in, submits, and the real worker analyses the report; then SIGTERM to
prod.sh alone stops every process it started."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from reports.demo import DEMO_PASSWORD
from tests.portal_client import REPORT_LINK, REVISION, PortalClient, report_form_data

ROOT = Path(__file__).resolve().parents[1]
SCRUBBED = ("FAST_PASSWORD_HASHER", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG")
SEED = """
import django; django.setup()
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from reports.demo import DEMO_PASSWORD, seed
from reports.models import User
seed()
hasher = PBKDF2PasswordHasher()
User.objects.filter(username="demo-school").update(
    password=hasher.encode(DEMO_PASSWORD, hasher.salt()))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _services() -> tuple[str, str]:
    url, broker = os.environ.get("DATABASE_URL", ""), os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("postgres") or not broker.startswith("redis"):
        if os.environ.get("CI") == "true":
            pytest.fail("scripts/test.sh exports DATABASE_URL and CELERY_BROKER_URL")
        pytest.skip("needs the PostgreSQL and Redis that scripts/test.sh starts")
    return url, broker


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def fresh_database():
    url, broker = _services()
    name = f"prodstack_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name, re.sub(r"/\d*$", "/7", broker)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_healthy(base: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    client = PortalClient(base, timeout=5)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "prod.sh exited:\n" + log.read_text()[-3000:]
        try:
            answer = client.get("/healthz")
            if answer.status == 200 and '"broker": "ok"' in answer.text:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail("no healthy /healthz in time:\n" + log.read_text()[-3000:])


def _analysis_state(database: str, report_pk: int, seconds: float) -> str | None:
    deadline, state = time.monotonic() + seconds, None
    with psycopg.connect(database, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT a.state FROM reports_analysisresult a"
                " JOIN reports_reportversion v ON v.id = a.version_id"
                " WHERE v.report_id = %s ORDER BY v.number DESC LIMIT 1",
                [report_pk],
            ).fetchone()
            state = row[0] if row else None
            if state in ("done", "failed"):
                return state
            time.sleep(0.3)
    return state


def test_prod_sh_starts_the_compose_stack_a_school_submits_and_the_worker_analyses(
    fresh_database, tmp_path
):
    database, broker = fresh_database
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env |= {
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "SECRET_KEY": "prod-stack-test-" + uuid.uuid4().hex,
        "BIND": f"127.0.0.1:{port}",
        "BEAT_SCHEDULE": str(tmp_path / "beat-schedule"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "VENV": str(Path(sys.executable).parents[1]),
    }
    log = tmp_path / "prod.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "scripts/prod.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log, seconds=60)
        subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True, timeout=120)

        school = PortalClient(base)
        login_page = school.get("/accounts/login/")
        stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', login_page.text)
        assert stylesheet, "the page links the hashed stylesheet of the static manifest"
        assert school.get(stylesheet.group(1)).status == 200
        home = school.login("demo-school", DEMO_PASSWORD)
        assert home.status == 200 and "青山县第一小学" in home.text
        report_pk = int(REPORT_LINK.search(home.text).group(1))
        page = school.get(f"/reports/{report_pk}/")
        revision = int(REVISION.search(page.text).group(1))
        done = school.post(f"/reports/{report_pk}/submit/", report_form_data(revision))
        assert done.status == 200 and "已提交第 1 版" in done.text, done.text[-2000:]

        assert _analysis_state(database, report_pk, seconds=40) == "done", log.read_text()[-3000:]
        assert "celery@" in log.read_text() and "beat: Starting" in log.read_text()
    finally:
        pgid = process.pid
        process.send_signal(signal.SIGTERM)  # prod.sh alone: its trap stops the three
        try:
            process.wait(timeout=30)
            deadline = time.monotonic() + 20
            while _group_alive(pgid) and time.monotonic() < deadline:
                time.sleep(0.2)
            left_running = _group_alive(pgid)
        finally:
            if _group_alive(pgid):
                os.killpg(pgid, signal.SIGKILL)
    assert not left_running, "prod.sh left processes running after SIGTERM"


def test_prod_sh_commands_follow_docker_compose(tmp_path):
    compose = (ROOT / "docker-compose.yml").read_text()
    edited = tmp_path / "docker-compose.yml"
    edited.write_text(compose.replace("--workers 2", "--workers 5").replace("=2", "=4"))
    out = subprocess.run(
        [sys.executable, "scripts/compose_commands.py", "--compose", str(edited)],
        cwd=ROOT,
        env={**os.environ, "BIND": "127.0.0.1:9999"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = dict(line.split("=", 1) for line in out.splitlines())
    assert (
        "--workers 5 --threads 32 --timeout 60 --keep-alive 75" in lines["WEB"]
        and "--bind 127.0.0.1:9999" in lines["WEB"]
    )
    assert "worker --loglevel=info --concurrency=4 -Q celery,analysis,exports" in lines["WORKER"]
    # the worker yields the CPU to the web, and still runs the virtualenv's celery
    assert lines["WORKER"].startswith("(nice -n 19 ") and "/celery -A portal" in lines["WORKER"]
    assert "manage.py migrate --noinput" in lines["MIGRATE"]
    assert "manage.py collectstatic --noinput" in lines["COLLECTSTATIC"]
    assert " beat " in lines["BEAT"]
