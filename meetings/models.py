"""Meeting series, their occurrences, the live reports written during them, and topics."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from incidents.models import ActionItem
from meetings import recurrence
from teams.bounds import validate_sane_date, validate_sane_datetime
from teams.models import Team
from teams.timezones import validate_time_zone

LONGEST_MEETING_MINUTES = 24 * 60  # a series' occurrences and a moved one alike


class MeetingSeries(models.Model):
    class Host(models.TextChoices):
        OURS = "ours", "Our team"
        OTHER = "other", "Another team"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meeting_series")
    title = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64,
        default="Europe/Zurich",
        validators=[validate_time_zone],
        help_text="The meeting's own zone: its start time is a wall-clock time there.",
    )
    rrule = models.CharField(
        "recurrence rule", max_length=300, help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO."
    )
    starts_on = models.DateField(
        help_text="First possible day of the series (local).", validators=[validate_sane_date]
    )
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="Last day (local); empty: open.",
        validators=[validate_sane_date],
    )
    start_time = models.TimeField(help_text="Local start time in the meeting's zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(LONGEST_MEETING_MINUTES)]
    )
    location = models.CharField(max_length=200, blank=True)
    video_url = models.URLField("video link", blank=True)
    agenda_url = models.URLField("agenda link", blank=True)
    host = models.CharField(max_length=8, choices=Host.choices, default=Host.OURS)
    host_team_name = models.CharField(
        "hosting team", max_length=100, blank=True, help_text="When another team hosts it."
    )
    shifter_covers = models.BooleanField(
        "the shifter covers it", default=True, help_text="The shifter attends and reports."
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Reminded when no report is published (else the team's leads).",
    )
    reminder_hours = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(24 * 7)],
        help_text="Remind when the report is not published this many hours after the end.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Calendar feeds: every edit bumps both (SEQUENCE / LAST-MODIFIED of its occurrences).
    updated_at = models.DateTimeField(auto_now=True)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["team__name", "title"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.UniqueConstraint(fields=["team", "title"], name="meeting_series_unique_title"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1)
                & Q(duration_minutes__lte=LONGEST_MEETING_MINUTES),
                name="meeting_series_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:series-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The series cannot end before it starts."})

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def rule_text(self) -> str:
        return recurrence.rule_describe(self.rrule)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def scheduled(self) -> "MeetingQuerySet":
        return self.filter(status=Meeting.Status.SCHEDULED)


class Meeting(models.Model):
    """One occurrence. `slot_at` is where the rule put it (stable identity); `start_at`
    is where it really is. A cancelled or moved occurrence is `is_detached`: editing the
    series leaves it alone."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="meetings")
    slot_at = models.DateTimeField(help_text="The start the series' rule gave it (UTC).")
    start_at = models.DateTimeField(validators=[validate_sane_datetime])
    end_at = models.DateTimeField(validators=[validate_sane_datetime])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    is_detached = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    # Calendar feeds: cancel, restore and move bump both.
    updated_at = models.DateTimeField(auto_now=True)
    sequence = models.PositiveIntegerField(default=0)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start_at", "pk"]
        indexes = [
            models.Index(fields=["start_at"]),
            models.Index(fields=["series", "start_at"]),
            # The feeds read a window by its end (end_at > now - FEEDS_PAST_DAYS).
            models.Index(fields=["series", "end_at"], name="meeting_series_end"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "slot_at"], name="meeting_unique_slot"),
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.title} {self.start_at:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class MeetingReport(models.Model):
    """The internal report of one occurrence: a draft typed live, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="report")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    attendees = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="General notes (Markdown).")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    html = models.TextField(blank=True, help_text="The published report, sanitized HTML.")
    text = models.TextField(blank=True, help_text="The published report, plain text.")
    emailed_to = models.TextField(
        blank=True, help_text="Who the last publish or correction was emailed to (empty: nobody)."
    )
    corrections = models.PositiveIntegerField(
        default=0, help_text="How many times the published report was corrected."
    )
    corrected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meeting__start_at"]

    def __str__(self) -> str:
        return f"Report: {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:report", kwargs={"pk": self.meeting_id})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_correction(self) -> bool:
        """A draft again after it was published: being corrected."""
        return self.published_at is not None and not self.is_published


class Topic(models.Model):
    class Reply(models.TextChoices):
        NONE = "", "—"
        ANSWERED = "answered", "Answered"
        COULD_NOT_ANSWER = "could_not_answer", "Could not answer"
        FOLLOW_UP = "follow_up", "Follow-up needed"

    report = models.ForeignKey(MeetingReport, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300, blank=True)
    raised_by_team = models.CharField(max_length=100, blank=True)
    raised_by_person = models.CharField(max_length=100, blank=True)
    discussion = models.TextField(blank=True, help_text="Markdown.")
    reply = models.CharField(max_length=20, choices=Reply.choices, blank=True, default="")
    decision = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return self.title or "(untitled topic)"

    @property
    def raised_by(self) -> str:
        return " / ".join(part for part in (self.raised_by_team, self.raised_by_person) if part)


class TopicActionItem(models.Model):
    """An action item (owned by incidents) that came out of a topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="action_links")
    action_item = models.OneToOneField(
        ActionItem, on_delete=models.CASCADE, related_name="meeting_topic_link"
    )
    # The editor's key of the new-item row that created it: a retried save finds the item.
    row_key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["topic", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "row_key"],
                condition=~Q(row_key=""),
                name="topic_action_item_unique_row_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} -> {self.action_item}"


class ReportRevision(models.Model):
    """A snapshot of a report after a save (coalesced per author for a minute), and of
    any text a conflicting save could not store, so nothing typed is lost."""

    class Kind(models.TextChoices):
        SAVE = "save", "Saved"
        CONFLICT = "conflict", "Kept from a conflicting save"
        REMOVED = "removed", "Topic removed"
        PUBLISH = "publish", "Published"
        RESTORE = "restore", "Restored an earlier version"

    report = models.ForeignKey(MeetingReport, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SAVE)
    version = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField()
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["report", "saved_at"])]

    def __str__(self) -> str:
        return f"{self.report} v{self.version} ({self.kind})"

    @property
    def kept_fields(self) -> list[tuple[str, object]]:
        """The fields of a kept (conflicting or removed) part, for display."""
        kept = self.snapshot.get("yours", {}) if isinstance(self.snapshot, dict) else {}
        return [(name, value) for name, value in kept.items() if name != "items"]

    @property
    def kept_items(self) -> list[dict[str, object]]:
        kept = self.snapshot.get("yours", {}) if isinstance(self.snapshot, dict) else {}
        return list(kept.get("items", []))
