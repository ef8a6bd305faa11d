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
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict

from incidents.models import ActionItem
from incidents.services.action_items import action_item_update
from meetings import selectors
from meetings.models import MeetingReport, ReportRevision, Topic, TopicActionItem
from meetings.services import reports
from teams.bounds import SaneDateFormField
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
    prefix: str = ""  # of its posted fields: `item-<id>-`, or the new-item row's
    rejected: set[str] = field(default_factory=set)  # bad values: the stored ones are kept
    owner: str = ""  # as posted (a username or an id): `owner_id` once the save resolves it

    def values(self) -> dict[str, Any]:
        """The same shape as `reports.item_values` of the stored item."""
        return {
            "id": self.id,
            "title": self.title,
            "owner_id": self.owner_id,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "needs_github_issue": self.needs_github_issue,
            "done": self.done,
        }


@dataclass
class NewItemInput:
    """A filled-in new-item row; `key` (made when the editor was rendered) names the row,
    so that saving it again finds the item it created instead of adding another."""

    title: str
    owner_id: int | None = None
    due_on: dt.date | None = None
    needs_github_issue: bool = False
    key: str = ""
    prefix: str = ""
    rejected: set[str] = field(default_factory=set)
    owner: str = ""  # as posted (a username or an id): `owner_id` once the save resolves it


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
    rejected: set[str] = field(default_factory=set)

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
    rejected: set[str] = field(default_factory=set)
    # Bad values by posted field name: not saved, shown next to their field.
    errors: dict[str, str] = field(default_factory=dict)
    # Parts the editor did not change, sent as their loaded version only (unit -> version):
    # a save tells the editor if someone else changed them since.
    seen: dict[str, int] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {"attendees": self.attendees, "notes": self.notes}


class _Reader:
    """Reads posted fields; a bad value is noted in `errors` (by field name), not raised."""

    def __init__(self, post: QueryDict) -> None:
        self.post = post
        self.errors: dict[str, str] = {}

    def text(self, name: str, limit: int) -> str:
        value = self.post.get(name, "").replace("\r\n", "\n")
        if len(value) > limit:
            self.errors[name] = f"At most {limit} characters (this has {len(value)})."
            return ""
        return value

    def date(self, name: str) -> dt.date | None:
        try:
            value: dt.date | None = SaneDateFormField(required=False).clean(
                self.post.get(name, "").strip()
            )
        except ValidationError as error:
            self.errors[name] = " ".join(error.messages)
            return None
        return value

    def rejected(self, prefix: str, names: dict[str, str]) -> set[str]:
        """The attributes (`names`: attribute -> posted suffix) whose value was bad."""
        return {attr for attr, suffix in names.items() if prefix + suffix in self.errors}


def _number(post: QueryDict, name: str) -> int:
    """A number the editor itself put in the page (a version): not typed, so bad is a 400."""
    raw = post.get(name, "").strip() or "0"
    if not raw.isdigit():
        raise ValidationError({name: "Not a number."})
    return int(raw)


ITEM_FIELDS = {"title": "title", "owner_id": "owner", "due_on": "due_on"}


def _item(read: _Reader, prefix: str, item_id: int) -> ItemInput:
    post = read.post
    item = ItemInput(
        id=item_id,
        title=read.text(prefix + "title", 300),
        owner_id=None,
        owner=read.text(prefix + "owner", 150).strip(),
        due_on=read.date(prefix + "due_on"),
        needs_github_issue=post.get(prefix + "needs_github_issue") == "on",
        done=post.get(prefix + "done") == "on",
        prefix=prefix,
    )
    if prefix + "title" not in read.errors and not item.title.strip():
        read.errors[prefix + "title"] = "An action item needs a title."
    item.rejected = read.rejected(prefix, ITEM_FIELDS)
    return item


