"""Reads about rotations and shifts shared by the pages, the API, the dashboard and
(later) the calendar feeds. `oncall_at` is the public "who is on shift" answer."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import F, FilteredRelation, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from shifts.models import (
    Override,
    Participant,
    Rotation,
    Shift,
    ShiftEvent,
    SwapRequest,
    Unavailability,
)
from shifts.schedule import Cover, Hours, Segment, Turn, effective_segments, split_hours
from teams.models import Team
from teams.selectors import AnyUser
from teams.timezones import zone


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    full_name: str
    email: str

    @property
    def name(self) -> str:
        return self.full_name or self.username


@dataclass(frozen=True)
class OnCall:
    """Who is on shift at an instant: the covering person if an override applies."""

    team: Team
    rotation_id: int
    rotation_name: str
    person: Person | None
    start_at: dt.datetime
    end_at: dt.datetime
    shift_id: int
    shift_start_at: dt.datetime
    shift_end_at: dt.datetime
    covering_for: Person | None


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
    the size of the history.
    """
    cover = FilteredRelation(
        "overrides", condition=Q(overrides__start_at__lte=at, overrides__end_at__gt=at)
    )
    shifts = Shift.objects.filter(
        team=team, rotation__is_active=True, start_at__lte=at, end_at__gt=at
    )
    if rotation_id is not None:
        shifts = shifts.filter(rotation_id=rotation_id)
    row = (
        shifts.annotate(
            cover=cover,
            cover_user_id=F("cover__user_id"),
            cover_username=F("cover__user__username"),
            cover_first_name=F("cover__user__first_name"),
            cover_last_name=F("cover__user__last_name"),
            cover_email=F("cover__user__email"),
            cover_start_at=F("cover__start_at"),
            cover_end_at=F("cover__end_at"),
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
    return OnCall(
        team=team,
        rotation_id=row.rotation_id,
        rotation_name=row.rotation.name,
        person=coverer if covered else assignee,
        start_at=row.cover_start_at if covered else row.start_at,
        end_at=row.cover_end_at if covered else row.end_at,
        shift_id=row.pk,
        shift_start_at=row.start_at,
        shift_end_at=row.end_at,
        covering_for=assignee if covered else None,
    )


def _turns(shifts: list[Shift]) -> list[Turn[User]]:
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


_OVERRIDES = Prefetch(
    "overrides", queryset=Override.objects.select_related("user").order_by("start_at")
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
        .prefetch_related(_OVERRIDES)
        .order_by("team__name", "rotation_id", "start_at")
    )
    grouped: dict[int, list[Shift]] = defaultdict(list)
    for shift in shifts:
        grouped[shift.rotation_id].append(shift)
    result = []
    for rows in grouped.values():
        segments = [s for s in effective_segments(_turns(rows)) if s.end_at > now][:count]
        result.append(
            UpcomingRotation(team=rows[0].team, rotation=rows[0].rotation, segments=segments)
        )
    return result


def rotations_for_team(*, team: Team) -> QuerySet[Rotation]:
    return (
        Rotation.objects.filter(team=team)
        .select_related("team")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("user").order_by("position"),
            )
        )
        .order_by("-is_active", "name")
    )


def rotations_for_teams(*, teams: QuerySet[Team]) -> QuerySet[Rotation]:
    return (
        Rotation.objects.filter(team__in=teams)
        .select_related("team")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("user").order_by("position"),
            )
        )
        .order_by("team__name", "-is_active", "name")
    )


def segments_of(*, shift: Shift) -> list[Segment[User]]:
    """Who is on a shift when, covers included (the shift's overrides are prefetched)."""
    return effective_segments(_turns([shift]))


def rotation_get(*, team: Team, pk: int | str) -> Rotation:
    return get_object_or_404(rotations_for_team(team=team), pk=pk)


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
        .prefetch_related(_OVERRIDES)
        .order_by("start_at", "pk")
    )


