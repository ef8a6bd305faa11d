"""The live report editor's save, top to bottom; the pages and the API both call it.

1. Parse (`report_input`): `editor_input(post)` turns the posted editor into plain
   values (a bad value is a ValidationError naming its field).
2. Save: `report_save(report=, user=, data=)` locks the report and takes its parts, the
   header and then each topic with its action items. Every part carries the version and
   the fingerprint of the values this editor loaded, and is
   - written (its version bumped) when it changed here and nobody else wrote it since;
   - a conflict when it changed here *and* someone else wrote it since: not written,
     both versions are returned and the text sent is kept in a conflict revision;
   - never written back when it did not change here (stale, if someone else changed it).
3. Record: one revision of what was written (coalesced per author and minute).
4. Re-render (`report_editor_context`): `editor_context(report=)`, the values the
   editor shows next with each part's version and fingerprint (after an autosave, only
   for the parts it sent and that were not held back).

The API writes one part with the version it read (`report_update`, `topic_update`): a
stale version raises `VersionConflict` (409 with the current values).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from incidents.models import ActionItem
from incidents.services.action_items import action_item_update
from meetings.models import MeetingReport, ReportRevision, Topic, TopicActionItem
from meetings.services import reports
from meetings.services.report_input import (
    ItemInput,
    NewItemInput,
    ReportInput,
    TopicInput,
    fingerprint,
)
from teams.errors import VersionConflict
from teams.models import Team
from teams.selectors import person_name, team_members
from teams.updates import model_update

FIELD_LABELS = {
    "title": "Title",
    "raised_by_team": "Raised by team",
    "raised_by_person": "Raised by person",
    "discussion": "Discussion",
    "reply": "Our reply",
    "decision": "Decision",
    "attendees": "Attendees",
    "notes": "Other notes",
}

# --- 2. Save, 3. record -------------------------------------------------------------------


@dataclass
class Conflict:
    """A part of the report someone else changed since this editor loaded it."""

    unit: str
    label: str
    version: int
    yours: dict[str, Any]
    theirs: dict[str, Any]
    theirs_by: str
    topic_id: int | None = None

    @staticmethod
    def _fields(values: dict[str, Any]) -> list[tuple[str, str, Any]]:
        """(field name, label, value) rows for showing a version."""
        return [
            (name, FIELD_LABELS.get(name, name), value)
            for name, value in values.items()
            if name != "items"
        ]

    @property
    def your_fields(self) -> list[tuple[str, str, Any]]:
        return self._fields(self.yours)

    @property
    def their_fields(self) -> list[tuple[str, str, Any]]:
        return self._fields(self.theirs)

    @property
    def your_items(self) -> list[dict[str, Any]]:
        return list(self.yours.get("items", []))

    @property
    def their_items(self) -> list[dict[str, Any]]:
        return list(self.theirs.get("items", []))


@dataclass
class SaveResult:
    report: MeetingReport  # as saved (its new version)
    changed: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)
    # Values not saved, by posted field name (the rest of the post was saved).
    errors: dict[str, str] = field(default_factory=dict)
    # The report's topics with their action items, as saved, by topic id.
    parts: dict[int, tuple[Topic, list[ActionItem]]] = field(default_factory=dict)

    @property
    def held_units(self) -> set[str]:
        """Units whose loaded version the editor must keep (conflicting or stale)."""
        return {conflict.unit for conflict in self.conflicts} | set(self.stale)


WRITE, CONFLICT, STALE = "write", "conflict", "stale"
HEADER = "Attendees and notes"


def _part_state(
    *, sent: dict[str, Any], base: str, version: int, current: dict[str, Any], now: int
) -> str | None:
    """WRITE, CONFLICT, STALE or None (nothing to do) for one part (see the module doc);
    `base` and `version` are what the editor loaded, `current` and `now` what is stored."""
    touched = fingerprint(sent) != base and sent != current
    if touched:
        return WRITE if version == now else CONFLICT
    return STALE if version != now and sent != current else None


def _keep_stored(sent: Any, stored: dict[str, Any]) -> None:
    """Put the stored values back in place of the bad ones the editor sent."""
    for name in sent.rejected:
        value = stored[name]
        setattr(sent, name, dt.date.fromisoformat(value) if name == "due_on" and value else value)


@transaction.atomic
def report_save(*, report: MeetingReport, user: User, data: ReportInput) -> SaveResult:
    """Save what the editor sent, part by part, and create the filled-in new action items
    (once per row key). Bad values (`data.errors`) are left out; the rest is saved."""
    report = (
        MeetingReport.objects.select_for_update(of=("self",))
        .select_related("meeting__series__team", "updated_by")
        .get(pk=report.pk)
    )
    reports.report_check_editable(report)
    result = SaveResult(report=report, errors=dict(data.errors))
    who = person_name(report.updated_by) if report.updated_by else "someone"

    if data.seen.get("report", report.version) != report.version:
        result.stale["report"] = HEADER
    if data.has_header:
        current = reports.report_values(report)
        _keep_stored(data, current)
        mine = data.values()
        state = _part_state(
            sent=mine, base=data.base, version=data.version, current=current, now=report.version
        )
        if state == WRITE:
            header_write(report=report, user=user, values=mine)
            result.changed = True
        elif state == CONFLICT:
            result.conflicts.append(Conflict("report", HEADER, report.version, mine, current, who))
        elif state == STALE:
            result.stale["report"] = HEADER

    topics = {topic.pk: topic for topic in Topic.objects.select_for_update().filter(report=report)}
    items_by_topic: dict[int, list[ActionItem]] = {}
    keys: dict[tuple[int, str], int] = {}
    links = TopicActionItem.objects.filter(topic__report=report)
    for link in links.select_related("action_item__owner"):
        items_by_topic.setdefault(link.topic_id, []).append(link.action_item)
        if link.row_key:
            keys[link.topic_id, link.row_key] = link.action_item_id
    for given in data.topics:
        _new_row_saved_before(given, keys)
    stored_owners = {
        item.pk: item.owner for items in items_by_topic.values() for item in items if item.owner
    }
    owners = _owners(
        team=report.meeting.series.team, data=data, errors=result.errors, stored=stored_owners
    )

    for given in data.topics:
        topic = topics.get(given.id)
        if topic is None:
            continue
        items = items_by_topic.get(topic.pk, [])
        _keep_stored(given, reports.topic_fields(topic))
        stored_items = {item.pk: reports.item_values(item) for item in items}
        for item_input in given.items:
            if item_input.id in stored_items:
                _keep_stored(item_input, stored_items[item_input.id])
        mine, current = given.values(), reports.topic_values(topic, items)
        state = _part_state(
            sent=mine, base=given.base, version=given.version, current=current, now=topic.version
        )
        label = topic.title or "Untitled topic"
        if state == WRITE:
            topic_write(topic=topic, values=given.fields())
            _items_write(given=given, items=items, owners=owners)
            result.changed = True
        elif state == CONFLICT:
            result.conflicts.append(
                Conflict(f"topic-{topic.pk}", label, topic.version, mine, current, who, topic.pk)
            )
        elif state == STALE:
            result.stale[f"topic-{topic.pk}"] = label
        new = given.new_item
        if new is not None and not new.rejected:
            created = reports.topic_action_item_add(
                topic=topic,
                user=user,
                title=new.title,
                owner=owners.get(new.owner_id) if new.owner_id else None,
                due_on=new.due_on,
                needs_github_issue=new.needs_github_issue,
                row_key=new.key,
            )
            items_by_topic.setdefault(topic.pk, []).append(created)
            if state != WRITE and state != CONFLICT:  # a written topic has its new version
                topic_write(topic=topic, values={})
            result.changed = True

    for unit, version in data.seen.items():
        seen = topics.get(int(unit.removeprefix("topic-"))) if unit != "report" else None
        if seen is not None and seen.version != version:
            result.stale[unit] = seen.title or "Untitled topic"
    result.parts = {pk: (topic, items_by_topic.get(pk, [])) for pk, topic in topics.items()}
    if result.changed:
        report.updated_by = user
        report.save(update_fields=["updated_by", "updated_at"])
        # The save holds every topic and item as written: the snapshot needs no query.
        snapshot = reports.report_snapshot(report, parts=result.parts.values())
        reports.revision_record(report=report, user=user, snapshot=snapshot)
    for conflict in result.conflicts:
        _revision_conflict(report=report, user=user, conflict=conflict)
    return result


def _new_row_saved_before(given: TopicInput, keys: dict[tuple[int, str], int]) -> None:
    """A new-item row that an earlier save already created (same row key) is that item:
    it replaces the item's own row, if the editor shows both (the row is newer)."""
    new = given.new_item
    if new is None or not new.key or (given.id, new.key) not in keys:
        return
    item_id = keys[given.id, new.key]
    shown = [item for item in given.items if item.id == item_id]
    given.items = [item for item in given.items if item.id != item_id]
    given.items.append(
        ItemInput(
            id=item_id,
            title=new.title,
            owner_id=new.owner_id,
            owner=new.owner,
            due_on=new.due_on,
            needs_github_issue=new.needs_github_issue,
            done=bool(shown) and shown[0].done,
            prefix=new.prefix,
            # The row has no "done" box: unless the item's own row is shown, it stays.
            rejected=new.rejected if shown else {*new.rejected, "done"},
        )
    )
    given.new_item = None


