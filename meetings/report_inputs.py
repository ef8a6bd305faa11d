"""What a report save carries and returns: the editor's inputs, fingerprints of what
each editor last saw (to detect concurrent edits), and the conflicts found."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from incidents.models import ActionItem
from meetings.models import (
    MeetingReport,
    Topic,
)

TOPIC_FIELDS = ("title", "raised_by_team", "raised_by_person", "discussion", "reply", "decision")
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


def _fingerprint(values: dict[str, Any]) -> str:
    encoded = json.dumps(values, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def report_values(report: MeetingReport) -> dict[str, Any]:
    return {"attendees": report.attendees, "notes": report.notes}


def item_values(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "owner_id": item.owner_id,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "needs_github_issue": item.needs_github_issue,
        "done": item.status == ActionItem.Status.DONE,
    }


def topic_values(topic: Topic, items: list[ActionItem]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(topic, name) for name in TOPIC_FIELDS}
    values["items"] = [item_values(item) for item in items]
    return values


def report_fingerprint(report: MeetingReport) -> str:
    return _fingerprint(report_values(report))


def topic_fingerprint(topic: Topic, items: list[ActionItem]) -> str:
    return _fingerprint(topic_values(topic, items))


@dataclass
class ItemInput:
    id: int
    title: str
    owner_id: int | None
    due_on: dt.date | None
    needs_github_issue: bool
    done: bool

    def values(self) -> dict[str, Any]:
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

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: getattr(self, name) for name in TOPIC_FIELDS}
        values["items"] = [item.values() for item in self.items]
        return values


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


class VersionConflictError(Exception):
    """A write based on a version that is no longer the current one (API: 409)."""

    def __init__(self, *, version: int, current: dict[str, Any]) -> None:
        super().__init__("Changed by someone else since this version was read.")
        self.version = version
        self.current = current
