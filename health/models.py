"""Evidence that the background processes run: beat heartbeats and worker pings."""

from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic source (Celery beat) was seen, one row per source."""

    source = models.CharField(max_length=32, unique=True)
    beat_at = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.source} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class WorkerPing(models.Model):
    """A round trip web -> broker -> worker -> database, asked for from the status page."""

    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"ping {self.pk}"
