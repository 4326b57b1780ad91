"""Celery tasks of exports."""
