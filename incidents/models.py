"""Incidents and their timelines, support requests, action items and the knowledge base.

An incident's shift is not stored: it is derived from `started_at`/`detected_at` once
rotations exist (`shifts/` sits above this app and reads these times).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from teams.bounds import validate_sane_date, validate_sane_datetime
from teams.models import Team

url_validator = URLValidator(schemes=["http", "https"])


def elapsed(start: dt.datetime, end: dt.datetime | None) -> dt.timedelta | None:
    """Real time between two aware datetimes. Python subtracts two datetimes of the same
    zone by wall clock (an hour off across a DST change), so both go to UTC first."""
    if end is None:
        return None
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)


def validate_links(value: object) -> None:
    """A list of http(s) URLs (logs, dashboards, error tracker)."""
    if not isinstance(value, list):
        raise ValidationError("Links must be a list of URLs.")
    for link in value:
        if not isinstance(link, str):
            raise ValidationError("Each link must be a URL.")
        try:
            url_validator(link)
        except ValidationError as error:
            raise ValidationError(f"{link!r} is not an http(s) URL.") from error


class Component(models.Model):
    """A piece of the team's system that can misbehave (e.g. JobAccountant)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="component_unique_team_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> "IncidentQuerySet":
        return self.exclude(status=Incident.Status.RESOLVED)


