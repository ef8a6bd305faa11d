"""The live report editor's save, top to bottom; the pages and the API both call it.

1. Parse: `editor_input(post)` turns the posted editor into plain values (a bad value
   is a ValidationError naming its field).
2. Save: `report_save(report=, user=, data=)` locks the report and takes its parts, the
   header and then each topic with its action items. Every part carries the version and
   the fingerprint of the values this editor loaded, and is
   - written (its version bumped) when it changed here and nobody else wrote it since;
   - a conflict when it changed here *and* someone else wrote it since: not written,
     both versions are returned and the text sent is kept in a conflict revision;
   - never written back when it did not change here (stale, if someone else changed it).
3. Record: one revision of what was written (coalesced per author and minute).
4. Re-render: `editor_context(report=)`, the values the editor shows next with each
   part's version and fingerprint (after an autosave, only for the parts it sent and
   that were not held back).

The API writes one part with the version it read (`report_update`, `topic_update`): a
stale version raises `VersionConflict` (409 with the current values).
"""

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from incidents.models import ActionItem
from incidents.services.action_items import action_item_update
from meetings import selectors
from meetings.models import MeetingReport, ReportRevision, Topic, TopicActionItem
from meetings.services import reports
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

# --- 1. Parse: what the editor sends ------------------------------------------------------


@dataclass
class ItemInput:
    id: int
    title: str
    owner_id: int | None
    due_on: dt.date | None
    needs_github_issue: bool
    done: bool

    def values(self) -> dict[str, Any]:
        """The same shape as `reports.item_values` of the stored item."""
        return {**asdict(self), "due_on": self.due_on.isoformat() if self.due_on else None}


@dataclass
class NewItemInput:
    title: str
    owner_id: int | None = None
    due_on: dt.date | None = None
    needs_github_issue: bool = False


@dataclass
class TopicInput:
    id: int
    version: int
    base: str
    title: str = ""
    raised_by_team: str = ""
    raised_by_person: str = ""
    discussion: str = ""
    reply: str = ""
    decision: str = ""
    items: list[ItemInput] = field(default_factory=list)
    new_item: NewItemInput | None = None

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in reports.TOPIC_FIELDS}

    def values(self) -> dict[str, Any]:
        """The same shape as `reports.topic_values` of the stored topic."""
        return {**self.fields(), "items": [item.values() for item in self.items]}


@dataclass
class ReportInput:
    version: int
    base: str
    has_header: bool = True
    attendees: str = ""
    notes: str = ""
    topics: list[TopicInput] = field(default_factory=list)

    def values(self) -> dict[str, Any]:
        return {"attendees": self.attendees, "notes": self.notes}


def _text(post: QueryDict, name: str, limit: int) -> str:
    value = post.get(name, "").replace("\r\n", "\n")
    if len(value) > limit:
        raise ValidationError({name: f"At most {limit} characters."})
    return value


def _int(post: QueryDict, name: str, *, required: bool = True) -> int | None:
    raw = post.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: "Not a number."}) from None


def _date(post: QueryDict, name: str) -> dt.date | None:
    raw = post.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: "Use a date like 2027-03-22."}) from None