def shift_get(*, team: Team, pk: int | str) -> Shift:
    return get_object_or_404(
        Shift.objects.select_related("assignee", "rotation", "team").prefetch_related(
            _OVERRIDES,
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


def swap_requests_for_team(*, team: Team) -> QuerySet[SwapRequest]:
    return SwapRequest.objects.filter(team=team).select_related(
        "requester",
        "recipient",
        "decided_by",
        "shift__rotation",
        "shift__team",
        "counter_shift__team",
        "team",
    )


def unavailability_for_team(
    *, team: Team, start_on: dt.date | None = None, end_on: dt.date | None = None
) -> QuerySet[Unavailability]:
    qs = Unavailability.objects.filter(team=team).select_related("user")
    if start_on is not None:
        qs = qs.filter(ends_on__gte=start_on)
    if end_on is not None:
        qs = qs.filter(starts_on__lte=end_on)
    return qs.order_by("starts_on", "pk")


# --- The schedule page ----------------------------------------------------------------


@dataclass
class ScheduleRow:
    shift: Shift
    segments: list[Segment[User]]
    away: list[Unavailability]
    holidays: list[Unavailability]
    is_current: bool
    pending_swaps: list[SwapRequest] = field(default_factory=list)


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
    for shift, turn in zip(shifts, _turns(shifts), strict=True):
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
    return result


# --- Fairness -------------------------------------------------------------------------


@dataclass
class FairnessRow:
    person: User
    year: Hours
    quarters: list[Hours]


def fairness_report(*, rotation: Rotation, year: int) -> list[FairnessRow]:
    """Shifts and on-shift hours per person for a year and its quarters (team's zone):
    weekday, weekend and public-holiday hours apart, and days of leave, so that one
    sees leave neither cost nor earned anyone shifts."""
    tz = zone(rotation.team.time_zone)
    bounds = [dt.datetime(year, month, 1, tzinfo=tz).astimezone(dt.UTC) for month in (1, 4, 7, 10)]
    bounds.append(dt.datetime(year + 1, 1, 1, tzinfo=tz).astimezone(dt.UTC))
    shifts = list(
        shifts_for_team(
            team=rotation.team, rotation_id=rotation.pk, start=bounds[0], end=bounds[-1]
        )
    )
    periods = list(
        unavailability_for_team(
            team=rotation.team, start_on=dt.date(year, 1, 1), end_on=dt.date(year, 12, 31)
        )
    )
    holidays: set[dt.date] = set()
    leave_days: dict[int, set[dt.date]] = defaultdict(set)
    for period in periods:
        day = max(period.starts_on, dt.date(year, 1, 1))
        while day <= min(period.ends_on, dt.date(year, 12, 31)):
            (holidays if period.user_id is None else leave_days[period.user_id]).add(day)
            day += dt.timedelta(days=1)

    people: dict[int, User] = {p.user_id: p.user for p in rotation.participants.all()}
    rows: dict[int, FairnessRow] = {}

    def row_of(user: User) -> FairnessRow:
        people.setdefault(user.pk, user)
        if user.pk not in rows:
            rows[user.pk] = FairnessRow(
                person=user, year=Hours(), quarters=[Hours() for _ in range(4)]
            )
        return rows[user.pk]

    for user in people.values():
        row_of(user)
    for shift in shifts:
        if shift.assignee is not None and bounds[0] <= shift.start_at < bounds[-1]:
            quarter = next(q for q in range(4) if shift.start_at < bounds[q + 1])
            row = row_of(shift.assignee)
            row.year.shifts += 1
            row.quarters[quarter].shifts += 1
    for segment in effective_segments(_turns(shifts)):
        if segment.person is None:
            continue
        row = row_of(segment.person)
        for quarter in range(4):
            start = max(segment.start_at, bounds[quarter])
            end = min(segment.end_at, bounds[quarter + 1])
            if start >= end:
                continue
            weekday, weekend, holiday = split_hours(start, end, tz=tz, holidays=holidays)
            for hours in (row.year, row.quarters[quarter]):
                hours.weekday += weekday
                hours.weekend += weekend
                hours.holiday += holiday
    for user_id, days in leave_days.items():
        if user_id in rows:
            rows[user_id].year.unavailable_days = len(days)
            for quarter in range(4):
                start_q = bounds[quarter].astimezone(tz).date()
                end_q = bounds[quarter + 1].astimezone(tz).date()
                rows[user_id].quarters[quarter].unavailable_days = sum(
                    start_q <= d < end_q for d in days
                )
    return sorted(rows.values(), key=lambda r: r.person.get_username())
