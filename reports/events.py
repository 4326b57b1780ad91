"""Domain events. The workflow sends them after commit; the analysis pipeline and the
notifications listen (connected in ``ReportsConfig.ready``), so the workflow imports neither
the pipeline nor Celery."""

from django.dispatch import Signal

# Sent after the transaction that created a ReportVersion has committed; kwargs: version_id.
version_submitted = Signal()

# Sent when analyses already stored have become incomplete (the campaign's count learned a
# template site's frame their texts hold, reports.chrome); kwargs: version_ids.
analyses_stale = Signal()
