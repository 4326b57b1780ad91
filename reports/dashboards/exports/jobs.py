"""The export job lifecycle: create (scope check + audit) → run → download → expiry.

``export_create`` checks the user's scope and creates a pending ``ExportJob``;
``reports.dashboards.tasks.export_request`` calls it and hands the id to Celery after commit
(this module never imports the tasks: dispatch lives on their side only). With the broker
unreachable that hand-over fails within seconds (``CELERY_BROKER_TRANSPORT_OPTIONS``) and the
job stays pending (the page says so); the ``reports.requeue_pending_exports`` beat task sends
again every job of ``stale_job_ids`` (pending for longer than ``EXPORT_STALE_SECONDS``), so it
starts within minutes of the broker's return. ``export_run`` re-reads the job and does
nothing if it is finished, so a second delivery is harmless. Files go to
``MEDIA_ROOT/exports/`` (never static) and are served only through a permission-checked
view; they expire after ``EXPORT_EXPIRE_DAYS`` (``export_purge``).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from reports.audit import audit_record
from reports.choices import ExportKind, ExportState, ReportState, Role
from reports.dashboards.exports.bundle import write_bundle
from reports.dashboards.exports.csv_rows import iter_csv
from reports.dashboards.exports.docx_summary import write_summary
from reports.dashboards.exports.names import EXTENSIONS, download_name
from reports.dashboards.exports.xlsx import write_xlsx
from reports.dashboards.queries import scoped_reports
from reports.models import Campaign, ExportJob, Organization, User
from reports.selectors import campaigns_visible_to, can_see_unit, has_role

log = logging.getLogger(__name__)


# Who exports: the bureau's roles. A supervisor (上级查看) only reads, and reading includes
# taking the numbers away: read-only roles export exactly what they may read (their subtree).
EXPORT_ROLES = (Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)
EXPORT_REFUSED = "只有教育局的审核员、上级查看和管理员可以导出；学校账号请向教育局索取汇总"


def can_export(user: User) -> bool:
    return has_role(user, *EXPORT_ROLES)


def check_export_scope(*, user: User, campaign: Campaign, unit: Organization) -> None:
    """Reviewers, supervisors and admins (and operators) export within their subtree; else
    403 (saying who may) / 404."""
    if not can_export(user):
        raise PermissionDenied(EXPORT_REFUSED)
    if not can_see_unit(user, unit):
        raise Http404
    if not campaigns_visible_to(user).filter(pk=campaign.pk).exists():
        raise Http404


def jobs_of(user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(user=user).select_related("campaign", "unit")


def export_create(
    *,
    user: User,
    kind: str,
    campaign: Campaign,
    unit: Organization,
    request: HttpRequest | None = None,
) -> ExportJob:
    """Check the kind and the user's scope, then create a pending job and its audit row in
    one transaction. Handing it to Celery is ``reports.dashboards.tasks.export_request``."""
    if kind not in ExportKind.values:
        raise ValidationError("未知的导出类型")
    check_export_scope(user=user, campaign=campaign, unit=unit)
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            kind=kind,
            campaign=campaign,
            unit=unit,
            filename=download_name(kind, campaign, unit),
        )
        audit_record(
            action="export_request",
            actor=user,
            target=f"{job.get_kind_display()} · {campaign.title}",
            organization=unit,
            detail={"job": job.pk, "kind": kind, "campaign": campaign.pk, "unit": unit.pk},
            request=request,
        )
    return job


def export_run(*, job_id: int) -> ExportJob | None:
    """Build the file of a job. Re-reads the job; does nothing if it is done or gone."""
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update()
            .select_related("campaign", "unit", "user")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state == ExportState.DONE:
            return job
        job.state, job.progress, job.error = ExportState.RUNNING, 0, ""
        job.save(update_fields=["state", "progress", "error"])
    try:
        _build(job)
    except Exception as exc:
        log.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    return job


def _build(job: ExportJob) -> None:
    campaign, unit, user = job.campaign, job.unit, job.user
    counted = scoped_reports(campaign, unit, user)
    if job.kind == ExportKind.BUNDLE:
        counted = counted.filter(state=ReportState.APPROVED)
    total = counted.count()
    ExportJob.objects.filter(pk=job.pk).update(total=total)

    def on_row(n: int) -> None:
        if n % 500 == 0 or n == total:
            ExportJob.objects.filter(pk=job.pk).update(progress=n)

    with tempfile.TemporaryDirectory(prefix="export-") as tmp:
        path = Path(tmp) / f"export.{EXTENSIONS[job.kind]}"
        _write_file(job, path, on_row)
        with path.open("rb") as handle:
            job.file.save(f"export_{job.pk}.{EXTENSIONS[job.kind]}", File(handle), save=False)
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        state=ExportState.DONE,
        progress=total,
        finished_at=now,
        expires_at=now + timedelta(days=settings.EXPORT_EXPIRE_DAYS),
    )
    job.refresh_from_db()


def _write_file(job: ExportJob, path: Path, on_row: Callable[[int], None]) -> None:
    """Run the builder of the job's kind into ``path``."""
    scope: dict[str, Any] = {"campaign": job.campaign, "unit": job.unit, "user": job.user}
    if job.kind == ExportKind.XLSX:
        write_xlsx(str(path), on_row=on_row, **scope)
    elif job.kind == ExportKind.CSV:
        with path.open("wb") as out:
            for chunk in iter_csv(on_row=on_row, **scope):
                out.write(chunk)
    elif job.kind == ExportKind.DOCX:
        write_summary(str(path), **scope)
    else:
        write_bundle(str(path), on_row=on_row, **scope)


def export_purge(*, now: datetime | None = None) -> int:
    """Delete expired files (the job row stays, its download answers 410); returns how many."""
    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged


def stale_job_ids(
    *, now: datetime | None = None, older_than_seconds: int | None = None
) -> list[int]:
    """The jobs still pending after ``EXPORT_STALE_SECONDS`` (their message was never sent,
    or lost with the broker), oldest first."""
    now = now or timezone.now()
    if older_than_seconds is None:
        older_than_seconds = settings.EXPORT_STALE_SECONDS
    cutoff = now - timedelta(seconds=older_than_seconds)
    stale = ExportJob.objects.filter(state=ExportState.PENDING, created_at__lt=cutoff)
    return list(stale.order_by("created_at", "pk").values_list("pk", flat=True))


def job_is_expired(job: ExportJob, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return job.expires_at is not None and job.expires_at < now
