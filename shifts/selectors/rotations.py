"""Reads about rotations, with their ordered participants."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from shifts.models import Participant, Rotation
from teams.models import Team

PARTICIPANTS = Prefetch(
    "participants", queryset=Participant.objects.select_related("user").order_by("position")
)


def rotations_for_team(*, team: Team) -> QuerySet[Rotation]:
    return (
        Rotation.objects.filter(team=team)
        .select_related("team")
        .prefetch_related(PARTICIPANTS)
        .order_by("-is_active", "name")
    )


def rotations_for_teams(*, teams: QuerySet[Team]) -> QuerySet[Rotation]:
    return (
        Rotation.objects.filter(team__in=teams)
        .select_related("team")
        .prefetch_related(PARTICIPANTS)
        .order_by("team__name", "-is_active", "name")
    )


def rotation_get(*, team: Team, pk: int | str) -> Rotation:
    return get_object_or_404(rotations_for_team(team=team), pk=pk)
