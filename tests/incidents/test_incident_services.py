import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from incidents.models import Incident, KnowledgeEntry, TimelineEntry
from incidents.services import action_items, components, incidents, knowledge
from teams.models import Membership
from teams.selectors import person_name
from tests.incidents.factories import ComponentFactory, IncidentFactory
from tests.teams.factories import MembershipFactory

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def in_2027():
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        yield


@pytest.fixture
def incident(team, member):
    return incidents.incident_open(
        team=team, title="Backlog in WorkQueueManager", kind=Incident.Kind.SYSTEM_FAILURE,
        created_by=member, detected_at=T0,
    )  # fmt: skip


def kinds(incident):
    return [entry.kind for entry in incident.timeline.all()]


def test_open_records_an_entry_and_defaults_owner_to_the_logger(incident, member):
    assert incident.owner == member
    assert incident.status == Incident.Status.OPEN
    assert kinds(incident) == [TimelineEntry.Kind.STATUS]
    assert "Opened as system failure" in incident.timeline.get().body


def test_full_lifecycle_with_reopen(incident, member):
    for status in ("investigating", "mitigated"):
        incidents.incident_set_status(incident=incident, status=status, by=member)
    incidents.incident_set_status(
        incident=incident, status="resolved", by=member, note="Restarted the component."
    )
    assert incident.resolved_at is not None
    assert incident.resolution_note == "Restarted the component."
    incidents.incident_set_status(
        incident=incident, status="investigating", by=member, note="Backlog is back."
    )
    incident.refresh_from_db()
    assert incident.status == "investigating"
    assert incident.resolved_at is None
    assert "Reopened (investigating): Backlog is back." in incident.timeline.last().body
    assert kinds(incident).count(TimelineEntry.Kind.STATUS) == 5


@pytest.mark.parametrize(
    ("status", "note", "field"),
    [
        ("resolved", "", "note"),
        ("resolved", "   ", "note"),
        ("open", "", "status"),
        ("bogus", "", "status"),
    ],
)
def test_bad_status_changes_write_nothing(incident, member, status, note, field):
    with pytest.raises(ValidationError) as caught:
        incidents.incident_set_status(incident=incident, status=status, by=member, note=note)
    assert field in caught.value.message_dict
    incident.refresh_from_db()
    assert incident.status == "open"
    assert incident.timeline.count() == 1


def test_reopen_needs_a_reason_and_mitigated_cannot_go_back_to_open(incident, member):
    incidents.incident_set_status(incident=incident, status="mitigated", by=member)
    with pytest.raises(ValidationError, match="cannot go from mitigated to open"):
        incidents.incident_set_status(incident=incident, status="open", by=member)
    incidents.incident_set_status(incident=incident, status="resolved", by=member, note="Fixed.")
    with pytest.raises(ValidationError, match="Reopening needs a reason"):
        incidents.incident_set_status(incident=incident, status="open", by=member)


def test_resolution_before_detection_is_refused(incident, member):
    with pytest.raises(ValidationError) as caught:
        incidents.incident_set_status(
            incident=incident, status="resolved", by=member, note="x", at=T0 - dt.timedelta(hours=1)
        )
    assert "at" in caught.value.message_dict


def test_end_before_start_is_refused_and_nothing_written(team, member):
    with pytest.raises(ValidationError) as caught:
        incidents.incident_open(
            team=team, title="x", kind="bug_discovery", created_by=member,
            started_at=T0, detected_at=T0 - dt.timedelta(minutes=1),
        )  # fmt: skip
    assert "started_at" in caught.value.message_dict
    assert not Incident.objects.exists()
    assert not TimelineEntry.objects.exists()


def test_unknown_component_and_non_member_owner_are_refused(team, member, outsider):
    foreign = ComponentFactory(name="JobAccountant")
    with pytest.raises(ValidationError) as caught:
        incidents.incident_open(
            team=team, title="x", kind="on_demand", created_by=member, components=[foreign]
        )
    assert "components" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        incidents.incident_open(
            team=team, title="x", kind="on_demand", created_by=member, owner=outsider
        )
    assert "owner" in caught.value.message_dict
    assert not Incident.objects.exists()


