"""Celery application.

With no ``CELERY_BROKER_URL`` the settings module turns on eager execution, so the
embedded default (``make run``) needs no Redis and no worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
