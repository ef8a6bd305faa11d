"""Every write about incidents, timelines, support requests, action items and the
knowledge base. Each service validates everything before it writes and runs in one
transaction, so bad input leaves nothing half-written."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.models import (
    ActionItem,
    Component,
    Incident,
    KnowledgeEntry,
    SupportRequest,
    TimelineEntry,
    TimelineEntryRevision,
)
from teams.access import team_access
from teams.models import Membership, Team

ACTION_ITEM_FIELDS = frozenset(
    {
        "title",
        "details",
        "owner",
        "due_on",
        "status",
        "source",
        "source_label",
        "source_url",
        "needs_github_issue",
        "github_repo",
        "github_issue_number",
        "incident",
    }
)
INCIDENT_FIELDS = frozenset(
    {
        "title",
        "summary",
        "kind",
        "severity",
        "reporter",
        "reporter_team",
        "started_at",
        "detected_at",
        "links",
    }
)
SUPPORT_REQUEST_FIELDS = frozenset(
    {
        "asked_by",
        "asking_team",
        "channel",
        "link",
        "question",
        "answer",
        "asked_at",
        "first_response_at",
        "resolved_at",
        "handled_by",
        "incident",
    }
)
KNOWLEDGE_FIELDS = frozenset(
    {"title", "symptom", "diagnosis", "mitigation", "links", "expert_only"}
)

# Allowed moves; anything may be resolved (with a note) and only resolved reopens.
STATUS_MOVES: dict[str, set[str]] = {
    Incident.Status.OPEN: {Incident.Status.INVESTIGATING, Incident.Status.MITIGATED},
    Incident.Status.INVESTIGATING: {Incident.Status.OPEN, Incident.Status.MITIGATED},
    Incident.Status.MITIGATED: {Incident.Status.INVESTIGATING},
    Incident.Status.RESOLVED: set(),
}


def _check_member(*, team: Team, user: User | None, field: str) -> None:
    if user is None:
        return
    if not Membership.objects.active().filter(team=team, user=user).exists():
        raise ValidationError({field: f"{user.get_username()} is not a member of {team.name}."})


def _check_owner_is_member(*, team: Team, owner: User | None) -> None:
    _check_member(team=team, user=owner, field="owner")


def _check_fields(fields: dict[str, object], allowed: frozenset[str], what: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Unknown {what} fields: {', '.join(sorted(unknown))}.")


def _check_same_team(*, team: Team, objects: Iterable[object], field: str) -> None:
    for obj in objects:
        if getattr(obj, "team_id", None) != team.pk:
            raise ValidationError({field: f"{obj} does not belong to {team.name}."})


def _check_components(*, team: Team, components: Iterable[Component]) -> list[Component]:
    components = list(components)
    _check_same_team(team=team, objects=components, field="components")
    return components


def _user_name(user: User | None) -> str:
    return user.get_username() if user else "nobody"


# Components -------------------------------------------------------------------


@transaction.atomic
def component_create(*, team: Team, name: str, description: str = "") -> Component:
    name = name.strip()
    if Component.objects.filter(team=team, name__iexact=name).exists():
        raise ValidationError({"name": f"{team.name} already has a component named {name}."})
    component = Component(team=team, name=name, description=description)
    component.full_clean()
    component.save()
    return component


# Incidents --------------------------------------------------------------------


def _timeline_add(
    *,
    incident: Incident,
    author: User | None,
    kind: str,
    body: str,
    occurred_at: dt.datetime | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident,
        author=author,
        kind=kind,
        body=body,
        occurred_at=occurred_at or timezone.now(),
    )


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
    **fields: object,
) -> Incident:
    """Log an incident; the owner (default: whoever logs it) must be a team member."""
    _check_fields(fields, INCIDENT_FIELDS, "incident")
    owner = owner if owner is not None else created_by
    _check_owner_is_member(team=team, owner=owner)
    component_list = _check_components(team=team, components=components)
    related_list = list(related)
    _check_same_team(team=team, objects=related_list, field="related")
    incident = Incident(team=team, title=title, kind=kind, owner=owner, created_by=created_by)
    for name, value in fields.items():
        setattr(incident, name, value)
    if incident.detected_at is None:
        incident.detected_at = timezone.now()
    incident.full_clean()
    incident.save()
    incident.components.set(component_list)
    incident.related.set(related_list)
    _timeline_add(
        incident=incident,
        author=created_by,
        kind=TimelineEntry.Kind.STATUS,
        body=f"Opened as {incident.get_kind_display().lower()}, "
        f"severity {incident.get_severity_display().lower()}, owner {_user_name(owner)}.",
        occurred_at=incident.detected_at,
    )
    return incident


@transaction.atomic
def incident_update(
    *,
    incident: Incident,
    by: User,
    components: Iterable[Component] | None = None,
    related: Iterable[Incident] | None = None,
    knowledge_entries: Iterable[KnowledgeEntry] | None = None,
    **fields: object,
) -> Incident:
    """Edit an incident's description; a severity change is recorded on the timeline."""
    _check_fields(fields, INCIDENT_FIELDS, "incident")
    team = incident.team
    component_list = (
        None if components is None else _check_components(team=team, components=components)
    )
    related_list = None if related is None else [r for r in related if r.pk != incident.pk]
    if related_list is not None:
        _check_same_team(team=team, objects=related_list, field="related")
    entries = None if knowledge_entries is None else list(knowledge_entries)
    if entries is not None:
        _check_same_team(team=team, objects=entries, field="knowledge_entries")
    old_severity = incident.severity
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.full_clean()
    incident.save()
    if component_list is not None:
        incident.components.set(component_list)
    if related_list is not None:
        incident.related.set(related_list)
    if entries is not None:
        incident.knowledge_entries.set(entries)
    if incident.severity != old_severity:
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
    _check_owner_is_member(team=incident.team, owner=owner)
    if incident.owner_id == owner.pk:
        raise ValidationError({"owner": f"{owner.get_username()} already owns this incident."})
    previous = incident.owner
    incident.owner = owner
    incident.save(update_fields=["owner", "updated_at"])
    body = f"Owner {_user_name(previous)} → {owner.get_username()}."
    if note.strip():
        body += f"\n\n{note.strip()}"
    _timeline_add(incident=incident, author=by, kind=TimelineEntry.Kind.OWNER, body=body)
    return incident


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


