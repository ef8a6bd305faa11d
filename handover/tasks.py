from celery import shared_task
from django.utils import timezone

from handover import dispatch
from handover.models import HandoverDispatch
from shifts.models import Shift


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
