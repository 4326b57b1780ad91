from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Roll-ups of a campaign: the dashboard queries and page, exports (jobs, builders and
    their Celery tasks) and the read-only API with its tokens. Uses the core (models,
    selectors, audit) and never another feature app; no models of its own."""

    name = "reports.dashboards"
    label = "dashboards"
    verbose_name = "统计与导出"