class Incident(models.Model):
    class Kind(models.TextChoices):
        ON_DEMAND = "on_demand", "On demand"
        SYSTEM_FAILURE = "system_failure", "System failure"
        BUG_DISCOVERY = "bug_discovery", "Bug discovery"
        SUPPORT_REQUEST = "support_request", "Support request"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INVESTIGATING = "investigating", "Investigating"
        MITIGATED = "mitigated", "Mitigated"
        RESOLVED = "resolved", "Resolved"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="incidents")
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True, help_text="Markdown.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_incidents",
    )
    reporter_team = models.CharField(
        "reporting team", max_length=100, blank=True, help_text='An external team, e.g. "P&R".'
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_incidents",
    )
    components = models.ManyToManyField(Component, blank=True, related_name="incidents")
    started_at = models.DateTimeField(null=True, blank=True, validators=[validate_sane_datetime])
    detected_at = models.DateTimeField(default=timezone.now, validators=[validate_sane_datetime])
    resolved_at = models.DateTimeField(null=True, blank=True, validators=[validate_sane_datetime])
    resolution_note = models.TextField(blank=True, help_text="Markdown.")
    links = models.JSONField(default=list, blank=True, validators=[validate_links])
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    knowledge_entries: "models.ManyToManyField[KnowledgeEntry, Any]" = models.ManyToManyField(
        "KnowledgeEntry", blank=True, related_name="incidents"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status", "-detected_at"]),
            models.Index(fields=["team", "-detected_at"]),
            # The handover summary's incidents resolved in, or still open at, a period.
            models.Index(fields=["team", "resolved_at"], name="incident_team_resolved"),
            # The dashboard's newest open incidents: read in order, never sorted.
            models.Index(
                fields=["-detected_at", "-id"],
                condition=~Q(status="resolved"),
                name="incident_open_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_at__isnull=True) | Q(started_at__lte=F("detected_at")),
                name="incident_started_before_detected",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("detected_at")),
                name="incident_resolved_after_detected",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="incident_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident-detail", kwargs={"slug": self.team.slug, "pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.started_at and self.detected_at and self.started_at > self.detected_at:
            errors["started_at"] = "The start must not be after the detection."
        if self.resolved_at and self.detected_at and self.resolved_at < self.detected_at:
            errors["resolved_at"] = "The resolution must not be before the detection."
        if errors:
            raise ValidationError(errors)


class TimelineEntry(models.Model):
    """A time-stamped Markdown entry; status, owner and severity changes write one too."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        STATUS = "status", "Status change"
        OWNER = "owner", "Owner change"
        SEVERITY = "severity", "Severity change"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    occurred_at = models.DateTimeField(default=timezone.now, validators=[validate_sane_datetime])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on incident {self.incident_id}"


class TimelineEntryRevision(models.Model):
    """The text an entry had before an edit."""

    entry = models.ForeignKey(TimelineEntry, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"Revision of entry {self.entry_id} at {self.edited_at:%Y-%m-%d %H:%M}"


class SupportRequest(models.Model):
    """A question from another team, with the times that give response and resolution time."""

    class Channel(models.TextChoices):
        SLACK = "slack", "Slack"
        MATTERMOST = "mattermost", "Mattermost"
        MAIL = "mail", "Mail"
        MEETING = "meeting", "Meeting"
        OTHER = "other", "Other"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="support_requests")
    asked_by = models.CharField("who asked", max_length=150)
    asking_team = models.CharField("their team", max_length=100, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.SLACK)
    link = models.URLField(max_length=500, blank=True)
    question = models.TextField(help_text="Markdown.")
    answer = models.TextField(blank=True, help_text="Markdown.")
    asked_at = models.DateTimeField(default=timezone.now, validators=[validate_sane_datetime])
    first_response_at = models.DateTimeField(
        null=True, blank=True, validators=[validate_sane_datetime]
    )
    resolved_at = models.DateTimeField(null=True, blank=True, validators=[validate_sane_datetime])
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_support_requests",
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["team", "-asked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=F("asked_at")),
                name="support_response_after_question",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("asked_at")),
                name="support_resolved_after_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asked_by}: {self.question[:60]}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.first_response_at and self.asked_at and self.first_response_at < self.asked_at:
            errors["first_response_at"] = "The first response must not be before the question."
        if self.resolved_at and self.asked_at and self.resolved_at < self.asked_at:
            errors["resolved_at"] = "The resolution must not be before the question."
        if errors:
            raise ValidationError(errors)

    @property
    def response_time(self) -> dt.timedelta | None:
        """Elapsed time to the first response: DST changes do not bend it."""
        return elapsed(self.asked_at, self.first_response_at)

    @property
    def resolution_time(self) -> dt.timedelta | None:
        return elapsed(self.asked_at, self.resolved_at)


class KnowledgeEntry(models.Model):
    """Known misbehaviour: symptom → diagnosis → mitigation."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="knowledge_entries")
    title = models.CharField(max_length=300)
    symptom = models.TextField(help_text="Markdown: what you see.")
    diagnosis = models.TextField(blank=True, help_text="Markdown: why it happens.")
    mitigation = models.TextField(blank=True, help_text="Markdown: what to do.")
    components = models.ManyToManyField(Component, blank=True, related_name="knowledge_entries")
    links = models.JSONField(default=list, blank=True, validators=[validate_links])
    expert_only = models.BooleanField(
        "expert-only procedure",
        default=False,
        help_text="Only experts and leads may mark or edit it.",
    )
    source_incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "knowledge entries"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:kb-detail", kwargs={"slug": self.team.slug, "pk": self.pk})


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> "ActionItemQuerySet":
        return self.filter(status=ActionItem.Status.OPEN)

    def overdue(self, *, today: dt.date | None = None) -> "ActionItemQuerySet":
        """Open items due before `today` (default: today in the active zone)."""
        day = today or timezone.localdate()
        return self.open().filter(due_on__lt=day)


class ActionItem(models.Model):
    """Something the team has to do, whatever it came from (a meeting topic, an incident).

    The source is described by `source` + `source_label` + `source_url` so that apps
    above this one (meetings) can point here without this app importing them.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    class Source(models.TextChoices):
        MEETING = "meeting", "Meeting topic"
        INCIDENT = "incident", "Incident"
        OTHER = "other", "Other"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=300)
    details = models.TextField(blank=True, help_text="Markdown.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_action_items",
    )
    due_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OTHER)
    source_label = models.CharField(max_length=300, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    needs_github_issue = models.BooleanField(default=False)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        help_text="Set when the source is an incident.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The lists' order, coarse to fine: open items with a due date, undated open ones,
    # then the same for closed ones (then by due date). Stored, so that the lists read it
    # from the `action_item_list_order` index instead of sorting every item the team
    # ever had; and null-free, since SQLite cannot index NULLS LAST.
    list_group = models.GeneratedField(
        expression=Case(
            When(status=Status.OPEN, due_on__isnull=False, then=Value(0)),
            When(status=Status.OPEN, then=Value(1)),
            When(due_on__isnull=False, then=Value(2)),
            default=Value(3),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "pk"]
        indexes = [
            models.Index(fields=["team", "status", "due_on"]),
            models.Index(
                fields=["team", "list_group", "due_on", "id"], name="action_item_list_order"
            ),
            # The handover summary's items created and closed in a period.
            models.Index(fields=["team", "created_at"], name="action_item_team_created"),
            models.Index(fields=["team", "closed_at"], name="action_item_team_closed"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:action-item-edit", kwargs={"slug": self.team.slug, "pk": self.pk})

    @property
    def is_overdue(self) -> bool:
        """Open and due before today in the active (viewer's) zone."""
        return (
            self.status == self.Status.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )
