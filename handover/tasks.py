"""Periodic handover jobs (declared in config/celery.py): thin, take ids, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from handover import dispatch, reminders
from handover.models import HandoverDispatch
from shifts.models import Shift


@shared_task(name="handover.tasks.ack_reminders_sweep")
def ack_reminders_sweep() -> None:
    """Fan out one reminder task per finalised note still unacknowledged N hours on."""
    for note_id in reminders.ack_reminders_due_ids():
        ack_reminder_send.delay(note_id)


@shared_task(name="handover.tasks.ack_reminder_send")
def ack_reminder_send(note_id: int) -> None:
    reminders.ack_reminder_send(note_id=note_id)


@shared_task(name="handover.tasks.handover_emails_due")
def handover_emails_due() -> None:
    """Fan out one dispatch task per shift whose handover has come (or was missed)."""
    for shift_id in dispatch.shifts_due(at=timezone.now()).values_list("pk", flat=True)[:500]:
        handover_email_dispatch.delay(shift_id)


@shared_task(name="handover.tasks.handover_email_dispatch")
def handover_email_dispatch(shift_id: int) -> None:
    shift = Shift.objects.select_related("team", "rotation").filter(pk=shift_id).first()
    if shift is not None:
        dispatch.handover_dispatch_send(
            shift=shift, now=timezone.now(), via=HandoverDispatch.Via.SCHEDULE
        )
