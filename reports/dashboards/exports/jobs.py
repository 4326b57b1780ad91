"""The export job lifecycle: request (scope check + audit) → background run → download → expiry.

``export_request`` creates an ``ExportJob`` and hands its id to Celery after commit; with the
broker unreachable that hand-over fails within seconds (``CELERY_BROKER_TRANSPORT_OPTIONS``)
and the job stays pending (the page says so). The ``reports.requeue_pending_exports`` beat
task (every ``EXPORT_REQUEUE_SECONDS``) sends again every job pending for longer than
``EXPORT_STALE_SECONDS``, so it starts within minutes of the broker's return. The task
re-reads the job and does nothing if it is finished, so a second delivery is harmless.
Files go to ``MEDIA_ROOT/exports/`` (never static) and are served only through a
permission-checked view; they expire after ``EXPORT_EXPIRE_DAYS``.
"""

from __future__ import annotations

import logging
import re
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from reports.audit import audit_record
from reports.choices import ExportKind, ExportState, ReportState, Role
from reports.models import Campaign, ExportJob, Organization, User
from reports.selectors import campaigns_visible_to, can_see_unit, has_role

log = logging.getLogger(__name__)

BROKER_DOWN_MESSAGE = "后台任务服务暂时不可用，导出已排队，稍后自动开始"
EXTENSIONS = {
    ExportKind.XLSX: "xlsx",
    ExportKind.CSV: "csv",
    ExportKind.DOCX: "docx",
    ExportKind.BUNDLE: "zip",
}
UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def can_export(user: User) -> bool:
    return has_role(user, Role.REVIEWER, Role.ADMIN)


def check_export_scope(*, user: User, campaign: Campaign, unit: Organization) -> None:
    """Reviewers and admins (and operators) export within their subtree; else 403 / 404."""
    if not can_export(user):
        raise PermissionDenied("只有审核员和管理员可以导出")
    if not can_see_unit(user, unit):
        raise Http404
    if not campaigns_visible_to(user).filter(pk=campaign.pk).exists():
        raise Http404


def safe_name(text: str) -> str:
    return UNSAFE_NAME.sub("_", text).strip("._")[:80] or "export"


def download_name(kind: str, campaign: Campaign, unit: Organization) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d")
    what = {
        ExportKind.XLSX: "汇总表",
        ExportKind.CSV: "明细",
        ExportKind.DOCX: "汇总报告",
        ExportKind.BUNDLE: "已通过报告",
    }[kind]
    return f"{safe_name(unit.name)}_{safe_name(campaign.title)}_{what}_{stamp}.{EXTENSIONS[kind]}"


def jobs_of(user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(user=user).select_related("campaign", "unit")


def export_request(
    *,
    user: User,
    kind: str,
    campaign: Campaign,
    unit: Organization,
    request: HttpRequest | None = None,
) -> ExportJob:
    """Create a pending job and queue it after commit. ``job.dispatch_failed`` tells the
    caller the broker was unreachable (the job stays pending and is retried later)."""
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
        job.dispatch_failed = False
        transaction.on_commit(lambda: _dispatch(job))
    return job


def _dispatch(job: ExportJob) -> None:
    job.dispatch_failed = not export_dispatch(job.pk)


def export_dispatch(job_id: int) -> bool:
    """Hand the job to Celery; False (job left pending) when the broker is unreachable."""
    from reports.export_tasks import run_export

    try:
        run_export.delay(job_id)
    except Exception:  # kombu.exceptions.OperationalError and friends: broker down
        log.warning("export job %s left pending: broker unavailable", job_id, exc_info=True)
        return False
    return True


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
    from reports.dashboards.queries import scoped_reports

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
        if job.kind == ExportKind.XLSX:
            from reports.exports.xlsx import write_xlsx

            write_xlsx(str(path), campaign=campaign, unit=unit, user=user, on_row=on_row)
        elif job.kind == ExportKind.CSV:
            from reports.exports.csv_rows import iter_csv

            with path.open("wb") as out:
                for chunk in iter_csv(campaign=campaign, unit=unit, user=user, on_row=on_row):
                    out.write(chunk)
        elif job.kind == ExportKind.DOCX:
            from reports.exports.docx_summary import write_summary

            write_summary(str(path), campaign=campaign, unit=unit, user=user)
        else:
            from reports.exports.bundle import write_bundle

            write_bundle(str(path), campaign=campaign, unit=unit, user=user, on_row=on_row)
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


def export_purge(*, now=None) -> dict[str, int]:
    """Delete expired files (the job row stays, its download answers 410) and re-dispatch
    jobs left pending for a while (broker was down when they were requested)."""
    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return {"purged": purged, "requeued": export_requeue_stale(now=now)}


def export_requeue_stale(*, now=None, older_than_seconds: int | None = None) -> int:
    """Send again the jobs still pending after ``EXPORT_STALE_SECONDS`` (their message was
    never sent, or lost with the broker); returns how many were handed to the broker."""
    now = now or timezone.now()
    if older_than_seconds is None:
        older_than_seconds = settings.EXPORT_STALE_SECONDS
    cutoff = now - timedelta(seconds=older_than_seconds)
    stale = ExportJob.objects.filter(state=ExportState.PENDING, created_at__lt=cutoff)
    requeued = 0
    for job_id in stale.values_list("pk", flat=True):
        if not export_dispatch(job_id):
            break  # the broker is still down: the next beat tries again
        requeued += 1
    return requeued


def job_is_expired(job: ExportJob, now=None) -> bool:
    now = now or timezone.now()
    return job.expires_at is not None and job.expires_at < now