def editor_input(post: QueryDict) -> ReportInput:
    """The editor's fields as plain values; ValidationError naming the bad field.

    Topics are posted as `topic` ids with `topic-<id>-<field>`; each topic's action items
    as `topic-<id>-item` ids with `item-<id>-<field>`, and the new-item row as
    `topic-<id>-new-<field>`. `version` / `base` fields carry what the editor loaded.
    """
    report = ReportInput(
        version=_int(post, "version", required=False) or 0,
        base=post.get("base", ""),
        has_header="base" in post,
        attendees=_text(post, "attendees", 5000),
        notes=_text(post, "notes", 50000),
    )
    replies = set(Topic.Reply.values)
    for topic_id in post.getlist("topic"):
        if not topic_id.isdigit():
            raise ValidationError({"topic": "Not a topic id."})
        prefix = f"topic-{topic_id}-"
        reply = post.get(prefix + "reply", "")
        if reply not in replies:
            raise ValidationError({prefix + "reply": "Choose a reply from the list."})
        topic = TopicInput(
            id=int(topic_id),
            version=_int(post, prefix + "version") or 0,
            base=post.get(prefix + "base", ""),
            title=_text(post, prefix + "title", 300),
            raised_by_team=_text(post, prefix + "raised_by_team", 100),
            raised_by_person=_text(post, prefix + "raised_by_person", 100),
            discussion=_text(post, prefix + "discussion", 50000),
            reply=reply,
            decision=_text(post, prefix + "decision", 20000),
        )
        for item_id in post.getlist(prefix + "item"):
            if not item_id.isdigit():
                raise ValidationError({prefix + "item": "Not an action item id."})
            item_prefix = f"item-{item_id}-"
            topic.items.append(
                ItemInput(
                    id=int(item_id),
                    title=_text(post, item_prefix + "title", 300),
                    owner_id=_int(post, item_prefix + "owner", required=False),
                    due_on=_date(post, item_prefix + "due_on"),
                    needs_github_issue=post.get(item_prefix + "needs_github_issue") == "on",
                    done=post.get(item_prefix + "done") == "on",
                )
            )
        new_title = _text(post, prefix + "new-title", 300)
        if new_title.strip():
            topic.new_item = NewItemInput(
                title=new_title,
                owner_id=_int(post, prefix + "new-owner", required=False),
                due_on=_date(post, prefix + "new-due_on"),
                needs_github_issue=post.get(prefix + "new-needs_github_issue") == "on",
            )
        report.topics.append(topic)
    return report


def fingerprint(values: dict[str, Any]) -> str:
    """What an editor loaded of a part: it changed the part if it sends other values."""
    encoded = json.dumps(values, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


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
    changed: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)

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


@transaction.atomic
def report_save(
    *, report: MeetingReport, user: User, data: ReportInput, create_new_items: bool = False
) -> SaveResult:
    """Save what the editor sent, part by part; `create_new_items` also adds the topics'
    new action items (the editor's buttons do, its autosave never does)."""
    report = (
        MeetingReport.objects.select_for_update()
        .select_related("meeting__series__team")
        .get(pk=report.pk)
    )
    reports.report_check_editable(report)
    result = SaveResult()
    who = person_name(report.updated_by) if report.updated_by else "someone"

    if data.has_header:
        mine, current = data.values(), reports.report_values(report)
        state = _part_state(
            sent=mine, base=data.base, version=data.version, current=current, now=report.version
        )
        if state == WRITE:
            _header_write(report=report, user=user, values=mine)
            result.changed = True
        elif state == CONFLICT:
            result.conflicts.append(Conflict("report", HEADER, report.version, mine, current, who))
        elif state == STALE:
            result.stale["report"] = HEADER

    topics = {topic.pk: topic for topic in Topic.objects.select_for_update().filter(report=report)}
    items_by_topic: dict[int, list[ActionItem]] = {}
    for link in TopicActionItem.objects.filter(topic__report=report).select_related("action_item"):
        items_by_topic.setdefault(link.topic_id, []).append(link.action_item)
    owners = _owners(team=report.meeting.series.team, data=data)

    for given in data.topics:
        topic = topics.get(given.id)
        if topic is None:
            continue
        items = items_by_topic.get(topic.pk, [])
        mine, current = given.values(), reports.topic_values(topic, items)
        state = _part_state(
            sent=mine, base=given.base, version=given.version, current=current, now=topic.version
        )
        label = topic.title or "Untitled topic"
        if state == WRITE:
            _topic_write(topic=topic, values=given.fields())
            _items_write(given=given, items=items, owners=owners)
            result.changed = True
        elif state == CONFLICT:
            result.conflicts.append(
                Conflict(f"topic-{topic.pk}", label, topic.version, mine, current, who, topic.pk)
            )
        elif state == STALE:
            result.stale[f"topic-{topic.pk}"] = label
        new = given.new_item
        if create_new_items and new and new.title.strip():
            reports.topic_action_item_add(
                topic=topic,
                user=user,
                title=new.title,
                owner=owners.get(new.owner_id) if new.owner_id else None,
                due_on=new.due_on,
                needs_github_issue=new.needs_github_issue,
            )
            _topic_write(topic=topic, values={})
            result.changed = True

    if result.changed:
        report.updated_by = user
        report.save(update_fields=["updated_by", "updated_at"])
        reports.revision_record(report=report, user=user)
    for conflict in result.conflicts:
        _revision_conflict(report=report, user=user, conflict=conflict)
    return result


