"""The core's Celery tasks, and the functions that hand work to them.

Tasks are thin wrappers taking ids; the work lives in ``reports.pipeline`` (the analysis)
and ``reports.notifications`` (reminders). Dispatch lives here too, on this side only: the
pipeline never imports Celery or this module.

``enqueue_analysis`` runs after a submission has committed (``on_version_submitted`` is
connected to ``reports.events.version_submitted`` in ``ReportsConfig.ready``): it records a
pending ``AnalysisResult`` and hands the version id to Celery. If the broker is down the row
simply stays pending; the beat task ``requeue_pending_analyses`` sends it again once the
broker is back, so submitting never waits for, or fails because of, the analysis.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from reports import audit, notifications
from reports.choices import AnalysisState
from reports.models import AnalysisResult, ReportVersion
from reports.pipeline import run_analysis

log = logging.getLogger(__name__)


@shared_task(
    name="reports.analyze_version",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=settings.ANALYSIS_TIME_LIMIT,
    time_limit=settings.ANALYSIS_TIME_LIMIT + 30,
    acks_late=True,
)
def analyze_version(version_id: int, force: bool = False) -> str:
    try:
        return run_analysis(version_id, force=force).state
    except SoftTimeLimitExceeded:
        AnalysisResult.objects.filter(version_id=version_id).update(
            state=AnalysisState.FAILED, error="分析超时"
        )
        return AnalysisState.FAILED


@shared_task(name="reports.requeue_pending_analyses")
def requeue_pending_analyses() -> int:
    return requeue_pending()


@shared_task(name="reports.reanalyze_campaign")
def reanalyze_campaign(campaign_id: int) -> int:
    """Analyse every report's current version of a campaign again (after the analyser improved)."""
    versions = ReportVersion.objects.filter(report__campaign_id=campaign_id).values_list(
        "pk", "number", "report__version"
    )
    count = 0
    for version_id, number, current in versions:
        if number == current:
            enqueue_analysis(version_id)
            count += 1
    return count


@shared_task(name="reports.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders() -> int:
    """Hourly from beat; sends only 08:00–20:00 Asia/Shanghai and never twice."""
    return notifications.send_deadline_reminders()


@shared_task(name="reports.prune_audit_log", ignore_result=True)
def prune_audit_log() -> int:
    """Daily from beat: audit rows older than ``AUDIT_RETENTION_DAYS`` (and 180 days)."""
    return audit.audit_prune()


def on_version_submitted(sender, version_id: int, **kwargs) -> None:
    enqueue_analysis(version_id)


def on_analyses_stale(sender, version_ids: list[int], **kwargs) -> None:
    for version_id in version_ids:
        enqueue_analysis(version_id)


def enqueue_analysis(version_id: int) -> AnalysisResult:
    """Mark the version's analysis pending and dispatch it; never raises for a broker error."""
    result, _ = AnalysisResult.objects.get_or_create(version_id=version_id)
    if result.state != AnalysisState.RUNNING:
        result.state = AnalysisState.PENDING
        result.error = ""
    result.queued_at = timezone.now()
    result.save(update_fields=["state", "error", "queued_at"])
    dispatch_analysis(version_id)
    return result


def dispatch_analysis(version_id: int) -> bool:
    """Hand the version to Celery; False (left pending) when the broker is unreachable."""
    try:
        analyze_version.delay(version_id)
    except Exception as exc:  # kombu raises transport-specific errors when Redis is down
        log.warning("analysis of version %s not dispatched (broker down?): %s", version_id, exc)
        return False
    return True


def requeue_pending(older_than_seconds: int | None = None) -> int:
    """Dispatch again what a down broker or a dead worker left behind."""
    if older_than_seconds is None:
        older_than_seconds = settings.ANALYSIS_STALE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    missing = ReportVersion.objects.filter(analysis__isnull=True).values_list("pk", flat=True)
    for version_id in missing:
        enqueue_analysis(version_id)
    stale = AnalysisResult.objects.filter(
        state__in=[AnalysisState.PENDING, AnalysisState.RUNNING], queued_at__lt=cutoff
    ).values_list("version_id", flat=True)
    count = len(missing)
    for version_id in stale:
        if dispatch_analysis(version_id):
            AnalysisResult.objects.filter(version_id=version_id).update(queued_at=timezone.now())
        count += 1
    return count
