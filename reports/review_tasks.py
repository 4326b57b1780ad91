"""Celery tasks of the review workflow: notifications and deadline reminders.

``reports.tasks`` imports this module, so ``autodiscover_tasks`` registers them (and the
notification receivers) in every worker. Thin wrappers: the work is in
``reports.notifications``.
"""

from celery import shared_task

from reports import notifications


@shared_task(name="reports.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders() -> int:
    """Hourly from beat; sends only 08:00–20:00 Asia/Shanghai and never twice."""
    return notifications.send_deadline_reminders()
