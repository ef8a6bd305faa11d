"""Unavailability (leave, conferences, public holidays) and importing it from .ics files."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shifts.models import Rotation, Unavailability
from shifts.services.moves import ShiftMoves
from shifts.services.rotations import rotation_generate
from teams.access import team_access
from teams.ical import IcsError, parse_periods
from teams.models import Team
from teams.selectors import team_members_check
from teams.timezones import zone


def _replan_team(*, team: Team, now: dt.datetime | None, event: str) -> None:
    """Plan the team's future shifts again; whoever's shifts moved is emailed once."""
    moves = ShiftMoves(team=team, now=now)
    for rotation in Rotation.objects.active().filter(team=team):
        rotation_generate(rotation=rotation, now=now)
    moves.notify(event=event)


@transaction.atomic
def unavailability_create(
    *,
    team: Team,
    actor: User,
    user: User | None,
    starts_on: dt.date,
    ends_on: dt.date,
    kind: str = Unavailability.Kind.VACATION,
    note: str = "",
    now: dt.datetime | None = None,
    replan: bool = True,
) -> Unavailability:
    """Record leave (members for themselves, leads for anyone) or a team public holiday
    (leads); future shifts are planned again around it (unless the caller does it once
    for several periods: `replan=False`)."""
    if kind not in Unavailability.Kind.values:
        raise ValidationError({"kind": f"Unknown kind {kind!r}."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end is before the start."})
    is_lead = team_access(user=actor, team=team).is_lead
    if kind == Unavailability.Kind.PUBLIC_HOLIDAY:
        if user is not None:
            raise ValidationError(
                {"user": "A public holiday applies to the whole team; leave the person empty."}
            )
        if not is_lead:
            raise PermissionDenied("Only a lead may enter public holidays.")
    else:
        if user is None:
            raise ValidationError({"user": "Say who is unavailable."})
        if user.pk != actor.pk and not is_lead:
            raise PermissionDenied("Only a lead may enter someone else's unavailability.")
        team_members_check(team=team, users=[user], field="user")
    period = Unavailability(
        team=team, user=user, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note
    )
    period.full_clean()
    period.save()
    if user is not None and replan:
        _replan_team(team=team, now=now, event=f"leave-added:{period.pk}")
    return period


@dataclass(frozen=True)
class ImportedDays:
    """A period read from an .ics file as whole days in the team's zone (inclusive)."""

    starts_on: dt.date
    ends_on: dt.date
    summary: str


def ics_periods_as_days(*, team: Team, data: bytes, today: dt.date) -> list[ImportedDays]:
    """Read an uploaded .ics file as whole days in the team's zone, from 92 days ago to
    two years ahead; raises IcsError (a message for the user) for unusable files."""
    tz = zone(team.time_zone)
    window_start = dt.datetime.combine(today - dt.timedelta(days=92), dt.time(0), tzinfo=tz)
    window_end = dt.datetime.combine(today + dt.timedelta(days=731), dt.time(0), tzinfo=tz)
    periods = parse_periods(data, zone=tz, window_start=window_start, window_end=window_end)
    days: dict[tuple[dt.date, dt.date, str], ImportedDays] = {}
    for period in periods:
        first = period.start.astimezone(tz).date()
        end = period.end.astimezone(tz)
        last = end.date() - dt.timedelta(days=1) if end.time() == dt.time(0) else end.date()
        summary = period.summary[:200]
        days.setdefault(
            (first, max(first, last), summary),
            ImportedDays(starts_on=first, ends_on=max(first, last), summary=summary),
        )
    if not days:
        raise IcsError(
            f"The file has no events between {window_start:%d %b %Y} and {window_end:%d %b %Y}."
        )
    return sorted(days.values(), key=lambda d: (d.starts_on, d.ends_on, d.summary))


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int


@transaction.atomic
def unavailability_import(
    *,
    team: Team,
    actor: User,
    user: User | None,
    kind: str,
    periods: Sequence[ImportedDays],
    now: dt.datetime | None = None,
) -> ImportResult:
    """Create the imported periods in one go (same rules as `unavailability_create`);
    a period already entered with the same person, kind and days is skipped."""
    if not periods:
        raise ValidationError("There is nothing to import.")
    existing = set(
        Unavailability.objects.filter(team=team, user=user, kind=kind).values_list(
            "starts_on", "ends_on"
        )
    )
    created = skipped = 0
    first_id: int | None = None
    for period in periods:
        if (period.starts_on, period.ends_on) in existing:
            skipped += 1
            continue
        existing.add((period.starts_on, period.ends_on))
        row = unavailability_create(
            team=team,
            actor=actor,
            user=user,
            kind=kind,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            note=period.summary,
            now=now,
            replan=False,
        )
        first_id = first_id or row.pk
        created += 1
    if user is not None and created:
        _replan_team(team=team, now=now, event=f"leave-imported:{first_id}")
    return ImportResult(created=created, skipped=skipped)


@transaction.atomic
def unavailability_delete(
    *, period: Unavailability, actor: User, now: dt.datetime | None = None
) -> None:
    if period.user_id != actor.pk and not team_access(user=actor, team=period.team).is_lead:
        raise PermissionDenied("Only a lead may remove someone else's unavailability.")
    team, personal, period_id = period.team, period.user_id is not None, period.pk
    period.delete()
    if personal:
        _replan_team(team=team, now=now, event=f"leave-removed:{period_id}")
