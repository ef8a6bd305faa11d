from django.db import models


class ClaimedSend(models.Model):
    """Something to send exactly once per `key` (an email, a webhook post): a row first,
    claimed by one sender at a time (`claim_token`, `claimed_until`) for the network call,
    marked sent after it; a claim that expires (its sender crashed) is taken over by the
    sweep. `outbox.claims` holds the claim logic both kinds share."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class OutboundEmail(ClaimedSend):
    """An email to send. The unique `key` (e.g. "overdue-digest:42:2027-03-29") makes
    queueing idempotent: the same key queued twice is one email, sent once."""

    to = models.JSONField(help_text="Recipient addresses.")
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(
        default=dict,
        blank=True,
        help_text="Extra headers (e.g. List-Id); Message-ID always comes from the key.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} -> {', '.join(self.to)}"


class OutboundWebhookPost(ClaimedSend):
    """A JSON body to POST to an incoming webhook (Slack, Mattermost). The URL is a
    secret: only `target_host` is ever shown or logged."""

    url = models.TextField(help_text="Secret: never shown or logged in full.")
    target_host = models.CharField(max_length=255)
    payload = models.JSONField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.key} -> {self.target_host}"
