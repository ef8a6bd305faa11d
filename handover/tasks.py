"""Periodic handover jobs (declared in config/celery.py): thin, take ids, safe to run twice."""

from celery import shared_task

from handover import reminders


@shared_task(name="handover.tasks.ack_reminders_sweep")
def ack_reminders_sweep() -> None:
    """Fan out one reminder task per finalised note still unacknowledged N hours on."""
    for note_id in reminders.ack_reminders_due_ids():
        ack_reminder_send.delay(note_id)


@shared_task(name="handover.tasks.ack_reminder_send")
def ack_reminder_send(note_id: int) -> None:
    reminders.ack_reminder_send(note_id=note_id)
