"""Reads about unavailability (leave, conferences, team public holidays)."""

import datetime as dt

from django.db.models import QuerySet

from shifts.models import Unavailability
from teams.models import Team


def unavailability_for_team(
    *, team: Team, start_on: dt.date | None = None, end_on: dt.date | None = None
) -> QuerySet[Unavailability]:
    qs = Unavailability.objects.filter(team=team).select_related("user")
    if start_on is not None:
        qs = qs.filter(ends_on__gte=start_on)
    if end_on is not None:
        qs = qs.filter(starts_on__lte=end_on)
    return qs.order_by("starts_on", "pk")
