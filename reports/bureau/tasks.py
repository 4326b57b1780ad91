"""Celery tasks of org/account imports, and the functions that hand a job to Celery.

The work lives in ``reports.bureau.import_jobs``, which never imports this module: dispatch
is on this side only. ``autodiscover_tasks`` finds this module (the app is installed), so
every worker registers the tasks; the names stay ``reports.*`` for the routes and beat.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.db import transaction
from django.http import HttpRequest

from reports.audit import audit_record
from reports.bureau.import_jobs import import_job_run, stale_pending_jobs
from reports.models import ImportJob, User
from reports.selectors import user_unit

log = logging.getLogger(__name__)

BROKER_DOWN_MESSAGE = "后台任务服务暂时不可用，导入已排队，稍后自动开始"


@shared_task(name="reports.run_import", ignore_result=True)
def run_import(job_id: int) -> None:
    import_job_run(job_id=job_id)


@shared_task(name="reports.requeue_pending_imports", ignore_result=True)
def requeue_pending_imports() -> int:
    return import_jobs_requeue()


def import_job_request(
    *, actor: User, data: bytes, filename: str, request: HttpRequest | None = None
) -> ImportJob:
    """Store the sheet in a pending job and queue it after commit. ``job.dispatch_failed``
    tells the caller the broker was unreachable (the job stays pending, sent again later)."""
    with transaction.atomic():
        job = ImportJob.objects.create(requested_by=actor, filename=filename[:200], sheet=data)
        audit_record(
            action="org_import_queued",
            actor=actor,
            target=job.filename,
            organization=user_unit(actor),
            detail={"job": job.pk},
            request=request,
        )
        job.dispatch_failed = False
        transaction.on_commit(lambda: _dispatch(job))
    return job


def _dispatch(job: ImportJob) -> None:
    job.dispatch_failed = not import_job_dispatch(job.pk)


def import_job_dispatch(job_id: int) -> bool:
    """Hand the job to Celery; False (job left pending) when the broker is unreachable."""
    try:
        run_import.delay(job_id)
    except Exception:  # kombu.exceptions.OperationalError and friends: broker down
        log.warning("import job %s left pending: broker unavailable", job_id, exc_info=True)
        return False
    return True


def import_jobs_requeue(*, now: datetime | None = None) -> int:
    """Send again the jobs left pending for a while (the broker was down when sent)."""
    return sum(import_job_dispatch(job_id) for job_id in stale_pending_jobs(now=now))