# Support requests -------------------------------------------------------------


@transaction.atomic
def support_request_create(*, team: Team, created_by: User, **fields: object) -> SupportRequest:
    _check_fields(fields, SUPPORT_REQUEST_FIELDS, "support request")
    request = SupportRequest(team=team, created_by=created_by)
    return _support_request_save(request, fields)


@transaction.atomic
def support_request_update(*, support_request: SupportRequest, **fields: object) -> SupportRequest:
    _check_fields(fields, SUPPORT_REQUEST_FIELDS, "support request")
    return _support_request_save(support_request, fields)


def _support_request_save(request: SupportRequest, fields: dict[str, object]) -> SupportRequest:
    team = request.team
    if "handled_by" in fields:
        _check_member(team=team, user=fields["handled_by"], field="handled_by")  # type: ignore[arg-type]
    if fields.get("incident") is not None:
        _check_same_team(team=team, objects=[fields["incident"]], field="incident")
    for name, value in fields.items():
        setattr(request, name, value)
    if request.asked_at is None:
        request.asked_at = timezone.now()
    # An answer given without a time counts as answered now.
    if request.answer.strip() and request.first_response_at is None:
        request.first_response_at = max(timezone.now(), request.asked_at)
    request.full_clean()
    request.save()
    return request


# Action items -----------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    team: Team,
    title: str,
    created_by: User | None,
    owner: User | None = None,
    due_on: dt.date | None = None,
    **fields: object,
) -> ActionItem:
    """Create an action item; the owner, if any, must be an active member of the team."""
    _check_fields(fields, ACTION_ITEM_FIELDS, "action item")
    _check_owner_is_member(team=team, owner=owner)
    _check_action_item_incident(team=team, fields=fields)
    item = ActionItem(
        team=team, title=title, created_by=created_by, owner=owner, due_on=due_on, **fields
    )
    if item.incident is not None and "source" not in fields:
        item.source = ActionItem.Source.INCIDENT
        item.source_label = item.source_label or str(item.incident)
        item.source_url = item.source_url or item.incident.get_absolute_url()
    item.full_clean()
    item.save()
    return item


def _check_action_item_incident(*, team: Team, fields: dict[str, object]) -> None:
    incident = fields.get("incident")
    if incident is not None:
        _check_same_team(team=team, objects=[incident], field="incident")


@transaction.atomic
def action_item_update(*, action_item: ActionItem, **fields: object) -> ActionItem:
    """Change fields of an action item; closing (done/dropped) stamps `closed_at`."""
    _check_fields(fields, ACTION_ITEM_FIELDS, "action item")
    if "owner" in fields:
        _check_owner_is_member(team=action_item.team, owner=fields["owner"])  # type: ignore[arg-type]
    _check_action_item_incident(team=action_item.team, fields=fields)
    was_open = action_item.status == ActionItem.Status.OPEN
    for name, value in fields.items():
        setattr(action_item, name, value)
    is_open = action_item.status == ActionItem.Status.OPEN
    if was_open and not is_open:
        action_item.closed_at = timezone.now()
    elif is_open:
        action_item.closed_at = None
    action_item.full_clean()
    action_item.save()
    return action_item


# Knowledge base ---------------------------------------------------------------


def _check_may_touch_expert_only(*, team: Team, by: User) -> None:
    if by.is_staff:
        return
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
    **fields: object,
) -> KnowledgeEntry:
    _check_fields(fields, KNOWLEDGE_FIELDS, "knowledge entry")
    if fields.get("expert_only"):
        _check_may_touch_expert_only(team=team, by=created_by)
    component_list = _check_components(team=team, components=components)
    if source_incident is not None:
        _check_same_team(team=team, objects=[source_incident], field="source_incident")
    entry = KnowledgeEntry(team=team, created_by=created_by, source_incident=source_incident)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    entry.components.set(component_list)
    return entry


@transaction.atomic
def knowledge_entry_update(
    *,
    entry: KnowledgeEntry,
    by: User,
    components: Iterable[Component] | None = None,
    **fields: object,
) -> KnowledgeEntry:
    _check_fields(fields, KNOWLEDGE_FIELDS, "knowledge entry")
    if entry.expert_only or fields.get("expert_only"):
        _check_may_touch_expert_only(team=entry.team, by=by)
    component_list = (
        None if components is None else _check_components(team=entry.team, components=components)
    )
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    if component_list is not None:
        entry.components.set(component_list)
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
