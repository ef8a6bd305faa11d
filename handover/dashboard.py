"""The dashboard's handover panel: the note of the shift you are on now ("your handover
note"), and the one you inherit at the next handover. Five queries, whatever the number
of teams and rotations."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.urls import reverse

from handover.models import HandoverNote
from shifts.models import Shift
from shifts.schedule import Segment, effective_segments
from shifts.selectors.shifts import OVERRIDES, turns
from teams.models import Team
from teams.selectors import AnyUser, person_name


@dataclass(frozen=True)
class HandoverRow:
    team_name: str
    rotation_name: str
    url: str
    handover_at: dt.datetime
    state: str  # "not started", "draft", "finalised", "acknowledged"
    other: str  # the incoming person for your note, the outgoing one for what you inherit
    edited_after_finalising: bool


@dataclass(frozen=True)
class HandoverPanel:
    mine: tuple[HandoverRow, ...]
    inherit: tuple[HandoverRow, ...]


def _at(segments: list[Segment[User]], instant: dt.datetime) -> User | None:
    return next((s.person for s in segments if s.start_at <= instant < s.end_at), None)


def _row(shift: Shift, note: HandoverNote | None, other: User | None) -> HandoverRow:
    return HandoverRow(
        team_name=shift.team.name,
        rotation_name=shift.rotation.name,
        url=reverse("handover:note", kwargs={"slug": shift.team.slug, "shift_id": shift.pk}),
        handover_at=shift.end_at,
        state=note.state if note is not None else "not started",
        other=person_name(other) if other is not None else "nobody",
        edited_after_finalising=bool(note and note.edited_after_finalising),
    )


def handover_panel(*, user: AnyUser, teams: QuerySet[Team], now: dt.datetime) -> HandoverPanel:
    """Current shifts of `teams` where the user is on now or hands over at the end, and
    where the user takes over at the end; people from the effective schedule (a finalised
    note's people are fixed)."""
    current = list(
        Shift.objects.filter(
            team__in=teams, rotation__is_active=True, start_at__lte=now, end_at__gt=now
        )
        .select_related("team", "rotation", "assignee")
        .prefetch_related(OVERRIDES)
        .order_by("team__name", "rotation_id")
    )
    if not current:
        return HandoverPanel(mine=(), inherit=())
    following = Q()
    for shift in current:
        following |= Q(rotation_id=shift.rotation_id, start_at=shift.end_at)
    nexts = {
        (s.rotation_id, s.start_at): s
        for s in Shift.objects.filter(following)
        .select_related("assignee")
        .prefetch_related(OVERRIDES)
    }
    notes = {
        note.shift_id: note
        for note in HandoverNote.objects.filter(shift__in=current).select_related(
            "outgoing", "incoming"
        )
    }
    mine, inherit = [], []
    for shift in current:
        segments = effective_segments(turns([shift]))
        after = nexts.get((shift.rotation_id, shift.end_at))
        note = notes.get(shift.pk)
        if note is not None and note.is_finalised:
            outgoing, incoming = note.outgoing, note.incoming
        else:
            outgoing = segments[-1].person if segments else None
            nxt = effective_segments(turns([after])) if after is not None else []
            incoming = _at(nxt, shift.end_at)
        if user.pk in {getattr(_at(segments, now), "pk", None), getattr(outgoing, "pk", None)}:
            mine.append(_row(shift, note, incoming))
        if incoming is not None and incoming.pk == user.pk:
            inherit.append(_row(shift, note, outgoing))
    return HandoverPanel(mine=tuple(mine), inherit=tuple(inherit))