def _owners(*, team: Team, data: ReportInput) -> dict[int, User]:
    """The action item owners the editor picked, by id; each an active team member."""
    picked = [item.owner_id for given in data.topics for item in given.items]
    picked += [given.new_item.owner_id for given in data.topics if given.new_item]
    ids = {owner_id for owner_id in picked if owner_id}
    if not ids:
        return {}
    owners = {user.pk: user for user in team_members(team=team).filter(pk__in=ids)}
    if len(owners) != len(ids):
        raise ValidationError({"owner": "An owner must be an active member of the team."})
    return owners


def _header_write(*, report: MeetingReport, user: User, values: dict[str, Any]) -> None:
    """Write the header's changed fields with the next version (one UPDATE)."""
    model_update(
        instance=report,
        fields=(*reports.REPORT_FIELDS, "version", "updated_by"),
        data={**values, "version": report.version + 1, "updated_by": user},
    )


def _topic_write(*, topic: Topic, values: dict[str, Any]) -> None:
    """Write the topic's changed fields with the next version (one UPDATE)."""
    model_update(
        instance=topic,
        fields=(*reports.TOPIC_FIELDS, "version"),
        data={**values, "version": topic.version + 1},
    )


def _items_write(*, given: TopicInput, items: list[ActionItem], owners: dict[int, User]) -> None:
    """Write the topic's action items the editor changed (in incidents)."""
    by_id = {item.pk: item for item in items}
    for item_input in given.items:
        item = by_id.get(item_input.id)
        if item is None or reports.item_values(item) == item_input.values():
            continue
        if not item_input.title.strip():
            raise ValidationError({"items": "An action item needs a title."})
        status = item.status
        if item_input.done:
            status = ActionItem.Status.DONE
        elif item.status == ActionItem.Status.DONE:
            status = ActionItem.Status.OPEN
        action_item_update(
            action_item=item,
            title=item_input.title.strip(),
            owner=owners.get(item_input.owner_id) if item_input.owner_id else None,
            due_on=item_input.due_on,
            needs_github_issue=item_input.needs_github_issue,
            status=status,
        )


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
    _header_write(report=locked, user=user, values=fields)
    reports.revision_record(report=locked, user=user)
    return locked


@transaction.atomic
def topic_update(*, topic: Topic, user: User, version: int, **fields: str) -> Topic:
    """Change a topic's fields; a stale `version` is a VersionConflict."""
    locked = Topic.objects.select_for_update().select_related("report").get(pk=topic.pk)
    reports.report_check_editable(locked.report)
    if locked.version != version:
        raise VersionConflict(version=locked.version, current=reports.topic_fields(locked))
    _topic_write(topic=locked, values=fields)
    reports.revision_record(report=locked.report, user=user)
    return locked


# --- 4. Re-render: what the editor shows next ---------------------------------------------


def editor_context(
    *, report: MeetingReport, result: SaveResult | None = None, sent: ReportInput | None = None
) -> dict[str, Any]:
    """The report's values with each part's version and fingerprint (`report_base`,
    `topic.base`: what the next save is compared with), the owners to pick from, and the
    save's conflicts. After an autosave (`sent`), only the parts it sent and that were not
    held back (conflicting or stale) get their new version (`posted_topics`,
    `held_report`, `held_topics`)."""
    context = selectors.report_context(report=report)
    for topic in context["topics"]:
        topic.base = fingerprint(reports.topic_values(topic, topic.items))
    context["report_base"] = fingerprint(reports.report_values(report))
    context["members"] = list(team_members(team=context["team"]))
    context["result"] = result
    if sent is not None:
        held = result.held_units if result is not None else set()
        context["posted_topics"] = {topic.id for topic in sent.topics}
        context["held_report"] = "report" in held
        context["held_topics"] = {
            int(unit.removeprefix("topic-")) for unit in held if unit.startswith("topic-")
        }
    return context