def _owners(
    *, team: Team, data: ReportInput, errors: dict[str, str], stored: dict[int, User]
) -> dict[int, User]:
    """The action item owners the editor picked (one query, none when every item keeps
    its `stored` owner), by id: active team members, posted by username (the editor's
    owner list) or by id; a value that is a member's username is that member. Anyone
    else is an error on that owner field (the stored owner stays). Sets each row's
    `owner_id`."""
    rows: list[ItemInput | NewItemInput] = []
    for item in (item for given in data.topics for item in given.items):
        kept = stored.get(item.id)
        if kept is not None and item.owner == kept.get_username():
            item.owner_id = kept.pk  # unchanged: not checked again
        else:
            rows.append(item)
    rows += [given.new_item for given in data.topics if given.new_item]
    names = {row.owner for row in rows if row.owner}
    ids = {int(name) for name in names if name.isdigit()}
    ids |= {row.owner_id for row in rows if row.owner_id}
    found = (
        list(team_members(team=team).filter(Q(username__in=names) | Q(pk__in=ids)))
        if names or ids
        else []
    )
    by_name = {user.get_username(): user for user in found}
    owners = {user.pk: user for user in found}
    for row in rows:
        if row.owner:
            owner = by_name.get(row.owner)
            if owner is None and row.owner.isdigit():
                owner = owners.get(int(row.owner))
            row.owner_id = owner.pk if owner else None
            known = owner is not None
        else:
            known = not row.owner_id or row.owner_id in owners
        if not known:
            errors[row.prefix + "owner"] = "An owner must be an active member of the team."
            row.rejected.add("owner_id")
    return owners


