"""Who is on shift: at an instant (`oncall_at`, the public answer for chat bots and the
API, which caches the answer for now) and now, next and after (the dashboard)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from shifts.models import Override, Rotation, Shift
from shifts.schedule import Segment, effective_segments
from shifts.selectors.shifts import OVERRIDES, turns
from teams.models import Team


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    full_name: str
    email: str


@dataclass(frozen=True)
class OnCall:
    """Who is on shift at an instant: the covering person if an override applies.
    `changes_at`: the next instant the answer can change without a write (the turn
    ends, a cover or another rotation's shift starts)."""

    rotation_id: int
    rotation_name: str
    person: Person | None
    start_at: dt.datetime
    end_at: dt.datetime
    shift_id: int
    shift_start_at: dt.datetime
    shift_end_at: dt.datetime
    covering_for: Person | None
    changes_at: dt.datetime


def _person(user: User | None) -> Person | None:
    if user is None:
        return None
    return Person(
        id=user.pk, username=user.get_username(), full_name=user.get_full_name(), email=user.email
    )


def oncall_at(*, team: Team, at: dt.datetime, rotation_id: int | None = None) -> OnCall | None:
    """The effective shift of the team at `at` (overrides included), in one query.

    With several active rotations and no `rotation_id`, the shift that started last wins.
    The (team, start_at, end_at) index makes this a short backward index scan, whatever
    the size of the history; the next cover and the next shift start (`changes_at`) are
    short index scans too.
    """
    cover = FilteredRelation(
        "overrides", condition=Q(overrides__start_at__lte=at, overrides__end_at__gt=at)
    )
    team_shifts = Shift.objects.filter(team=team, rotation__is_active=True)
    if rotation_id is not None:
        team_shifts = team_shifts.filter(rotation_id=rotation_id)
    next_cover = Override.objects.filter(shift=OuterRef("pk"), start_at__gt=at).order_by("start_at")
    next_shift = team_shifts.filter(start_at__gt=at).order_by("start_at")
    row = (
        team_shifts.filter(start_at__lte=at, end_at__gt=at)
        .annotate(
            cover=cover,
            cover_user_id=F("cover__user_id"),
            cover_username=F("cover__user__username"),
            cover_first_name=F("cover__user__first_name"),
            cover_last_name=F("cover__user__last_name"),
            cover_email=F("cover__user__email"),
            cover_start_at=F("cover__start_at"),
            cover_end_at=F("cover__end_at"),
            next_cover_at=Subquery(next_cover.values("start_at")[:1]),
            next_shift_at=Subquery(next_shift.values("start_at")[:1]),
        )
        .select_related("assignee", "rotation")
        .order_by("-start_at", "rotation_id")
        .first()
    )
    if row is None:
        return None
    assignee = _person(row.assignee)
    covered = row.cover_user_id is not None
    coverer = (
        Person(
            id=row.cover_user_id,
            username=row.cover_username,
            full_name=f"{row.cover_first_name} {row.cover_last_name}".strip(),
            email=row.cover_email,
        )
        if covered
        else None
    )
    end_at = row.cover_end_at if covered else row.end_at
    return OnCall(
        rotation_id=row.rotation_id,
        rotation_name=row.rotation.name,
        person=coverer if covered else assignee,
        start_at=row.cover_start_at if covered else row.start_at,
        end_at=end_at,
        shift_id=row.pk,
        shift_start_at=row.start_at,
        shift_end_at=row.end_at,
        covering_for=assignee if covered else None,
        changes_at=min(t for t in (end_at, row.next_cover_at, row.next_shift_at) if t),
    )


@dataclass
class UpcomingRotation:
    team: Team
    rotation: Rotation
    segments: list[Segment[User]]


def upcoming_for_teams(
    *, teams: QuerySet[Team], now: dt.datetime, count: int = 3
) -> list[UpcomingRotation]:
    """For each active rotation of `teams`: who is on shift now, next and after (effective)."""
    shifts = list(
        Shift.objects.filter(team__in=teams, rotation__is_active=True, end_at__gt=now)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("rotation_id")], order_by=F("start_at").asc())
        )
        .filter(rank__lte=count)
        .select_related("assignee", "rotation", "team")
        .prefetch_related(OVERRIDES)
        .order_by("team__name", "rotation_id", "start_at")
    )
    grouped: dict[int, list[Shift]] = defaultdict(list)
    for shift in shifts:
        grouped[shift.rotation_id].append(shift)
    result = []
    for rows in grouped.values():
        segments = [s for s in effective_segments(turns(rows)) if s.end_at > now][:count]
        result.append(
            UpcomingRotation(team=rows[0].team, rotation=rows[0].rotation, segments=segments)
        )
    return result
