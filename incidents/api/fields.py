"""Serializer fields that take a record or a person only from the URL's team, and the
model serializer base whose dates and datetimes are bounded (`teams.bounds`).

The queryset is the context team's rows, so another team's id or a stranger's username
is refused exactly like an unknown one ("object does not exist"): an error never names
or describes what the caller cannot read.
"""

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Model, QuerySet
from rest_framework import serializers

from incidents.models import Component
from teams.bounds import SaneDateField, SaneDateTimeField
from teams.models import Team
from teams.rest import UsernameField
from teams.selectors import team_members

M = TypeVar("M", bound=Model)


def _context_team(field: serializers.Field[Any, Any, Any, Any]) -> Team | None:
    team = field.context.get("team")
    return team if isinstance(team, Team) else None


class BoundedModelSerializer(serializers.ModelSerializer[M]):
    """A model serializer whose dates and datetimes are the bounded ones: 1970..2200, an
    offset-less time read in the team's zone (a gap or fold time is a 400), output in UTC."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: SaneDateTimeField,
        models.DateField: SaneDateField,
    }


class TeamRecordField(serializers.PrimaryKeyRelatedField[Model]):
    """A record of the URL's team by id (an incident, a knowledge entry, ...)."""

    def __init__(self, *, model: type[Model], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Model]:
        team = _context_team(self)
        rows = self.model._default_manager.all()
        return rows.filter(team=team) if team else rows.none()


class TeamComponentField(serializers.SlugRelatedField[Component]):
    """A component of the URL's team, by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="name", **kwargs)

    def get_queryset(self) -> QuerySet[Component]:
        team = _context_team(self)
        return Component.objects.filter(team=team) if team else Component.objects.none()


class TeamMemberField(UsernameField):
    """An active member of the URL's team, by username."""

    def get_queryset(self) -> QuerySet[User]:
        team = _context_team(self)
        return team_members(team=team) if team else User.objects.none()
