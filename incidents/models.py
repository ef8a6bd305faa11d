"""Action items (and, with the incidents feature, incidents and their timelines)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from teams.models import Team, github_repo_validator


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
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OTHER)
    source_label = models.CharField(max_length=300, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    needs_github_issue = models.BooleanField(default=False)
    github_repo = models.CharField(max_length=140, blank=True, validators=[github_repo_validator])
    github_issue_number = models.PositiveIntegerField(null=True, blank=True)
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

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["team", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(github_issue_number__isnull=True) | ~Q(github_repo=""),
                name="action_item_issue_number_needs_repo",
            ),
        ]

    def __str__(self) -> str:
        return self.title
