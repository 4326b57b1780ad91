from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The core: models, rules, workflow, analysis pipeline, copy index, notifications."""

    name = "reports"
    verbose_name = "减负自查"

    def ready(self) -> None:
        # The one place receivers are connected. After a submission commits, the analysis is
        # queued and the reviewers are notified; importing ``checks`` registers the start-up
        # checks (a missing static manifest refuses to serve).
        from django.contrib.auth.signals import user_logged_in

        from reports import checks, events, middleware, notifications, security_audit, tasks  # noqa: F401

        events.version_submitted.connect(
            tasks.on_version_submitted, dispatch_uid="reports.tasks.on_version_submitted"
        )
        events.version_submitted.connect(
            notifications.on_version_submitted,
            dispatch_uid="reports.notifications.on_version_submitted",
        )
        # Logins, passwords, accounts, roles and admin-site edits → the audit log.
        security_audit.connect_receivers()
        user_logged_in.connect(
            middleware.on_login_start_session, dispatch_uid="reports.middleware.start_session"
        )
