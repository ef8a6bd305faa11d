from celery import shared_task
from django.utils.timezone import now as timezone_now

from shifts import reminders, support_reminders
from shifts.models import Rotation
from shifts.services import rotations


@shared_task(name="shifts.tasks.rotation_generate")
def rotation_generate(rotation_id: int) -> None:
    rotation = Rotation.objects.filter(pk=rotation_id, is_active=True).first()
    if rotation is not None:
        rotations.rotation_generate(rotation=rotation)


@shared_task(name="shifts.tasks.rotations_generate_all")
def rotations_generate_all() -> None:
    """Daily: fan out one planning task per active rotation (keeps the horizon filled)."""
    for rotation_id in Rotation.objects.active().values_list("pk", flat=True):
        rotation_generate.delay(rotation_id)


@shared_task(name="shifts.tasks.shift_reminders_fanout")
def shift_reminders_fanout() -> None:
    """Often: one task per shift whose "starts tomorrow" reminder is due."""
    for shift_id in reminders.shift_reminders_due(now=timezone_now()):
        shift_reminder_send.delay(shift_id)


@shared_task(name="shifts.tasks.shift_reminder_send")
def shift_reminder_send(shift_id: int) -> None:
    reminders.shift_reminder_send(shift_id=shift_id)


@shared_task(name="shifts.tasks.support_overdue_fanout")
def support_overdue_fanout() -> None:
    """Often: one task per waiting support request that may be past its team's target."""
    for request_id in support_reminders.support_overdue_candidates(now=timezone_now()):
        support_overdue_send.delay(request_id)


@shared_task(name="shifts.tasks.support_overdue_send")
def support_overdue_send(request_id: int) -> None:
    support_reminders.support_overdue_send(request_id=request_id)