def editor_input(post: QueryDict) -> ReportInput:
    """The editor's fields as plain values. A bad typed value (a date, a text too long)
    is in `errors` under its field's name and left out (the stored value stays); only a
    broken form (ids, versions) raises a ValidationError.

    Topics are posted as `topic` ids with `topic-<id>-<field>`; each topic's action items
    as `topic-<id>-item` ids with `item-<id>-<field>`, and the new-item row as
    `topic-<id>-new-<field>` with its `topic-<id>-new-key`. `version` / `base` fields
    carry what the editor loaded. The editor's script sends only the parts that changed;
    of the others, only their `version` (`topic-<id>-version` without a `topic` id, or
    `version` without `base`), in `seen`.
    """
    read = _Reader(post)
    report = ReportInput(
        version=_number(post, "version"),
        base=post.get("base", ""),
        has_header="base" in post,
        attendees=read.text("attendees", 5000),
        notes=read.text("notes", 50000),
        errors=read.errors,
    )
    report.rejected = read.rejected("", {"attendees": "attendees", "notes": "notes"})
    replies = set(Topic.Reply.values)
    for topic_id in post.getlist("topic"):
        if not topic_id.isdigit():
            raise ValidationError({"topic": "Not a topic id."})
        prefix = f"topic-{topic_id}-"
        reply = post.get(prefix + "reply", "")
        if reply not in replies:
            read.errors[prefix + "reply"] = "Choose a reply from the list."
        topic = TopicInput(
            id=int(topic_id),
            version=_number(post, prefix + "version"),
            base=post.get(prefix + "base", ""),
            title=read.text(prefix + "title", 300),
            raised_by_team=read.text(prefix + "raised_by_team", 100),
            raised_by_person=read.text(prefix + "raised_by_person", 100),
            discussion=read.text(prefix + "discussion", 50000),
            reply=reply if reply in replies else "",
            decision=read.text(prefix + "decision", 20000),
        )
        topic.rejected = read.rejected(prefix, {name: name for name in reports.TOPIC_FIELDS})
        for item_id in post.getlist(prefix + "item"):
            if not item_id.isdigit():
                raise ValidationError({prefix + "item": "Not an action item id."})
            topic.items.append(_item(read, f"item-{item_id}-", int(item_id)))
        new_prefix = prefix + "new-"
        new_title = read.text(new_prefix + "title", 300)
        if new_title.strip():
            topic.new_item = NewItemInput(
                title=new_title.strip(),
                owner=read.text(new_prefix + "owner", 150).strip(),
                due_on=read.date(new_prefix + "due_on"),
                needs_github_issue=post.get(new_prefix + "needs_github_issue") == "on",
                key=post.get(new_prefix + "key", "")[:40],
                prefix=new_prefix,
            )
            topic.new_item.rejected = read.rejected(new_prefix, ITEM_FIELDS)
        report.topics.append(topic)
    if not report.has_header and "version" in post:
        report.seen["report"] = report.version
    sent = {str(topic.id) for topic in report.topics}
    for name in post:
        topic_id, _, rest = name.removeprefix("topic-").partition("-")
        if name.startswith("topic-") and rest == "version" and topic_id not in sent:
            report.seen[f"topic-{topic_id}"] = _number(post, name)
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
    report: MeetingReport  # as saved (its new version)
    changed: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)
    # Values not saved, by posted field name (the rest of the post was saved).
    errors: dict[str, str] = field(default_factory=dict)

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
    for link in TopicActionItem.objects.filter(topic__report=report).select_related("action_item"):
        items_by_topic.setdefault(link.topic_id, []).append(link.action_item)
        if link.row_key:
            keys[link.topic_id, link.row_key] = link.action_item_id
    for given in data.topics:
        _new_row_saved_before(given, keys)
    owners = _owners(team=report.meeting.series.team, data=data, errors=result.errors)

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
            reports.topic_action_item_add(
                topic=topic,
                user=user,
                title=new.title,
                owner=owners.get(new.owner_id) if new.owner_id else None,
                due_on=new.due_on,
                needs_github_issue=new.needs_github_issue,
                row_key=new.key,
            )
            if state != WRITE and state != CONFLICT:  # a written topic has its new version
                topic_write(topic=topic, values={})
            result.changed = True

    for unit, version in data.seen.items():
        seen = topics.get(int(unit.removeprefix("topic-"))) if unit != "report" else None
        if seen is not None and seen.version != version:
            result.stale[unit] = seen.title or "Untitled topic"
    if result.changed:
        report.updated_by = user
        report.save(update_fields=["updated_by", "updated_at"])
        reports.revision_record(report=report, user=user)
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


