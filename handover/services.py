"""Every write about a handover note: drafting it for a shift, saving its text (with a
version, like the meeting report editor), finalising and acknowledging it.

Editing after finalising is allowed (a typo, a late finding): the note keeps its
finalised time and says "edited after finalising"; the acknowledgement stays.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from handover.models import NOTE_SECTIONS, HandoverNote
from shifts.models import Shift
from shifts.selectors.oncall import oncall_at
from shifts.selectors.shifts import OVERRIDES, segments_of
from teams.access import team_access
from teams.errors import VersionConflict
from teams.models import Membership
from teams.updates import model_update

NOTE_TEXT_MAX = 50_000
NOTE_RELATED = ("shift__team", "shift__rotation", "shift__assignee", "team", "outgoing", "incoming")
NOTE_RELATED_ALL = (*NOTE_RELATED, "finalised_by", "acknowledged_by", "updated_by")


def handover_people(*, shift: Shift) -> tuple[int | None, int | None]:
    """(outgoing, incoming) user ids from the effective schedule at the handover instant
    (the shift's end): the last person on this shift (a cover included) and whoever is on
    the rotation's shift from then (covers and swaps included). Two queries."""
    segments = segments_of(
        shift=Shift.objects.prefetch_related(OVERRIDES).select_related("assignee").get(pk=shift.pk)
    )
    last = segments[-1].person if segments else None
    nxt = oncall_at(team=shift.team, at=shift.end_at, rotation_id=shift.rotation_id)
    incoming = nxt.person.id if nxt is not None and nxt.person is not None else None
    return (last.pk if last is not None else None), incoming


def note_values(note: HandoverNote) -> dict[str, Any]:
    """The text sections as stored (what a conflict answers with)."""
    return {name: getattr(note, name) for name in NOTE_SECTIONS}


@transaction.atomic
def handover_note_get_or_draft(*, shift: Shift) -> HandoverNote:
    """The shift's note, created (empty text, people from the effective schedule) on
    first use. Until it is finalised, its people follow the schedule (a late cover or
    swap changes who hands over to whom)."""
    note = HandoverNote.objects.select_related(*NOTE_RELATED_ALL).filter(shift=shift).first()
    if note is not None and note.is_finalised:
        return note
    outgoing_id, incoming_id = handover_people(shift=shift)
    if note is None:
        note, _ = HandoverNote.objects.get_or_create(
            shift=shift,
            defaults={
                "team_id": shift.team_id,
                "outgoing_id": outgoing_id,
                "incoming_id": incoming_id,
            },
        )
        return HandoverNote.objects.select_related(*NOTE_RELATED_ALL).get(pk=note.pk)
    if (note.outgoing_id, note.incoming_id) != (outgoing_id, incoming_id):
        HandoverNote.objects.filter(pk=note.pk, finalised_at__isnull=True).update(
            outgoing_id=outgoing_id, incoming_id=incoming_id
        )
        note = HandoverNote.objects.select_related(*NOTE_RELATED_ALL).get(pk=note.pk)
    return note


@transaction.atomic
def handover_note_update(
    *, note: HandoverNote, user: User, version: int, data: dict[str, str]
) -> HandoverNote:
    """Save the text sections given in `data` if `version` is the stored one; raise
    `VersionConflict` (with the stored text) otherwise. Nothing changed: no new version.
    Any member of the team may write; after finalising the note says it was edited."""
    team_access(user=user, team=note.team).require(min_role=Membership.Role.MEMBER)
    unknown = set(data) - set(NOTE_SECTIONS)
    if unknown:
        raise ValidationError(f"Unknown handover note fields: {', '.join(sorted(unknown))}.")
    for name, value in data.items():
        if len(value) > NOTE_TEXT_MAX:
            raise ValidationError({name: f"Keep it under {NOTE_TEXT_MAX} characters."})
    locked = HandoverNote.objects.select_for_update().get(pk=note.pk)
    if locked.version != version:
        raise VersionConflict(version=locked.version, current=note_values(locked))
    if all(getattr(locked, name) == value for name, value in data.items()):
        return _reload(locked)
    extra: dict[str, Any] = {"version": locked.version + 1, "updated_by": user}
    if locked.is_finalised:
        extra["edited_after_finalising"] = True
    model_update(
        instance=locked,
        fields=(*NOTE_SECTIONS, "version", "updated_by", "edited_after_finalising"),
        data={**data, **extra},
    )
    return _reload(locked)


def _reload(note: HandoverNote) -> HandoverNote:
    return HandoverNote.objects.select_related(*NOTE_RELATED_ALL).get(pk=note.pk)


def _may_act(*, note: HandoverNote, user: User, person_id: int | None, what: str) -> None:
    access = team_access(user=user, team=note.team).require(min_role=Membership.Role.MEMBER)
    if user.pk != person_id and not access.is_lead:
        raise PermissionDenied(what)


@transaction.atomic
def handover_note_finalise(
    *, note: HandoverNote, user: User, now: dt.datetime | None = None
) -> HandoverNote:
    """Finalise (only the outgoing shifter or a lead); the people are fixed from then.
    Finalising again changes nothing."""
    note = handover_note_get_or_draft(shift=note.shift)
    _may_act(
        note=note,
        user=user,
        person_id=note.outgoing_id,
        what="Only the outgoing shifter or a team lead may finalise the handover note.",
    )
    if note.is_finalised:
        return note
    HandoverNote.objects.filter(pk=note.pk, finalised_at__isnull=True).update(
        finalised_at=now or timezone.now(), finalised_by=user, updated_at=now or timezone.now()
    )
    return _reload(note)


@transaction.atomic
def handover_note_acknowledge(
    *, note: HandoverNote, user: User, now: dt.datetime | None = None
) -> HandoverNote:
    """Acknowledge a finalised note (only the incoming shifter or a lead). Once."""
    _may_act(
        note=note,
        user=user,
        person_id=note.incoming_id,
        what="Only the incoming shifter or a team lead may acknowledge the handover note.",
    )
    if not note.is_finalised:
        raise ValidationError("The note is not finalised yet: it can be acknowledged once it is.")
    if note.is_acknowledged:
        return note
    HandoverNote.objects.filter(pk=note.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now or timezone.now(), acknowledged_by=user
    )
    return _reload(note)
