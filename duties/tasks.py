from celery import shared_task
from django.utils import timezone

from duties import reminders


@shared_task(name="duties.tasks.access_reminders_fanout")
def access_reminders_fanout() -> None:
    """Hourly: one task per person to remind of missing access a week before a shift."""
    for due in reminders.reminders_due(now=timezone.now()):
        access_reminder_send.delay(due.user_id, due.shift_id)


@shared_task(name="duties.tasks.access_reminder_send")
def access_reminder_send(user_id: int, shift_id: int) -> None:
    reminders.access_reminder_send(user_id=user_id, shift_id=shift_id)
