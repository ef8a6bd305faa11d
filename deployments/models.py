"""Hosts a team operates, the changes (patches, releases) rolled out to them, and the
draining / redeployment campaigns that move hosts from one release to the next.

Every change of a host's state, of its release and of a change's state on it writes one
`HostEvent`: the history of a host is its events.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from teams.models import Team

HOST_NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"
host_name_validator = RegexValidator(
    rf"^{HOST_NAME_PATTERN}$",
    "Letters, digits, dots, dashes and underscores, starting with a letter or digit.",
)

# Every date and time given to this app lies in these years (a typo such as 0202 or 20266
# is a 400, never a row nobody can find again).
FIRST_YEAR, LAST_YEAR = 1970, 2200


def validate_year(value: dt.date | dt.datetime) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(f"Must lie between the years {FIRST_YEAR} and {LAST_YEAR}.")


class HostQuerySet(models.QuerySet["Host"]):
    def active(self) -> "HostQuerySet":
        return self.exclude(state=Host.State.RETIRED)


class Host(models.Model):
    """A machine the team operates (a production agent, a central service)."""

    class Role(models.TextChoices):
        AGENT = "agent", "Agent"
        CENTRAL = "central", "Central service"
        OTHER = "other", "Other"

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        DRAINING = "draining", "Draining"
        DRAINED = "drained", "Drained"
        REDEPLOYING = "redeploying", "Redeploying"
        RETIRED = "retired", "Retired"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="hosts")
    name = models.CharField(max_length=100, validators=[host_name_validator])
    site = models.CharField(max_length=50, help_text="e.g. CERN, FNAL.")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    release = models.CharField(max_length=50, blank=True, help_text="e.g. 2.3.4.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    notes = models.TextField(blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HostQuerySet.as_manager()

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="host_unique_team_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "deployments:host-detail", kwargs={"slug": self.team.slug, "name": self.name}
        )


class Change(models.Model):
    """A patch or a release to roll out. Its scope is the hosts it has a `HostChange` on."""

    class Kind(models.TextChoices):
        PATCH = "patch", "Patch"
        RELEASE = "release", "Release"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PATCH)
    title = models.CharField(max_length=200)
    link = models.URLField(blank=True, help_text="The pull request or the release notes.")
    target_release = models.CharField(
        max_length=50,
        blank=True,
        help_text="The release it applies to: its hosts are the scope unless hosts are chosen.",
    )
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_year])
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["team", "closed_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class HostChange(models.Model):
    """One cell of the matrix: where a change stands on one host of its scope."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"
        NOT_NEEDED = "not_needed", "Not needed"

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="host_changes")
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="host_changes")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["change_id", "host_id"]
        constraints = [
            models.UniqueConstraint(fields=["change", "host"], name="hostchange_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.change_id} on {self.host_id}: {self.state}"


class HostEvent(models.Model):
    """One line of a host's history."""

    class Kind(models.TextChoices):
        CREATED = "created", "Added"
        STATE = "state", "State"
        RELEASE = "release", "Release"
        CHANGE = "change", "Change"
        CAMPAIGN = "campaign", "Campaign"

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    change = models.ForeignKey(
        Change, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    old_value = models.CharField(max_length=50, blank=True)
    new_value = models.CharField(max_length=50, blank=True)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["host", "-at"])]

    def __str__(self) -> str:
        return f"{self.host_id} {self.kind}: {self.old_value} → {self.new_value}"


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def active(self) -> "CampaignQuerySet":
        return self.filter(status=Campaign.Status.ACTIVE)


class Campaign(models.Model):
    """Hosts drained (and redeployed) together, with a checklist the shifter follows."""

    class Kind(models.TextChoices):
        DRAINING = "draining", "Draining"
        REDEPLOYMENT = "redeployment", "Redeployment"

    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DRAINING)
    reason = models.TextField(blank=True, help_text="e.g. storage above 85%, a schema change.")
    target_release = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField(null=True, blank=True, validators=[validate_year])
    ends_on = models.DateField(null=True, blank=True, validators=[validate_year])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "deployments:campaign-detail", kwargs={"slug": self.team.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end must not be before the start."})


class CampaignHost(models.Model):
    """A host in a campaign and how far it got."""

    class Stage(models.TextChoices):
        PENDING = "pending", "Not started"
        DRAINING = "draining", "Draining"
        DRAINED = "drained", "Drained"
        REDEPLOYED = "redeployed", "Redeployed"
        VALIDATED = "validated", "Validated"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="campaign_hosts")
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="campaign_hosts")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PENDING)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    stage_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["host__site", "host__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "host"], name="campaignhost_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.host_id} in campaign {self.campaign_id}: {self.stage}"


class ChecklistItem(models.Model):
    """A step of a campaign's procedure, ticked once per host or once for the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    per_host = models.BooleanField(default=True, help_text="Ticked for each host.")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ChecklistTick(models.Model):
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    campaign_host = models.ForeignKey(
        CampaignHost, on_delete=models.CASCADE, null=True, blank=True, related_name="ticks"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "campaign_host"],
                condition=Q(campaign_host__isnull=False),
                name="checklisttick_unique_per_host",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(campaign_host__isnull=True),
                name="checklisttick_unique_per_campaign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} ticked"
