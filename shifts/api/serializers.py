"""Serializers and checks that several shift resources share: people and shifts by
reference, and a shift named in a request body belonging to the URL's team."""

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from shifts.models import Shift
from teams.bounds import SaneDateTimeField
from teams.models import Team


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()


class UserRefSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class OnCallShiftSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    start_at = SaneDateTimeField()
    end_at = SaneDateTimeField()


def shift_of_team(team: Team, shift: Shift | None, field: str) -> None:
    if shift is not None and shift.team_id != team.pk:
        raise serializers.ValidationError({field: ["No such shift in this team."]})