def test_transfer_with_note_and_to_a_non_member(incident, member, lead, outsider):
    incidents.incident_transfer(incident=incident, owner=lead, by=member, note="Lead knows this.")
    assert incident.owner == lead
    entry = incident.timeline.last()
    assert entry.kind == TimelineEntry.Kind.OWNER
    assert entry.body == f"Owner {person_name(member)} → {person_name(lead)}.\n\nLead knows this."
    with pytest.raises(ValidationError, match="Not a member"):
        incidents.incident_transfer(incident=incident, owner=outsider, by=member)
    with pytest.raises(ValidationError, match="already owns"):
        incidents.incident_transfer(incident=incident, owner=lead, by=member)
    incident.refresh_from_db()
    assert incident.owner == lead


def test_severity_change_is_a_timeline_entry(incident, member):
    incidents.incident_update(incident=incident, by=member, severity="critical", title="Renamed")
    assert incident.timeline.last().body == "Severity medium → critical."
    incidents.incident_update(incident=incident, by=member, title="Renamed again")
    assert incident.timeline.count() == 2


def test_related_incidents_are_symmetric_and_same_team(incident, member, team):
    other = IncidentFactory(team=team)
    incidents.incident_update(incident=incident, by=member, related=[other, incident])
    assert list(other.related.all()) == [incident]
    with pytest.raises(ValidationError):
        incidents.incident_update(incident=incident, by=member, related=[IncidentFactory()])


def test_entries_editable_by_author_with_history(incident, member, lead):
    entry = incidents.timeline_entry_add(incident=incident, author=member, body="First *look*.")
    incidents.timeline_entry_edit(entry=entry, by=member, body="First look: the log is full.")
    incidents.timeline_entry_edit(entry=entry, by=member, body="Third version.")
    assert entry.edited_at is not None
    assert [r.body for r in entry.revisions.all()] == [
        "First look: the log is full.",
        "First *look*.",
    ]
    with pytest.raises(ValidationError, match="Only the author"):
        incidents.timeline_entry_edit(entry=entry, by=lead, body="Not mine.")
    with pytest.raises(ValidationError, match="Automatic entries"):
        incidents.timeline_entry_edit(entry=incident.timeline.first(), by=member, body="x")
    with pytest.raises(ValidationError):
        incidents.timeline_entry_add(incident=incident, author=member, body="  ")


def test_promote_resolved_incident_to_knowledge(incident, member, team):
    component = ComponentFactory(team=team, name="JobAccountant")
    incidents.incident_update(
        incident=incident, by=member, components=[component], summary="Stuck."
    )
    incidents.timeline_entry_add(incident=incident, author=member, body="Corrupted FWJR.")
    with pytest.raises(ValidationError, match="Only a resolved"):
        knowledge.incident_promote(incident=incident, by=member)
    incidents.incident_set_status(
        incident=incident, status="resolved", by=member, note="Removed it."
    )
    entry = knowledge.incident_promote(incident=incident, by=member)
    assert entry.symptom == "Stuck."
    assert entry.diagnosis == "Corrupted FWJR."
    assert entry.mitigation == "Removed it."
    assert list(entry.components.all()) == [component]
    assert list(incident.knowledge_entries.all()) == [entry]
    assert entry.source_incident == incident


def test_expert_only_entries_need_an_expert(team, member):
    expert = MembershipFactory(team=team, role=Membership.Role.EXPERT).user
    with pytest.raises(ValidationError) as caught:
        knowledge.knowledge_entry_create(
            team=team, created_by=member, title="Renew token", symptom="401", expert_only=True
        )
    assert "expert_only" in caught.value.message_dict
    entry = knowledge.knowledge_entry_create(
        team=team, created_by=expert, title="Renew token", symptom="401", expert_only=True
    )
    with pytest.raises(ValidationError):
        knowledge.knowledge_entry_update(entry=entry, by=member, mitigation="anything")
    knowledge.knowledge_entry_update(entry=entry, by=expert, mitigation="Renew it.")
    assert KnowledgeEntry.objects.get().mitigation == "Renew it."


def test_component_names_unique_per_team(team):
    components.component_create(team=team, name="RucioInjector")
    with pytest.raises(ValidationError):
        components.component_create(team=team, name="rucioinjector")


def test_action_item_from_incident_points_back(incident, member, team):
    item = action_items.action_item_create(
        team=team, title="Add an alert", created_by=member, incident=incident
    )
    assert item.source == "incident"
    assert item.source_url == incident.get_absolute_url()
    with pytest.raises(ValidationError):
        action_items.action_item_create(
            team=team, title="x", created_by=member, incident=IncidentFactory()
        )
