"""Celery tasks of exports: thin wrappers taking ids (the work lives in
``reports.exports.service``). Imported by ``reports.tasks``."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.run_export", ignore_result=True)
def run_export(job_id: int) -> None:
    from reports.exports.service import export_run

    export_run(job_id=job_id)


@shared_task(name="reports.purge_expired_exports", ignore_result=True)
def purge_expired_exports() -> dict[str, int]:
    from reports.exports.service import export_purge

    return export_purge()


@shared_task(name="reports.requeue_pending_exports", ignore_result=True)
def requeue_pending_exports() -> int:
    from reports.exports.service import export_requeue_stale

    return export_requeue_stale()
