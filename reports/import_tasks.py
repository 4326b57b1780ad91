"""Celery tasks of org/account imports: thin wrappers taking ids (the work lives in
``reports.services.import_jobs``). Imported by ``reports.tasks``."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.run_import", ignore_result=True)
def run_import(job_id: int) -> None:
    from reports.services.import_jobs import import_job_run

    import_job_run(job_id=job_id)


@shared_task(name="reports.requeue_pending_imports", ignore_result=True)
def requeue_pending_imports() -> int:
    from reports.services.import_jobs import import_jobs_requeue

    return import_jobs_requeue()
