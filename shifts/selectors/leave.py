"""Reads about unavailability (leave, conferences, team public holidays)."""

import datetime as dt

from django.db.models import QuerySet

from shifts.models import Unavailability
from teams.models import Team
from teams.timezones import zone


def unavailability_for_team(
    *, team: Team, start_on: dt.date | None = None, end_on: dt.date | None = None
) -> QuerySet[Unavailability]:
    qs = Unavailability.objects.filter(team=team).select_related("user")
    if start_on is not None:
        qs = qs.filter(ends_on__gte=start_on)
    if end_on is not None:
        qs = qs.filter(starts_on__lte=end_on)
    return qs.order_by("starts_on", "pk")


def leave_overlapping(
    *, team: Team, user_id: int, start_at: dt.datetime, end_at: dt.datetime
) -> Unavailability | None:
    """The person's own recorded leave (not a team holiday) overlapping [start_at, end_at)."""
    tz = zone(team.time_zone)
    candidates = Unavailability.objects.filter(
        team=team,
        user_id=user_id,
        ends_on__gte=start_at.astimezone(tz).date() - dt.timedelta(days=1),
        starts_on__lte=end_at.astimezone(tz).date() + dt.timedelta(days=1),
    ).order_by("starts_on", "pk")
    for period in candidates:
        away_start, away_end = period.bounds(tz)
        if away_start < end_at and start_at < away_end:
            return period
    return None


def leave_clash_message(*, period: Unavailability, whose: str) -> str:
    """Why a swap or cover is refused: it falls inside someone's own recorded leave."""
    days = f"{period.starts_on:%a %d %b %Y}"
    if period.ends_on != period.starts_on:
        days += f" to {period.ends_on:%a %d %b %Y}"
    return (
        f"This falls inside {whose} recorded {period.get_kind_display().lower()} ({days}); "
        "remove or change that leave first, or pick someone else."
    )
