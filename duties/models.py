"""A rotation's duties and what was done about them per shift; the team's access
checklist and who has ticked (and a lead confirmed) each item."""

from django.conf import settings
from django.db import models

from meetings.models import MeetingSeries
from shifts.models import Rotation, Shift
from teams.bounds import validate_sane_date
from teams.models import Team


class Duty(models.Model):
    """Something the shifter does: once per shift, every day, on working days, or at each
    meeting of a series the shifter covers."""

    class Cadence(models.TextChoices):
        ONCE_PER_SHIFT = "once_per_shift", "Once per shift"
        DAILY = "daily", "Every day"
        DAILY_WORKING_DAYS = "daily_working_days", "Daily on working days (Monday to Friday)"
        AT_MEETING = "at_meeting", "At each meeting of a series"

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="duties")
    title = models.CharField(max_length=200)
    instructions = models.TextField(
        blank=True, help_text="Markdown: links to dashboards, channels, runbook entries."
    )
    cadence = models.CharField(max_length=24, choices=Cadence.choices)
    meeting_series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="duties",
        help_text="The series whose meetings this duty follows (cadence 'at each meeting').",
    )
    expert_only = models.BooleanField(
        default=False, help_text="A procedure a newcomer must not run alone."
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rotation", "position", "pk"]
        verbose_name_plural = "duties"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cadence="at_meeting", meeting_series__isnull=False)
                | (~models.Q(cadence="at_meeting") & models.Q(meeting_series__isnull=True)),
                name="duty_series_iff_at_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DutyCheck(models.Model):
    """What the shifter did about one occurrence of a duty (`occurs_on`: the team-zone
    date of the occurrence)."""

    class State(models.TextChoices):
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="checks")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="duty_checks")
    occurs_on = models.DateField(validators=[validate_sane_date])
    state = models.CharField(max_length=16, choices=State.choices, default=State.DONE)
    note = models.CharField(max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["occurs_on", "done_at", "pk"]
        indexes = [models.Index(fields=["shift", "occurs_on"], name="dutycheck_shift_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "shift", "occurs_on"], name="dutycheck_unique_occurrence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty} on {self.occurs_on}: {self.state}"


class AccessRequirement(models.Model):
    """An item of the team's onboarding checklist: an account, a group, a key, a role."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="access_requirements")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, help_text="Markdown: how to get it.")
    required = models.BooleanField(default=True, help_text="Nobody should be on shift without it.")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "title"], name="accessreq_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class AccessGrant(models.Model):
    """A person says they have an item (ticked); a lead may confirm it."""

    requirement = models.ForeignKey(
        AccessRequirement, on_delete=models.CASCADE, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    ticked_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requirement", "user"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "user"], name="accessgrant_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} has {self.requirement}"
