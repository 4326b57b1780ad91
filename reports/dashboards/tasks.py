"""Celery tasks of exports, and the functions that hand export work to Celery.

The tasks are thin wrappers taking ids; the work lives in ``reports.dashboards.exports.jobs``.
Dispatch lives here only: this module imports ``jobs``, ``jobs`` never imports this module.
Celery finds the tasks by ``autodiscover_tasks`` (this app is installed); their names stay
``reports.*`` because the settings route and schedule them by name.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.db import transaction
from django.http import HttpRequest

from reports.dashboards.exports import jobs
from reports.models import Campaign, ExportJob, Organization, User

log = logging.getLogger(__name__)

BROKER_DOWN_MESSAGE = "后台任务服务暂时不可用，导出已排队，稍后自动开始"


@shared_task(name="reports.run_export", ignore_result=True)
def run_export(job_id: int) -> None:
    jobs.export_run(job_id=job_id)


@shared_task(name="reports.purge_expired_exports", ignore_result=True)
def purge_expired_exports() -> dict[str, int]:
    """Delete expired files and send again the jobs left pending by a broker outage."""
    return {"purged": jobs.export_purge(), "requeued": export_requeue_stale()}


@shared_task(name="reports.requeue_pending_exports", ignore_result=True)
def requeue_pending_exports() -> int:
    return export_requeue_stale()


def export_request(
    *,
    user: User,
    kind: str,
    campaign: Campaign,
    unit: Organization,
    request: HttpRequest | None = None,
) -> ExportJob:
    """Create a pending job (``jobs.export_create``: kind and scope checked, audited) and
    queue it after commit. ``job.dispatch_failed`` tells the caller the broker was
    unreachable (the job stays pending and is sent again by ``requeue_pending_exports``)."""
    job = jobs.export_create(user=user, kind=kind, campaign=campaign, unit=unit, request=request)
    job.dispatch_failed = False
    transaction.on_commit(lambda: _dispatch(job))
    return job


def _dispatch(job: ExportJob) -> None:
    job.dispatch_failed = not export_dispatch(job.pk)


def export_dispatch(job_id: int) -> bool:
    """Hand the job to Celery; False (job left pending) when the broker is unreachable."""
    try:
        run_export.delay(job_id)
    except Exception:  # kombu.exceptions.OperationalError and friends: broker down
        log.warning("export job %s left pending: broker unavailable", job_id, exc_info=True)
        return False
    return True


def export_requeue_stale(
    *, now: datetime | None = None, older_than_seconds: int | None = None
) -> int:
    """Send again the jobs still pending after ``EXPORT_STALE_SECONDS``; returns how many
    were handed to the broker (it stops at the first refusal: the next beat tries again)."""
    requeued = 0
    for job_id in jobs.stale_job_ids(now=now, older_than_seconds=older_than_seconds):
        if not export_dispatch(job_id):
            break
        requeued += 1
    return requeued
