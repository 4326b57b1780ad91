from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "减负自查"

    def ready(self) -> None:
        from reports import pipeline  # noqa: F401 - connects the submission → analysis receiver