def header_write(*, report: MeetingReport, user: User, values: dict[str, Any]) -> None:
    """Write the header's changed fields with the next version (one UPDATE)."""
    model_update(
        instance=report,
        fields=(*reports.REPORT_FIELDS, "version", "updated_by"),
        data={**values, "version": report.version + 1, "updated_by": user},
    )


def topic_write(*, topic: Topic, values: dict[str, Any]) -> None:
    """Write the topic's changed fields with the next version (one UPDATE)."""
    model_update(
        instance=topic,
        fields=(*reports.TOPIC_FIELDS, "position", "version"),
        data={**values, "version": topic.version + 1},
    )


def _items_write(*, given: TopicInput, items: list[ActionItem], owners: dict[int, User]) -> None:
    """Write the topic's action items the editor changed (in incidents); an owner
    only when it changed (one who has left the team since stays until replaced)."""
    by_id = {item.pk: item for item in items}
    for item_input in given.items:
        item = by_id.get(item_input.id)
        if item is None or reports.item_values(item) == item_input.values():
            continue
        status = item.status
        if item_input.done:
            status = ActionItem.Status.DONE
        elif item.status == ActionItem.Status.DONE:
            status = ActionItem.Status.OPEN
        fields: dict[str, Any] = {
            "title": item_input.title.strip(),
            "due_on": item_input.due_on,
            "needs_github_issue": item_input.needs_github_issue,
            "status": status,
        }
        if item_input.owner_id != item.owner_id:  # a kept owner is not checked again
            fields["owner"] = owners.get(item_input.owner_id) if item_input.owner_id else None
        action_item_update(action_item=item, **fields)


def _revision_conflict(*, report: MeetingReport, user: User, conflict: Conflict) -> None:
    """Keep the text a conflicting save did not write (once per author and text)."""
    snapshot = {"label": conflict.label, "unit": conflict.unit, "yours": conflict.yours}
    last = report.revisions.filter(kind=ReportRevision.Kind.CONFLICT, author=user).first()
    if last is not None and last.snapshot == snapshot:
        return
    reports.revision_add(
        report=report, user=user, kind=ReportRevision.Kind.CONFLICT, snapshot=snapshot
    )


# --- The API: one part with the version it read -------------------------------------------


@transaction.atomic
def report_update(
    *, report: MeetingReport, user: User, version: int, **fields: str
) -> MeetingReport:
    """Change the report's attendees / notes; a stale `version` is a VersionConflict."""
    locked = MeetingReport.objects.select_for_update().get(pk=report.pk)
    reports.report_check_editable(locked)
    if locked.version != version:
        raise VersionConflict(version=locked.version, current=reports.report_values(locked))
    header_write(report=locked, user=user, values=fields)
    reports.revision_record(report=locked, user=user)
    return locked


@transaction.atomic
def topic_update(*, topic: Topic, user: User, version: int, **fields: str) -> Topic:
    """Change a topic's fields; a stale `version` is a VersionConflict."""
    locked = Topic.objects.select_for_update().select_related("report").get(pk=topic.pk)
    reports.report_check_editable(locked.report)
    if locked.version != version:
        raise VersionConflict(version=locked.version, current=reports.topic_fields(locked))
    topic_write(topic=locked, values=fields)
    reports.revision_record(report=locked.report, user=user)
    return locked
