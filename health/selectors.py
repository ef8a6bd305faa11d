from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from health.models import Heartbeat, WorkerPing


def beat_heartbeat() -> Heartbeat | None:
    return Heartbeat.objects.filter(source="beat").first()


def beat_is_alive(heartbeat: Heartbeat | None) -> bool:
    """Beat counts as alive if it wrote within three of its intervals."""
    if heartbeat is None:
        return False
    limit = timedelta(seconds=3 * settings.HEARTBEAT_INTERVAL_SECONDS)
    return timezone.now() - heartbeat.beat_at <= limit


def worker_pings_recent(*, limit: int = 5) -> list[WorkerPing]:
    return list(WorkerPing.objects.all()[:limit])
