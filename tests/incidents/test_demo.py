from django.core.management import call_command
from django.test import override_settings

from incidents.models import (
    ActionItem,
    Incident,
    KnowledgeEntry,
    SupportRequest,
    TimelineEntry,
    TimelineEntryRevision,
)

MODELS = [
    Incident,
    TimelineEntry,
    TimelineEntryRevision,
    SupportRequest,
    ActionItem,
    KnowledgeEntry,
]


def snapshot():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


@override_settings(DEBUG=True)
def test_seed_demo_adds_incident_data_once(db):
    call_command("seed_demo")
    first = snapshot()
    statuses = dict(Incident.objects.values_list("kind", "status"))
    assert set(statuses) == set(Incident.Kind.values)
    assert statuses["system_failure"] == "resolved"
    assert all(incident.timeline.count() >= 2 for incident in Incident.objects.all())
    answered = SupportRequest.objects.exclude(first_response_at=None).get()
    assert answered.response_time is not None
    items = ActionItem.objects.filter(source=ActionItem.Source.INCIDENT)
    assert items.overdue().count() == 2
    assert items.filter(status="done").count() == 1
    assert items.open().exclude(pk__in=items.overdue()).count() == 1
    assert KnowledgeEntry.objects.count() == 2
    assert KnowledgeEntry.objects.filter(expert_only=True).count() == 1
    call_command("seed_demo")
    assert snapshot() == first
