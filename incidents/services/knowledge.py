"""Writes about the knowledge base, including promoting a resolved incident into it."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from incidents.models import Component, Incident, KnowledgeEntry, TimelineEntry
from incidents.services.team_records import team_records_check
from teams.access import team_access
from teams.models import Team
from teams.updates import model_update

KNOWLEDGE_FIELDS = (
    "title",
    "symptom",
    "diagnosis",
    "mitigation",
    "links",
    "expert_only",
    "components",
)


def _check_may_touch_expert_only(*, team: Team, by: User) -> None:
    if not team_access(user=by, team=team).is_expert:
        raise ValidationError(
            {"expert_only": "Only experts and leads may mark or edit expert-only procedures."}
        )


@transaction.atomic
def knowledge_entry_create(
    *,
    team: Team,
    created_by: User,
    components: Iterable[Component] = (),
    source_incident: Incident | None = None,
    **fields: Any,
) -> KnowledgeEntry:
    if fields.get("expert_only"):
        _check_may_touch_expert_only(team=team, by=created_by)
    component_list = list(components)
    team_records_check(team=team, records=component_list, field="components")
    if source_incident is not None:
        team_records_check(team=team, records=[source_incident], field="source_incident")
    entry = KnowledgeEntry(
        team=team, created_by=created_by, source_incident=source_incident, **fields
    )
    entry.full_clean()
    entry.save()
    entry.components.set(component_list)
    return entry


@transaction.atomic
def knowledge_entry_update(*, entry: KnowledgeEntry, by: User, **fields: Any) -> KnowledgeEntry:
    if entry.expert_only or fields.get("expert_only"):
        _check_may_touch_expert_only(team=entry.team, by=by)
    data = dict(fields)
    if "components" in data:
        data["components"] = list(data["components"])
        team_records_check(team=entry.team, records=data["components"], field="components")
    entry, _ = model_update(instance=entry, fields=KNOWLEDGE_FIELDS, data=data)
    return entry


@transaction.atomic
def incident_promote(*, incident: Incident, by: User) -> KnowledgeEntry:
    """Turn a resolved incident into a knowledge-base entry, linked both ways."""
    if incident.status != Incident.Status.RESOLVED:
        raise ValidationError({"status": "Only a resolved incident can be promoted."})
    notes = [
        entry.body for entry in incident.timeline.all() if entry.kind == TimelineEntry.Kind.NOTE
    ]
    entry = knowledge_entry_create(
        team=incident.team,
        created_by=by,
        components=incident.components.all(),
        source_incident=incident,
        title=incident.title,
        symptom=incident.summary or incident.title,
        diagnosis="\n\n".join(notes),
        mitigation=incident.resolution_note,
        links=list(incident.links),
    )
    incident.knowledge_entries.add(entry)
    return entry