def _owners(*, team: Team, data: ReportInput, errors: dict[str, str]) -> dict[int, User]:
    """The action item owners the editor picked (one query), by id: active team members,
    posted by username (the editor's owner list) or by id; a value that is a member's
    username is that member. Anyone else is an error on that owner field (the stored
    owner stays). Sets each row's `owner_id`."""
    rows: list[ItemInput | NewItemInput] = [item for given in data.topics for item in given.items]
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
    """Write the topic's action items the editor changed (in incidents)."""
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


# --- 4. Re-render: what the editor shows next ---------------------------------------------


NEW_ROW_FIELDS = ("title", "owner", "due_on", "needs_github_issue", "key")


def kept_values(*, post: QueryDict, errors: dict[str, str]) -> dict[str, str]:
    """What was typed into fields that were not saved, to show again: each bad value,
    and the whole new-item row it belongs to (such a row is not created yet)."""
    kept = {name: post.get(name, "") for name in errors}
    for name in errors:
        head, new, _ = name.partition("-new-")
        if new:
            kept.update({f"{head}-new-{part}": post.get(f"{head}-new-{part}", "")
                         for part in NEW_ROW_FIELDS})  # fmt: skip
    return kept


def editor_context(
    *,
    report: MeetingReport,
    result: SaveResult | None = None,
    sent: ReportInput | None = None,
    kept: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The report's values with each part's version and fingerprint (`report_base`,
    `topic.base`: what the next save is compared with), a fresh key for each new-item row,
    the owners to pick from, and the save's conflicts, errors and the values it `kept`
    out. After an autosave (`sent`), only the parts it sent and that were not held back
    (conflicting or stale) get their new version (`posted_topics`, `held_report`,
    `held_topics`)."""
    context = selectors.report_context(report=report)
    for topic in context["topics"]:
        topic.base = fingerprint(reports.topic_values(topic, topic.items))
        topic.new_key = secrets.token_hex(8)
    context["report_base"] = fingerprint(reports.report_values(report))
    context["members"] = list(team_members(team=context["team"]))
    return _with_save(context, result=result, sent=sent, kept=kept)


def autosave_context(*, result: SaveResult, sent: ReportInput) -> dict[str, Any]:
    """What an autosave answers: the versions and fingerprints of the header and of the
    topics it sent (read again: two queries whatever the size of the report), and the
    save's conflicts and errors."""
    report = result.report
    topics = list(
        selectors.topics_for_report(report=report).filter(pk__in=[t.id for t in sent.topics])
    )
    for topic in topics:
        items = [link.action_item for link in topic.action_links.all()]
        topic.base = fingerprint(reports.topic_values(topic, items))  # type: ignore[attr-defined]
    context = {
        "report": report,
        "meeting": report.meeting,
        "topics": topics,
        "report_base": fingerprint(reports.report_values(report)),
    }
    return _with_save(context, result=result, sent=sent, kept=None)


def _with_save(
    context: dict[str, Any],
    *,
    result: SaveResult | None,
    sent: ReportInput | None,
    kept: dict[str, str] | None,
) -> dict[str, Any]:
    context["result"] = result
    context["errors"] = result.errors if result is not None else {}
    context["kept"] = kept or {}
    if sent is not None:
        held = result.held_units if result is not None else set()
        context["posted_topics"] = {topic.id for topic in sent.topics}
        context["held_report"] = "report" in held
        context["held_topics"] = {
            int(unit.removeprefix("topic-")) for unit in held if unit.startswith("topic-")
        }
    return context
