"""Celery tasks: thin wrappers taking ids; the work lives in ``reports.pipeline``."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError

from reports import export_tasks, import_tasks, review_tasks  # noqa: F401 - register their tasks


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
    from reports.pipeline import run_analysis

    try:
        return run_analysis(version_id, force=force).state
    except SoftTimeLimitExceeded:
        from reports.choices import AnalysisState
        from reports.models import AnalysisResult

        AnalysisResult.objects.filter(version_id=version_id).update(
            state=AnalysisState.FAILED, error="分析超时"
        )
        return AnalysisState.FAILED


@shared_task(name="reports.requeue_pending_analyses")
def requeue_pending_analyses() -> int:
    from reports.pipeline import requeue_pending

    return requeue_pending()


@shared_task(name="reports.reanalyze_campaign")
def reanalyze_campaign(campaign_id: int) -> int:
    """Analyse every report's current version of a campaign again (after the analyser improved)."""
    from reports.models import ReportVersion
    from reports.pipeline import enqueue_analysis

    versions = ReportVersion.objects.filter(report__campaign_id=campaign_id).values_list(
        "pk", "number", "report__version"
    )
    count = 0
    for version_id, number, current in versions:
        if number == current:
            enqueue_analysis(version_id)
            count += 1
    return count
