"""Celery application.

With no ``CELERY_BROKER_URL`` the settings module turns on eager execution, so the
embedded default (``make run``) needs no Redis and no worker.
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs) -> None:
    """Around each task, what Django does around each request: close a database connection
    that is older than ``CONN_MAX_AGE`` or broken, and health-check the others before their
    next use (``CONN_HEALTH_CHECKS``). Eager tasks run inside the caller's request or
    transaction and are left alone."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as close  # Django is set up by then

    close()
