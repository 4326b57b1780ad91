from django.apps import AppConfig


class BureauConfig(AppConfig):
    """The bureau's desk: the org tree, importing units and accounts (and its background
    job), password resets, creating and publishing 填报任务, the audit log page. Uses the core
    (models, selectors, services, workflow); never another feature app; no models of its own."""

    name = "reports.bureau"
    label = "bureau"
    verbose_name = "教育局管理"
