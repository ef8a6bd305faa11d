"""The handover note of a shift: free text around the drafted period summary."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from shifts.models import Shift
from teams.models import Team

NOTE_SECTIONS = ("ongoing_debugging", "watch_out_for", "next_week")


class HandoverNote(models.Model):
    """One per shift. `outgoing` and `incoming` come from the effective schedule at the
    handover instant (the shift's end; covers and swaps included) and are refreshed
    until the note is finalised. `version` grows with every save of the text (a save
    based on an older one is a `VersionConflict`)."""

    shift = models.OneToOneField(Shift, on_delete=models.CASCADE, related_name="handover_note")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="handover_notes")
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="On shift just before the handover.",
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="On shift from the handover.",
    )
    ongoing_debugging = models.TextField(blank=True, help_text="Markdown.")
    watch_out_for = models.TextField(blank=True, help_text="Markdown.")
    next_week = models.TextField(blank=True, help_text="Markdown.")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_after_finalising = models.BooleanField(
        default=False, help_text="The text changed after it was finalised."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ack_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shift__start_at"]
        indexes = [
            models.Index(
                fields=["finalised_at"],
                condition=models.Q(acknowledged_at__isnull=True, ack_reminder_sent_at__isnull=True),
                name="handover_note_ack_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Handover note of shift #{self.shift_id}"

    def get_absolute_url(self) -> str:
        return reverse("handover:note", kwargs={"slug": self.team.slug, "shift_id": self.shift_id})

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def state(self) -> str:
        """draft / finalised / acknowledged."""
        if self.acknowledged_at is not None:
            return "acknowledged"
        return "finalised" if self.finalised_at is not None else "draft"


class HandoverDispatch(models.Model):
    """The weekly email of a shift's handover, one per shift: recorded (with the email
    queued under the key `handover-email:<shift id>`) before anything is sent, so the
    beat, the command and "send now" never send it twice."""

    class Via(models.TextChoices):
        SCHEDULE = "schedule", "At the handover time"
        SEND_NOW = "send-now", "Sent now by a lead"
        COMMAND = "command", "send_handover_emails"

    shift = models.OneToOneField(Shift, on_delete=models.CASCADE, related_name="handover_dispatch")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="handover_dispatches")
    email = models.OneToOneField(
        "outbox.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipients = models.JSONField(default=list, help_text="Addresses; empty: nobody to send to.")
    was_draft = models.BooleanField(help_text="The note was not finalised when it went out.")
    late = models.BooleanField(default=False, help_text="Dispatched well after the handover.")
    via = models.CharField(max_length=16, choices=Via.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Handover email of shift #{self.shift_id}"

    @property
    def state(self) -> str:
        """no-recipients / queued / sent."""
        if not self.recipients:
            return "no-recipients"
        return "sent" if self.email is not None and self.email.sent_at is not None else "queued"


class ChatWebhook(models.Model):
    """A team's incoming webhook (Slack or Mattermost) the handover summary is posted to.
    The URL is a secret: written by leads, never shown back in full (`masked_url`)."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        MATTERMOST = "mattermost", "Mattermost"

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="chat_webhook")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SLACK)
    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["https", "http"])],
        help_text="Secret: never shown in full.",
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} webhook of {self.team}: {self.masked_url}"

    @property
    def masked_url(self) -> str:
        """'https://hooks.slack.com/…abcd': the scheme, the host and the last 4 characters."""
        scheme, _, rest = self.url.partition("://")
        host = rest.split("/", 1)[0].rpartition("@")[2]
        return f"{scheme}://{host}/…{self.url[-4:]}" if self.url else ""
