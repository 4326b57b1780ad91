from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "减负自查"

    def ready(self) -> None:
        # Connect the receivers of a submission (the analysis and the reviewers' notifications)
        # and register the start-up checks (a missing static manifest refuses to serve).
        from reports import checks, notifications, pipeline  # noqa: F401
