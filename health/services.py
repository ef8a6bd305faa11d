from django.db import transaction
from django.db.models import F
from django.utils import timezone

from health.models import Heartbeat, WorkerPing
from teams.enqueue import enqueue_on_commit


@transaction.atomic
def heartbeat_record(*, source: str) -> Heartbeat:
    now = timezone.now()
    heartbeat, created = Heartbeat.objects.get_or_create(
        source=source, defaults={"beat_at": now, "count": 1}
    )
    if not created:
        Heartbeat.objects.filter(pk=heartbeat.pk).update(beat_at=now, count=F("count") + 1)
        heartbeat.refresh_from_db()
    return heartbeat


@transaction.atomic
def worker_ping_request() -> WorkerPing:
    """Record a ping, then queue it once the row is committed (the worker must see it).

    With the broker down the ping is still recorded (and shown unanswered)."""
    from health.tasks import worker_ping_answer

    ping = WorkerPing.objects.create()
    enqueue_on_commit(worker_ping_answer, ping.pk)
    return ping


@transaction.atomic
def worker_ping_answer(*, ping_id: int, worker: str) -> WorkerPing | None:
    """Mark the ping answered; a second delivery of the same task changes nothing."""
    ping = WorkerPing.objects.select_for_update().filter(pk=ping_id).first()
    if ping is None or ping.answered_at is not None:
        return ping
    ping.answered_at = timezone.now()
    ping.answered_by = worker
    ping.save(update_fields=["answered_at", "answered_by"])
    return ping
