"""Domain signals, so the workflow does not import the analysis pipeline or notifications."""

from django.dispatch import Signal

# Sent after the transaction that created a ReportVersion has committed; kwargs: version_id.
version_submitted = Signal()
