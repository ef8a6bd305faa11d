import datetime as dt

import factory
from django.utils import timezone

from incidents.models import ActionItem, Component, Incident, KnowledgeEntry, SupportRequest
from tests.teams.factories import TeamFactory


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Component{n}")


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Incident {n}")
    kind = Incident.Kind.SYSTEM_FAILURE
    detected_at = factory.LazyFunction(timezone.now)


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    team = factory.SubFactory(TeamFactory)
    asked_by = "Someone"
    question = factory.Sequence(lambda n: f"Question {n}?")
    asked_at = factory.LazyFunction(timezone.now)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Action {n}")


class KnowledgeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeEntry

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Known issue {n}")
    symptom = "Something misbehaves."


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
