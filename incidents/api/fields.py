"""Serializer fields of incidents that take a record only from the URL's team."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from incidents.models import Component
from teams.rest import context_team


class TeamComponentField(serializers.SlugRelatedField[Component]):
    """A component of the URL's team, by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="name", **kwargs)

    def get_queryset(self) -> QuerySet[Component]:
        team = context_team(self)
        return Component.objects.filter(team=team) if team else Component.objects.none()
