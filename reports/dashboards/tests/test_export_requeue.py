"""An export asked for while the broker was down (or hung) is not lost and does not wait hours:
the request gives up on the broker within seconds, and a beat task sends the job again once
it has been pending for EXPORT_STALE_SECONDS — never a job that is already done."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from portal.celery import app
from reports.choices import ExportState
from reports.dashboards.tasks import export_dispatch, export_request, requeue_pending_exports
from reports.models import ExportJob
from tests.export_builders import build
from tests.world import point_celery_at


@pytest.fixture
def built(world):
    return build(world)


def pending_job(world, built, *, age: timedelta) -> ExportJob:
    """A job whose message never reached a broker (the test transaction never commits)."""
    job = export_request(user=world.rita, kind="csv", campaign=built.campaign, unit=world.county_a)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - age)
    return job


def state(job: ExportJob) -> str:
    return ExportJob.objects.get(pk=job.pk).state


def test_a_job_left_pending_is_sent_again_and_built(world, built, eager_celery):
    stale = pending_job(world, built, age=timedelta(seconds=settings.EXPORT_STALE_SECONDS + 60))
    fresh = pending_job(world, built, age=timedelta(seconds=30))
    assert requeue_pending_exports() == 1
    assert state(stale) == ExportState.DONE
    assert state(fresh) == ExportState.PENDING  # may still be on its way: left alone


def test_a_finished_job_is_not_sent_again(world, built, eager_celery):
    job = pending_job(world, built, age=timedelta(hours=1))
    assert requeue_pending_exports() == 1
    finished_at = ExportJob.objects.get(pk=job.pk).finished_at
    assert requeue_pending_exports() == 0
    assert ExportJob.objects.get(pk=job.pk).finished_at == finished_at


def test_while_the_broker_is_still_down_the_job_waits_for_the_next_beat(world, built):
    job = pending_job(world, built, age=timedelta(hours=1))
    old = point_celery_at("redis://127.0.0.1:1/0")
    try:
        assert requeue_pending_exports() == 0
    finally:
        point_celery_at(old)
    assert state(job) == ExportState.PENDING


def test_the_requeue_runs_every_few_minutes_on_the_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-pending-exports"]
    assert entry["task"] == "reports.requeue_pending_exports"
    assert entry["task"] in app.tasks
    assert entry["schedule"] + settings.EXPORT_STALE_SECONDS <= 10 * 60


def test_a_hung_broker_costs_the_request_seconds_not_hours(db):
    """A broker that accepts the connection and never answers (overloaded, half-dead proxy):
    without a socket timeout the web worker waited forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    outcome: dict[str, object] = {}

    def dispatch() -> None:
        started = time.monotonic()
        outcome["sent"] = export_dispatch(123456)
        outcome["seconds"] = time.monotonic() - started

    old = point_celery_at(f"redis://127.0.0.1:{port}/0")
    try:
        worker = threading.Thread(target=dispatch, daemon=True)
        worker.start()
        worker.join(timeout=30)
    finally:
        point_celery_at(old)
        listener.close()
    assert not worker.is_alive(), "the dispatch was still waiting for the broker after 30 s"
    assert outcome["sent"] is False
    assert outcome["seconds"] < 15
