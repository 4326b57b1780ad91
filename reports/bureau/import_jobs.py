"""Org/account imports too large for one web request, run as a Celery job with progress.

A sheet with more than ``JOB_ACCOUNT_ROWS`` account rows or more than ``JOB_ROWS`` rows is
not imported in the request (hashing one password takes about half a second with the
production hasher, so 300 accounts would pass gunicorn's timeout).
``reports.bureau.tasks.import_job_request`` stores the uploaded file in an ``ImportJob`` and
hands its id to Celery after commit (queue ``exports``); ``import_job_run`` reads and
imports it exactly as a small sheet is imported (``reports.services.org_import``), updating
``progress`` every ``PROGRESS_EVERY`` hashed passwords. The page polls the job with htmx.

Decisions:
- The job re-checks the requester's role when it runs, and the import checks the scope
  then, not when the file was sent.
- The uploaded file may carry 初始密码 in clear: it is blanked as soon as the job ends,
  whatever the outcome.
- Generated passwords are kept in ``result["passwords"]`` so that the requester can read
  them once the job is done (only the requester sees the job: 404 for anyone else). A GET
  never writes, so they are not dropped on view: the page shows them with a POST button
  "我已保存密码" (``import_job_clear_passwords``) that removes them for good.
- A job left pending because the broker was down (``stale_pending_jobs``) is sent again by
  ``reports.bureau.tasks.import_jobs_requeue`` (beat's ``reports.requeue_pending_imports``).
- Handing work to Celery lives in ``reports.bureau.tasks`` only: this module never imports
  it, so the two do not form a cycle.
"""

from __future__ import annotations

import io
import logging
from contextlib import closing
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from reports.audit import audit_record
from reports.choices import ImportState, Role
from reports.models import ImportJob, User
from reports.selectors import has_role, user_unit
from reports.services.org_import import ImportRejected, org_import
from reports.services.org_sheet import COLUMNS, SheetError, iter_sheet, read_sheet

log = logging.getLogger(__name__)

JOB_ACCOUNT_ROWS = 30
JOB_ROWS = 500
PROGRESS_EVERY = 10
STALE_PENDING = timedelta(minutes=5)
UNEXPECTED_ERROR = "导入时发生意外错误，没有导入任何数据，请稍后重试或联系系统管理员"


def needs_job(data: bytes, filename: str) -> bool:
    """Whether the sheet goes to a background job. Reads no further than the thresholds, so
    the request never reads a large sheet (the job reads it, and refuses it past
    ``MAX_ROWS``). Raises ``SheetError`` for a file that is not a readable sheet."""
    rows = accounts = 0
    with closing(iter_sheet(data, filename)) as records:
        for record in records:
            if not any(record.values()):
                continue
            rows += 1
            accounts += bool(record.get(COLUMNS["username"], "").strip())
            if accounts > JOB_ACCOUNT_ROWS or rows > JOB_ROWS:
                return True
    return False


def import_jobs_of(user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(requested_by=user).defer("sheet")


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Import the job's sheet. Re-reads the job; does nothing if it has ended or is gone."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state in (ImportState.DONE, ImportState.FAILED):
            return job
        job.state, job.progress = ImportState.RUNNING, 0
        job.save(update_fields=["state", "progress"])
    actor = job.requested_by

    def on_progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            ImportJob.objects.filter(pk=job_id).update(progress=done, total=total)

    state, result, error = ImportState.FAILED, {}, ""
    try:
        if not actor.is_active or not has_role(actor, Role.ADMIN):
            raise ImportRejected(["提交导入的账号已没有管理员权限，没有导入任何数据"])
        records = read_sheet(io.BytesIO(bytes(job.sheet)), job.filename)
        outcome = org_import(records=records, actor=actor, on_progress=on_progress, job_id=job_id)
    except SheetError as exc:
        error = str(exc)
    except ImportRejected as exc:
        result = {"errors": exc.errors}
    except Exception:
        log.exception("import job %s failed", job_id)
        error = UNEXPECTED_ERROR
    else:
        state = ImportState.DONE
        result = {
            "units_created": outcome.units_created,
            "units_updated": outcome.units_updated,
            "users_created": outcome.users_created,
            "users_updated": outcome.users_updated,
            "passwords": [list(pair) for pair in outcome.generated_passwords],
        }
    ImportJob.objects.filter(pk=job_id).update(
        state=state, result=result, error=error, sheet=b"", finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def import_job_clear_passwords(*, job: ImportJob, actor: User) -> None:
    """The requester saved the generated passwords: drop them from the job for good."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not locked.result.get("passwords"):
            return
        count = len(locked.result["passwords"])
        locked.result = {**locked.result, "passwords": [], "passwords_cleared": count}
        locked.save(update_fields=["result"])
        audit_record(
            action="org_import_passwords_cleared",
            actor=actor,
            target=locked.filename,
            organization=user_unit(actor),
            detail={"job": locked.pk, "count": count},
        )
    job.refresh_from_db()


def stale_pending_jobs(*, now: datetime | None = None) -> list[int]:
    """The ids of the jobs left pending for a while (the broker was down when sent)."""
    now = now or timezone.now()
    stale = ImportJob.objects.filter(state=ImportState.PENDING, created_at__lt=now - STALE_PENDING)
    return list(stale.values_list("pk", flat=True))
