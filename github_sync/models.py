"""GitHub issues linked to action items and incidents, the creations in flight, and
what the sync knows about each repository and webhook delivery.

Exactly-once creation rests on `IssueLink`: a row with a `creation_key` is written (and
committed) before GitHub is called; the key is unique, one per item and repository,
and rides in the issue body as `<!-- shiftdesk:<key> -->`, so after an uncertain
failure the issue can be found instead of created again.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from incidents.models import ActionItem, Incident
from teams.models import Team, github_repo_validator


def new_creation_key() -> str:
    return uuid.uuid4().hex


class TeamRepository(models.Model):
    """A repository a team files issues in, besides its default `Team.github_repo`."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="github_repositories")
    repository = models.CharField(max_length=140, validators=[github_repo_validator])

    class Meta:
        ordering = ["team", "repository"]
        verbose_name_plural = "team repositories"
        constraints = [
            models.UniqueConstraint(
                "team", Lower("repository"), name="github_team_repository_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.repository} ({self.team})"


class GitHubIssueQuerySet(models.QuerySet["GitHubIssue"]):
    def in_repository(self, repository: str) -> "GitHubIssueQuerySet":
        return self.filter(repository__iexact=repository)


class GitHubIssue(models.Model):
    """What Shiftdesk last saw of one issue on GitHub (by a poll, a webhook or a create)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class StateReason(models.TextChoices):
        NONE = "", "—"
        COMPLETED = "completed", "Completed"
        NOT_PLANNED = "not_planned", "Not planned"
        DUPLICATE = "duplicate", "Duplicate"
        REOPENED = "reopened", "Reopened"

    repository = models.CharField(max_length=140, validators=[github_repo_validator])
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    state_reason = models.CharField(max_length=16, choices=StateReason.choices, blank=True)
    labels = models.JSONField(default=list, blank=True)
    assignees = models.JSONField(default=list, blank=True)
    html_url = models.CharField(max_length=500, blank=True)
    comments = models.PositiveIntegerField(default=0)
    github_created_at = models.DateTimeField(null=True, blank=True)
    github_updated_at = models.DateTimeField(null=True, blank=True)
    github_closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_login = models.CharField(max_length=39, blank=True)
    closing_reference = models.CharField(
        max_length=300, blank=True, help_text="The pull request or commit that closed it, if known."
    )
    was_closed = models.BooleanField(
        default=False, help_text="Seen closed at least once (a later reopen is a regression)."
    )
    is_regression = models.BooleanField(default=False)
    regression_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    transferred_from = models.CharField(max_length=200, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never fetched.")

    objects = GitHubIssueQuerySet.as_manager()

    class Meta:
        ordering = ["repository", "number"]
        verbose_name = "GitHub issue"
        constraints = [
            models.UniqueConstraint(
                Lower("repository"), "number", name="github_issue_unique_repository_number"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.repository}#{self.number}"

    @property
    def state_label(self) -> str:
        """open / closed: completed / closed: not planned / deleted."""
        if self.deleted_at:
            return "deleted"
        if self.state == self.State.OPEN:
            return "open"
        reason = self.StateReason(self.state_reason).label.lower() if self.state_reason else ""
        return f"closed: {reason}" if reason and reason != "—" else "closed"


class IssueLinkQuerySet(models.QuerySet["IssueLink"]):
    def with_issue(self) -> "IssueLinkQuerySet":
        return self.select_related("issue")

    def pending(self) -> "IssueLinkQuerySet":
        return self.filter(status=IssueLink.Status.CREATING)

    def failed(self) -> "IssueLinkQuerySet":
        return self.filter(status=IssueLink.Status.FAILED)


class IssueLink(models.Model):
    """An action item's or an incident's GitHub issue: linked, or created by Shiftdesk.

    A created link goes creating → created (or failed, with a reason, and back to
    creating on Retry); `creation_key` is set only on those and is unique per item and
    repository. A linked one is `linked` from the start.
    """

    class Status(models.TextChoices):
        CREATING = "creating", "Creating"
        CREATED = "created", "Created"
        FAILED = "failed", "Failed"
        LINKED = "linked", "Linked"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="github_links")
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="github_links"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="github_links"
    )
    repository = models.CharField(max_length=140, validators=[github_repo_validator])
    issue = models.ForeignKey(
        GitHubIssue, on_delete=models.PROTECT, null=True, blank=True, related_name="links"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    failure_reason = models.CharField(max_length=300, blank=True)
    # Creation (Shiftdesk opens the issue) ------------------------------------------
    creation_key = models.CharField(max_length=32, null=True, blank=True, unique=True)
    request = models.JSONField(
        default=dict, blank=True, help_text="title, body, labels, assignees to create with."
    )
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="Issues created since then are searched for the marker."
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action_item__isnull=False, incident__isnull=True)
                | Q(action_item__isnull=True, incident__isnull=False),
                name="github_link_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["creating", "failed"]) | Q(issue__isnull=False),
                name="github_link_done_has_issue",
            ),
            models.CheckConstraint(
                condition=Q(status="linked") | Q(creation_key__isnull=False),
                name="github_link_created_has_key",
            ),
            models.UniqueConstraint(
                "action_item",
                Lower("repository"),
                condition=Q(creation_key__isnull=False, action_item__isnull=False),
                name="github_link_one_creation_per_item_repository",
            ),
            models.UniqueConstraint(
                "incident",
                Lower("repository"),
                condition=Q(creation_key__isnull=False, incident__isnull=False),
                name="github_link_one_creation_per_incident_repository",
            ),
            models.UniqueConstraint(
                fields=["action_item", "issue"],
                condition=Q(action_item__isnull=False, issue__isnull=False),
                name="github_link_item_issue_once",
            ),
            models.UniqueConstraint(
                fields=["incident", "issue"],
                condition=Q(incident__isnull=False, issue__isnull=False),
                name="github_link_incident_issue_once",
            ),
        ]

    def __str__(self) -> str:
        target = (
            f"action item {self.action_item_id}"
            if self.action_item_id
            else (f"incident {self.incident_id}")
        )
        return f"{self.issue or self.repository} ↔ {target} ({self.status})"

    @property
    def marker(self) -> str:
        return f"<!-- shiftdesk:{self.creation_key} -->" if self.creation_key else ""

    @property
    def target(self) -> ActionItem | Incident:
        target = self.action_item or self.incident
        if target is None:  # the check constraint makes this impossible
            raise ValueError("A link without an action item or incident.")
        return target


class RepositorySync(models.Model):
    """The sync's bookkeeping for one repository: cursor, ETag and the last results."""

    class Result(models.TextChoices):
        NEVER = "", "Never polled"
        CHANGED = "changed", "Changes applied"
        NOT_MODIFIED = "not_modified", "Unchanged (304)"
        RATE_LIMITED = "rate_limited", "Rate limited"
        ERROR = "error", "Error"

    repository = models.CharField(max_length=140, validators=[github_repo_validator])
    etag = models.CharField(max_length=200, blank=True)
    cursor_at = models.DateTimeField(
        null=True, blank=True, help_text="Issues updated since then are listed."
    )
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_poll_result = models.CharField(max_length=16, choices=Result.choices, blank=True)
    last_poll_requests = models.PositiveIntegerField(default=0)
    last_poll_changed = models.PositiveIntegerField(default=0)
    requests_total = models.PositiveBigIntegerField(default=0)
    rate_limit = models.PositiveIntegerField(null=True, blank=True)
    rate_remaining = models.PositiveIntegerField(null=True, blank=True)
    rate_reset_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(
        null=True, blank=True, help_text="Not before: set by a rate limit."
    )
    last_webhook_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["repository"]
        verbose_name_plural = "repository syncs"
        constraints = [
            models.UniqueConstraint(Lower("repository"), name="github_repository_sync_unique"),
        ]

    def __str__(self) -> str:
        return self.repository


class SyncError(models.Model):
    """An error of the sync (poll, create, webhook), kept for the status page."""

    repository = models.CharField(max_length=140, blank=True)
    operation = models.CharField(max_length=20)
    message = models.CharField(max_length=300)
    occurred_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.operation} {self.repository}: {self.message[:60]}"


class WebhookDelivery(models.Model):
    """One accepted webhook delivery: the stored row is the work; a task does it."""

    delivery_id = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=40)
    action = models.CharField(max_length=40, blank=True)
    repository = models.CharField(max_length=140, blank=True)
    issue_number = models.PositiveIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.event}.{self.action} {self.delivery_id}"
