"""What the live report editor sends, as plain values (step 1 of `report_editor`):
`editor_input(post)` reads the posted editor (a bad typed value is noted by field name,
a broken form raises a ValidationError), `fingerprint` names what an editor loaded of a
part, and `kept_values` gives back what was typed into fields that were not saved."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict

from meetings.models import Topic
from meetings.services import reports
from teams.bounds import SaneDateFormField


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
