"""Celery tasks of the review workflow: notifications and deadline reminders."""
