from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The core: models, rules, workflow, analysis pipeline, copy index, notifications."""

    name = "reports"
    verbose_name = "减负自查"

    def ready(self) -> None:
        # The one place receivers are connected (imports here: the app registry must be ready).
        # After a submission commits, the analysis is queued and the reviewers are notified;
        # importing ``checks`` registers the start-up checks (no static manifest, no serving).
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete

        from reports import (  # noqa: F401
            checks,
            copyindex,
            definitions,
            events,
            middleware,
            notifications,
            security_audit,
            tasks,
        )
        from reports.models import ReferenceText

        events.version_submitted.connect(
            tasks.on_version_submitted, dispatch_uid="reports.tasks.on_version_submitted"
        )
        events.version_submitted.connect(
            notifications.on_version_submitted,
            dispatch_uid="reports.notifications.on_version_submitted",
        )
        events.analyses_stale.connect(
            tasks.on_analyses_stale, dispatch_uid="reports.tasks.on_analyses_stale"
        )
        # A deleted 范文 leaves no index rows behind (they would hide real sources).
        post_delete.connect(
            copyindex.on_reference_deleted,
            sender=ReferenceText,
            dispatch_uid="reports.copyindex.on_reference_deleted",
        )
        # A campaign's indicators or checklist changed → its cached definitions are stale.
        definitions.connect_receivers()
        # Logins, passwords, accounts, roles and admin-site edits → the audit log.
        security_audit.connect_receivers()
        user_logged_in.connect(
            middleware.on_login_start_session, dispatch_uid="reports.middleware.start_session"
        )
