"""Writes about a team's components."""

from django.core.exceptions import ValidationError
from django.db import transaction

from incidents.models import Component
from teams.models import Team


@transaction.atomic
def component_create(*, team: Team, name: str, description: str = "") -> Component:
    name = name.strip()
    if Component.objects.filter(team=team, name__iexact=name).exists():
        raise ValidationError({"name": f"{team.name} already has a component named {name}."})
    component = Component(team=team, name=name, description=description)
    component.full_clean()
    component.save()
    return component
