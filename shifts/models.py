"""Rotations, their materialised shifts, overrides, swap requests and unavailability."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shifts.rotation import RotationRule, day_span
from teams.bounds import EARLIEST_DATE, LATEST_DATE, validate_sane_date, validate_sane_datetime
from teams.models import Team
from teams.timezones import zone


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class RotationQuerySet(models.QuerySet["Rotation"]):
    def active(self) -> "RotationQuerySet":
        return self.filter(is_active=True)


class Rotation(models.Model):
    """Who takes turns, how long a turn lasts and when it is handed over (team's zone)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rotations")
    name = models.CharField(max_length=100, default="Developer on shift")
    period_days = models.PositiveSmallIntegerField(
        "period (days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="7 for a weekly rotation; any number of days.",
    )
    handover_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY
    )
    handover_time = models.TimeField(
        default=dt.time(9, 0), help_text="Wall-clock time in the team's time zone."
    )
    start_on = models.DateField(
        help_text="The first handover is on the first handover weekday from here.",
        validators=[validate_sane_date],
    )
    horizon_weeks = models.PositiveSmallIntegerField(
        default=26,
        validators=[MinValueValidator(1), MaxValueValidator(520)],
        help_text="How far ahead shifts are planned.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Feeds use it to notice an edit (renamed, deactivated) without rendering anything.
    updated_at = models.DateTimeField(auto_now=True)

    objects = RotationQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="rotation_unique_team_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.team})"

    def get_absolute_url(self) -> str:
        return reverse("shifts:schedule", kwargs={"slug": self.team.slug, "pk": self.pk})

    def rule(self) -> RotationRule:
        """The rotation as plain values. A start stored before the bounds existed (year 1,
        say) counts as the nearest end of the sane range, so planning never crashes."""
        return RotationRule(
            zone=zone(self.team.time_zone),
            start_on=min(max(self.start_on, EARLIEST_DATE), LATEST_DATE),
            handover_weekday=self.handover_weekday,
            handover_time=self.handover_time,
            period_days=self.period_days,
        )


class Participant(models.Model):
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rotation_turns"
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["rotation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "user"], name="participant_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} #{self.position} in {self.rotation}"


class Shift(models.Model):
    """One turn of a rotation. `slot` numbers the turns from the rotation's start; the
    unique (rotation, slot) pair is what makes generation idempotent."""

    class Origin(models.TextChoices):
        GENERATED = "generated", "Generated"
        SWAPPED = "swapped", "Swapped"
        MANUAL = "manual", "Set by hand"

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="shifts")
    # Denormalised from the rotation so "who is on shift in team X at T" is one index range.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="shifts")
    slot = models.PositiveIntegerField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
    )
    start_at = models.DateTimeField(validators=[validate_sane_datetime])
    end_at = models.DateTimeField(validators=[validate_sane_datetime])
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.GENERATED)

    class Meta:
        ordering = ["start_at", "rotation_id"]
        indexes = [
            models.Index(fields=["team", "start_at", "end_at"], name="shift_team_range"),
            models.Index(fields=["rotation", "start_at", "end_at"], name="shift_rotation_range"),
            models.Index(fields=["assignee", "start_at"], name="shift_assignee_start"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "slot"], name="shift_unique_rotation_slot"),
            models.CheckConstraint(
                condition=Q(end_at__gt=F("start_at")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rotation.name} #{self.slot}: {self.assignee}"

    def get_absolute_url(self) -> str:
        return reverse("shifts:shift", kwargs={"slug": self.team.slug, "pk": self.pk})

    @property
    def is_hand_changed(self) -> bool:
        return self.origin != self.Origin.GENERATED


class Override(models.Model):
    """Someone covers part of a shift; the effective schedule layers these over shifts."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_overrides"
    )
    start_at = models.DateTimeField(validators=[validate_sane_datetime])
    end_at = models.DateTimeField(validators=[validate_sane_datetime])
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_at"]
        indexes = [
            models.Index(fields=["shift", "start_at", "end_at"], name="override_shift_range")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=F("start_at")), name="override_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} covers {self.start_at:%Y-%m-%d %H:%M} to {self.end_at:%Y-%m-%d %H:%M}"


class SwapRequest(models.Model):
    """A proposal to a teammate: take my shift (give-away) or exchange it for one of yours."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="swap_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swaps_requested"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swaps_received"
    )
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swaps_offered")
    counter_shift = models.ForeignKey(
        Shift,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="swaps_asked",
        help_text="The recipient's shift in exchange; empty for a give-away.",
    )
    message = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "status"], name="swap_team_status")]

    def __str__(self) -> str:
        return f"Swap #{self.pk} {self.requester} → {self.recipient} ({self.status})"

    @property
    def is_exchange(self) -> bool:
        return self.counter_shift_id is not None


class Unavailability(models.Model):
    """A period someone cannot be on shift (whole days in the team's zone), or a public
    holiday of the whole team (no person): holidays do not block anyone, they only count
    apart in the fairness report."""

    class Kind(models.TextChoices):
        VACATION = "vacation", "Vacation"
        CONFERENCE = "conference", "Conference"
        SICK = "sick", "Sick leave"
        OTHER = "other", "Other"
        PUBLIC_HOLIDAY = "public_holiday", "Public holiday (whole team)"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="unavailabilities")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="unavailabilities",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.VACATION)
    starts_on = models.DateField(validators=[validate_sane_date])
    ends_on = models.DateField(help_text="Inclusive.", validators=[validate_sane_date])
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name_plural = "unavailabilities"
        indexes = [models.Index(fields=["team", "ends_on", "starts_on"], name="unavail_team_range")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="unavailability_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="public_holiday", user__isnull=True)
                | (~Q(kind="public_holiday") & Q(user__isnull=False)),
                name="unavailability_holiday_iff_no_person",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or "everyone"
        return f"{who}: {self.get_kind_display()} {self.starts_on} to {self.ends_on}"

    def bounds(self, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: from the first day's midnight to after the
        last, cut to the sane range (a row stored before the bounds existed may say
        0001-01-01 to 9999-12-31: that is all the time there is, not an overflow)."""
        return day_span(self.starts_on, self.ends_on, tz)


class ShiftEvent(models.Model):
    """The history of a shift: every change of who, when or cover, and who made it."""

    class Kind(models.TextChoices):
        REASSIGNED = "reassigned", "Re-planned"
        RETIMED = "retimed", "Times changed"
        SWAPPED = "swapped", "Swapped"
        OVERRIDE_ADDED = "override_added", "Cover added"
        OVERRIDE_REMOVED = "override_removed", "Cover removed"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"
