"""Reads about swap requests."""

from django.db.models import QuerySet

from shifts.models import SwapRequest
from teams.models import Team


def swap_requests_for_team(*, team: Team) -> QuerySet[SwapRequest]:
    return SwapRequest.objects.filter(team=team).select_related(
        "requester",
        "recipient",
        "decided_by",
        "shift__rotation",
        "shift__team",
        "counter_shift__team",
        "team",
    )
