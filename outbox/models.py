from django.db import models


class OutboundEmail(models.Model):
    """An email to send. The unique `key` (e.g. "overdue-digest:42:2027-03-29") makes
    queueing idempotent: the same key queued twice is one email, sent once.

    A sender claims the row (`claim_token`, `claimed_until`) before talking to SMTP, so
    concurrent senders never both send it; a claim that expires (its sender crashed) is
    taken over by the sweep."""

    key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(help_text="Recipient addresses.")
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} -> {', '.join(self.to)}"
