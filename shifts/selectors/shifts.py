"""Reads about shifts and their covers (overrides), and the schedule page's rows."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from shifts.models import Override, Rotation, Shift, ShiftEvent, SwapRequest, Unavailability
from shifts.panels import shift_warnings
from shifts.schedule import Cover, Segment, Turn, effective_segments
from shifts.selectors.leave import unavailability_for_team
from shifts.selectors.swaps import swap_requests_for_team
from teams.models import Team
from teams.selectors import AnyUser, person_name
from teams.timezones import zone


def turns(shifts: list[Shift]) -> list[Turn[User]]:
    """Shifts (overrides prefetched) as the plain values `shifts.schedule` works on."""
    return [
        Turn(
            shift_id=shift.pk,
            person=shift.assignee,
            start_at=shift.start_at,
            end_at=shift.end_at,
            covers=[
                Cover(person=o.user, start_at=o.start_at, end_at=o.end_at)
                for o in shift.overrides.all()
            ],
        )
        for shift in shifts
    ]


# Every shift read for display prefetches its covers in order, with their people.
OVERRIDES = Prefetch(
    "overrides", queryset=Override.objects.select_related("user").order_by("start_at")
)


def segments_of(*, shift: Shift) -> list[Segment[User]]:
    """Who is on a shift when, covers included (the shift's overrides are prefetched)."""
    return effective_segments(turns([shift]))


def shifts_for_team(
    *,
    team: Team,
    rotation_id: int | None = None,
    person_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[Shift]:
    """Shifts overlapping [start, end); `person_id` also matches covering an override."""
    qs = Shift.objects.filter(team=team)
    if rotation_id is not None:
        qs = qs.filter(rotation_id=rotation_id)
    if person_id is not None:
        qs = qs.filter(Q(assignee_id=person_id) | Q(overrides__user_id=person_id)).distinct()
    if start is not None:
        qs = qs.filter(end_at__gt=start)
    if end is not None:
        qs = qs.filter(start_at__lt=end)
    return (
        qs.select_related("assignee", "rotation", "team")
        .prefetch_related(OVERRIDES)
        .order_by("start_at", "pk")
    )


def shift_get(*, team: Team, pk: int | str) -> Shift:
    return get_object_or_404(
        Shift.objects.select_related("assignee", "rotation", "team").prefetch_related(
            OVERRIDES,
            Prefetch(
                "events",
                queryset=ShiftEvent.objects.select_related("actor").order_by("created_at", "pk"),
            ),
        ),
        team=team,
        pk=pk,
    )


def overrides_for_team(*, team: Team) -> QuerySet[Override]:
    return (
        Override.objects.filter(shift__team=team)
        .select_related("user", "shift", "shift__assignee", "created_by")
        .order_by("-start_at")
    )


# --- The schedule page ----------------------------------------------------------------


@dataclass
class ScheduleRow:
    shift: Shift
    segments: list[Segment[User]]
    away: list[Unavailability]
    holidays: list[Unavailability]
    is_current: bool
    pending_swaps: list[SwapRequest] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def schedule_rows(
    *,
    rotation: Rotation,
    start: dt.datetime,
    now: dt.datetime,
    rows: int,
    mine: AnyUser | None = None,
) -> list[ScheduleRow]:
    """The rota from `start`, one row per shift (a week for weekly rotations), in a fixed
    number of queries."""
    qs = shifts_for_team(
        team=rotation.team, rotation_id=rotation.pk, person_id=mine.pk if mine else None
    )
    shifts = list(qs.filter(end_at__gt=start)[:rows])
    if not shifts:
        return []
    tz = zone(rotation.team.time_zone)
    periods = list(
        unavailability_for_team(
            team=rotation.team,
            start_on=shifts[0].start_at.astimezone(tz).date(),
            end_on=shifts[-1].end_at.astimezone(tz).date(),
        )
    )
    swaps: dict[int, list[SwapRequest]] = defaultdict(list)
    for swap in swap_requests_for_team(team=rotation.team).filter(
        status=SwapRequest.Status.PENDING, shift__in=shifts
    ):
        swaps[swap.shift_id].append(swap)
    result = []
    for shift, turn in zip(shifts, turns(shifts), strict=True):
        overlapping = [
            p
            for p in periods
            if p.bounds(tz)[0] < shift.end_at and shift.start_at < p.bounds(tz)[1]
        ]
        result.append(
            ScheduleRow(
                shift=shift,
                segments=effective_segments([turn]),
                away=[p for p in overlapping if p.user_id is not None],
                holidays=[p for p in overlapping if p.user_id is None],
                is_current=shift.start_at <= now < shift.end_at,
                pending_swaps=swaps[shift.pk],
            )
        )
    _warn_coming(rows=result, team=rotation.team, now=now)
    return result


def _warn_coming(*, rows: list[ScheduleRow], team: Team, now: dt.datetime) -> None:
    """What the apps above say about the people of shifts not over yet (e.g. missing
    access), one registry call for the whole page."""
    coming = [row for row in rows if row.shift.end_at > now]
    people = {s.person.pk: s.person for row in coming for s in row.segments if s.person}
    warnings = shift_warnings(team=team, user_ids=list(people))
    for row in coming:
        for pk in dict.fromkeys(s.person.pk for s in row.segments if s.person):
            row.warnings.extend(
                f"{person_name(people[pk])}: {line}" for line in warnings.get(pk, [])
            )


def people_warnings(*, team: Team, people: list[User]) -> list[str]:
    """The registry's warnings about these people, one line each, named."""
    warnings = shift_warnings(team=team, user_ids=[p.pk for p in people])
    return [f"{person_name(p)}: {line}" for p in people for line in warnings.get(p.pk, [])]
