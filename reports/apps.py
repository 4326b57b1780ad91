from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "减负自查"

    def ready(self) -> None:
        # Connect the receivers of a submission: the analysis and the reviewers' notifications.
        from reports import notifications, pipeline  # noqa: F401
