"""Every write about incidents and their timelines. Each service validates everything
before it writes and runs in one transaction, so bad input leaves nothing half-written."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.models import Component, Incident, TimelineEntry, TimelineEntryRevision
from incidents.notifications import incident_assigned_notify
from incidents.services.team_records import team_records_check
from teams.models import Team
from teams.selectors import person_name, team_members_check
from teams.updates import model_update

# What `incident_update` may change; status and owner have their own services.
INCIDENT_FIELDS = (
    "title",
    "summary",
    "kind",
    "severity",
    "reporter",
    "reporter_team",
    "started_at",
    "detected_at",
    "links",
    "components",
    "related",
    "knowledge_entries",
)
# The related records an incident links, each of which must be the incident's team's.
LINKED_FIELDS = ("components", "related", "knowledge_entries")

# Allowed moves; anything may be resolved (with a note) and only resolved reopens.
STATUS_MOVES: dict[str, set[str]] = {
    Incident.Status.OPEN: {Incident.Status.INVESTIGATING, Incident.Status.MITIGATED},
    Incident.Status.INVESTIGATING: {Incident.Status.OPEN, Incident.Status.MITIGATED},
    Incident.Status.MITIGATED: {Incident.Status.INVESTIGATING},
    Incident.Status.RESOLVED: set(),
}


def _timeline_add(
    *,
    incident: Incident,
    author: User | None,
    kind: str,
    body: str,
    occurred_at: dt.datetime | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(
        incident=incident,
        author=author,
        kind=kind,
        body=body,
        occurred_at=occurred_at or timezone.now(),
    )
    entry.clean_fields(exclude=["incident", "author"])  # the caller checked the relations
    entry.save()
    return entry


@transaction.atomic
def incident_open(
    *,
    team: Team,
    title: str,
    kind: str,
    created_by: User,
    owner: User | None = None,
    components: Iterable[Component] = (),
    related: Iterable[Incident] = (),
    **fields: Any,
) -> Incident:
    """Log an incident; the owner (default: whoever logs it) must be a team member."""
    owner = owner if owner is not None else created_by
    team_members_check(team=team, users=[owner], field="owner")
    component_list, related_list = list(components), list(related)
    team_records_check(team=team, records=component_list, field="components")
    team_records_check(team=team, records=related_list, field="related")
    incident = Incident(
        team=team, title=title, kind=kind, owner=owner, created_by=created_by, **fields
    )
    incident.full_clean()
    incident.save()
    incident.components.set(component_list)
    incident.related.set(related_list)
    opened = _timeline_add(
        incident=incident,
        author=created_by,
        kind=TimelineEntry.Kind.STATUS,
        body=f"Opened as {incident.get_kind_display().lower()}, "
        f"severity {incident.get_severity_display().lower()}, owner {person_name(owner)}.",
        occurred_at=incident.detected_at,
    )
    incident_assigned_notify(incident=incident, owner=owner, by=created_by, change_id=opened.pk)
    return incident


@transaction.atomic
def incident_update(*, incident: Incident, by: User, **fields: Any) -> Incident:
    """Edit an incident's description and links; a severity change goes on the timeline.

    An incident is never related to itself: `related` may name it, it is left out.
    """
    data = dict(fields)
    if "related" in data:
        data["related"] = [other for other in data["related"] if other.pk != incident.pk]
    for name in LINKED_FIELDS:
        if name in data:
            data[name] = list(data[name])
            team_records_check(team=incident.team, records=data[name], field=name)
    old_severity = incident.severity
    incident, changed = model_update(instance=incident, fields=INCIDENT_FIELDS, data=data)
    if "severity" in changed:
        _timeline_add(
            incident=incident,
            author=by,
            kind=TimelineEntry.Kind.SEVERITY,
            body=f"Severity {Incident.Severity(old_severity).label.lower()} → "
            f"{incident.get_severity_display().lower()}.",
        )
    return incident


@transaction.atomic
def incident_set_status(
    *,
    incident: Incident,
    status: str,
    by: User,
    note: str = "",
    at: dt.datetime | None = None,
) -> Incident:
    """Move an incident along open → investigating → mitigated → resolved.

    Resolving needs a resolution note; reopening a resolved incident needs a reason.
    """
    if status not in Incident.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    current = incident.status
    note = note.strip()
    when = at or timezone.now()
    if status == current:
        raise ValidationError(
            {"status": f"The incident is already {incident.get_status_display().lower()}."}
        )
    if status == Incident.Status.RESOLVED:
        if not note:
            raise ValidationError({"note": "Resolving needs a resolution note."})
        if when < incident.detected_at:
            raise ValidationError({"at": "The resolution must not be before the detection."})
        incident.resolution_note = note
        incident.resolved_at = when
        body = f"Resolved.\n\n{note}"
    elif current == Incident.Status.RESOLVED:
        if not note:
            raise ValidationError({"note": "Reopening needs a reason."})
        incident.resolved_at = None
        body = f"Reopened ({Incident.Status(status).label.lower()}): {note}"
    else:
        if status not in STATUS_MOVES[current]:
            raise ValidationError({"status": f"An incident cannot go from {current} to {status}."})
        old_label, new_label = Incident.Status(current).label, Incident.Status(status).label
        body = f"Status {old_label.lower()} → {new_label.lower()}."
        if note:
            body += f"\n\n{note}"
    incident.status = status
    incident.full_clean()
    incident.save()
    _timeline_add(
        incident=incident, author=by, kind=TimelineEntry.Kind.STATUS, body=body, occurred_at=when
    )
    return incident


@transaction.atomic
def incident_transfer(*, incident: Incident, owner: User, by: User, note: str = "") -> Incident:
    """Hand the debugging over to another team member (it often outlives a shift)."""
    team_members_check(team=incident.team, users=[owner], field="owner")
    if incident.owner_id == owner.pk:
        raise ValidationError({"owner": f"{owner.get_username()} already owns this incident."})
    previous = incident.owner
    incident.owner = owner
    incident.save(update_fields=["owner", "updated_at"])
    body = f"Owner {person_name(previous)} → {person_name(owner)}."
    if note.strip():
        body += f"\n\n{note.strip()}"
    entry = _timeline_add(incident=incident, author=by, kind=TimelineEntry.Kind.OWNER, body=body)
    incident_assigned_notify(incident=incident, owner=owner, by=by, change_id=entry.pk)
    return incident


# Timeline ---------------------------------------------------------------------


@transaction.atomic
def timeline_entry_add(
    *, incident: Incident, author: User, body: str, occurred_at: dt.datetime | None = None
) -> TimelineEntry:
    if not body.strip():
        raise ValidationError({"body": "Write something."})
    if occurred_at is not None and occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "An entry cannot be in the future."})
    return _timeline_add(
        incident=incident,
        author=author,
        kind=TimelineEntry.Kind.NOTE,
        body=body,
        occurred_at=occurred_at,
    )


@transaction.atomic
def timeline_entry_edit(*, entry: TimelineEntry, by: User, body: str) -> TimelineEntry:
    """Only the author edits a note; the previous text is kept as a revision."""
    if entry.author_id != by.pk:
        raise ValidationError({"body": "Only the author may edit this entry."})
    if entry.kind != TimelineEntry.Kind.NOTE:
        raise ValidationError({"body": "Automatic entries cannot be edited."})
    if not body.strip():
        raise ValidationError({"body": "Write something."})
    if body == entry.body:
        return entry
    TimelineEntryRevision.objects.create(entry=entry, body=entry.body, edited_by=by)
    entry.body = body
    entry.edited_at = timezone.now()
    entry.save(update_fields=["body", "edited_at"])
    return entry
