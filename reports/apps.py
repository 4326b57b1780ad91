from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The core: models, rules, workflow, analysis pipeline, copy index, notifications."""

    name = "reports"
    verbose_name = "减负自查"

    def ready(self) -> None:
        # The one place receivers are connected (imports here: the app registry must be ready).
        # After a submission commits, the analysis is queued and the reviewers are notified;
        # importing ``checks`` registers the start-up checks (no static manifest, no serving).
        from django.db.models.signals import post_delete

        from reports import checks, copyindex, events, notifications, tasks  # noqa: F401
        from reports.models import ReferenceText

        events.version_submitted.connect(
            tasks.on_version_submitted, dispatch_uid="reports.tasks.on_version_submitted"
        )
        events.version_submitted.connect(
            notifications.on_version_submitted,
            dispatch_uid="reports.notifications.on_version_submitted",
        )
        # A deleted 范文 leaves no index rows behind (they would hide real sources).
        post_delete.connect(
            copyindex.on_reference_deleted,
            sender=ReferenceText,
            dispatch_uid="reports.copyindex.on_reference_deleted",
        )
