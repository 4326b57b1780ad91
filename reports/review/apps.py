from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """The reviewer's pages: queue, review page, diff, comments, notifications, follow-up,
    supervisor overview. Uses the core (models, selectors, workflow); no models of its own."""

    name = "reports.review"
    label = "review"
    verbose_name = "审核"
