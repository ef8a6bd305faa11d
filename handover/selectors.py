"""Reads of handover notes shared by the page, the API and the dashboard, with the
access check: the note of another team's shift is a 404."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from handover.models import HandoverNote
from handover.services import NOTE_RELATED_ALL
from handover.summary import PeriodSummary, period_summary_build
from shifts.models import Shift
from teams.access import TeamAccess, team_access
from teams.models import Team


def notes_for_team(*, team: Team) -> QuerySet[HandoverNote]:
    return (
        HandoverNote.objects.filter(team=team)
        .select_related(*NOTE_RELATED_ALL)
        .order_by("-shift__start_at", "-pk")
    )


def shift_for_note(*, user: User, slug: str, shift_id: int) -> tuple[TeamAccess, Shift]:
    """The team member's access and the team's shift (404 for anything else)."""
    access = team_access(user=user, slug=slug).require()
    shift = get_object_or_404(
        Shift.objects.select_related("team", "rotation", "assignee"), team=access.team, pk=shift_id
    )
    return access, shift


@dataclass(frozen=True)
class NoteRoles:
    """What the viewer may do with a note."""

    may_finalise: bool
    may_acknowledge: bool


def note_roles(*, note: HandoverNote, access: TeamAccess, user: User) -> NoteRoles:
    return NoteRoles(
        may_finalise=not note.is_finalised and (user.pk == note.outgoing_id or access.is_lead),
        may_acknowledge=note.is_finalised
        and not note.is_acknowledged
        and (user.pk == note.incoming_id or access.is_lead),
    )


def shift_panel_context(shift: Shift, access: TeamAccess) -> dict[str, Any] | None:
    """The shift page's link to the note and its state (members only; one query)."""
    if not access.is_member and not (access.is_staff and access.is_authenticated):
        return None
    note = HandoverNote.objects.filter(shift=shift).only("finalised_at", "acknowledged_at").first()
    label = note.state if note is not None else "not started"
    url = reverse("handover:note", kwargs={"slug": shift.team.slug, "shift_id": shift.pk})
    return {"state": label, "url": url}


def note_summary(*, note: HandoverNote, now: dt.datetime) -> PeriodSummary:
    """The period summary of the note's shift, as of `now`."""
    shift = note.shift
    return period_summary_build(
        team=note.team, start_at=shift.start_at, end_at=shift.end_at, now=now
    )
