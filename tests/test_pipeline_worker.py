"""End to end: a real Celery worker (with beat) and a real Redis that goes down and returns."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reports.choices import AnalysisState
from reports.models import AnalysisResult, Report
from reports.workflow import report_submit
from tests.factories import complete_content, fill, make_campaign
from tests.world import point_celery_at

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.05)
    raise RuntimeError("redis did not start")


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def analysed(report: Report) -> bool:
    return AnalysisResult.objects.filter(version__report=report, state=AnalysisState.DONE).exists()


@pytest.fixture
def broker(tmp_path):
    """A Redis of this test's own, which the test may stop and start again."""
    if not os.path.exists("/usr/bin/redis-server") and os.environ.get("CI") != "true":
        pytest.skip("redis-server not installed")
    port = free_port()
    state = {"proc": start_redis(port, tmp_path), "port": port}
    old = point_celery_at(f"redis://127.0.0.1:{port}/0")
    yield state
    point_celery_at(old)
    state["proc"].terminate()
    state["proc"].wait(10)


WORKER_APP = "jianfu-test-worker"


@pytest.fixture
def worker(broker, tmp_path):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{broker['port']}/0",
        "ANALYSIS_REQUEUE_SECONDS": "2",
        "ANALYSIS_STALE_SECONDS": "1",
        "PGAPPNAME": WORKER_APP,  # libpq's default application_name: the worker's backends
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-B",
            "-s",
            str(tmp_path / "beat"),
            "-Q",
            "celery,analysis",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    if os.environ.get("SHOW_WORKER_LOG"):
        print((tmp_path / "worker.log").read_text())


def submit(report: Report, user) -> None:
    fill(report, user, complete_content())
    report_submit(report_id=report.pk, actor=user)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared database")
def test_a_submission_made_while_redis_is_down_is_analysed_when_it_returns(
    world, broker, worker, tmp_path
):
    campaign = make_campaign(world)
    first = Report.objects.get(campaign=campaign, organization=world.school_a1)
    second = Report.objects.get(campaign=campaign, organization=world.school_a2)

    submit(first, world.alice)
    assert wait_for(lambda: analysed(first), 60), (tmp_path / "worker.log").read_text()[-3000:]

    broker["proc"].terminate()
    broker["proc"].wait(10)
    submit(second, world.amy)  # the broker is down: the submission still succeeds
    second.refresh_from_db()
    assert second.state == "submitted"
    assert AnalysisResult.objects.get(version__report=second).state == AnalysisState.PENDING

    broker["proc"] = start_redis(broker["port"], tmp_path)
    # No one acts: beat's requeue task sends the pending analysis once Redis is back.
    assert wait_for(lambda: analysed(second), 90), (tmp_path / "worker.log").read_text()[-3000:]


def worker_backends() -> set[int]:
    """The PostgreSQL backends the worker holds now (by their process ids)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [WORKER_APP])
        return {pid for (pid,) in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared database")
def test_the_worker_keeps_its_database_connection_and_gets_a_new_one_when_it_breaks(
    world, broker, worker, tmp_path
):
    """Celery would close the connection around every task (a new PostgreSQL backend per
    analysis); the worker keeps it as a web thread does, and replaces it when it breaks."""
    log = tmp_path / "worker.log"
    campaign = make_campaign(world)
    first = Report.objects.get(campaign=campaign, organization=world.school_a1)
    second = Report.objects.get(campaign=campaign, organization=world.school_a2)

    submit(first, world.alice)
    assert wait_for(lambda: analysed(first), 60), log.read_text()[-3000:]
    held = worker_backends()
    assert held, "the worker keeps a connection between tasks"
    time.sleep(4.5)  # beat's requeue task runs every 2 s: more tasks, the same backend
    assert worker_backends() == held

    with connection.cursor() as cursor:  # as a PostgreSQL restart or an idle timeout would
        cursor.execute("SELECT pg_terminate_backend(p) FROM unnest(%s::int[]) AS p", [list(held)])
    submit(second, world.amy)
    assert wait_for(lambda: analysed(second), 60), log.read_text()[-3000:]
    assert worker_backends() and not worker_backends() & held
    # at the first try: the broken connection was replaced before the task used it
    assert "OperationalError" not in log.read_text(), log.read_text()[-3000:]
    assert not AnalysisResult.objects.filter(state=AnalysisState.FAILED).exists()
