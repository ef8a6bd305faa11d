"""The effective schedule over plain values: overrides layered over shifts, and the
hours a schedule gives each person (weekday, weekend, public holiday) for fairness."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

P = TypeVar("P")


@dataclass(frozen=True)
class Segment(Generic[P]):
    """A stretch of time one person is on shift. `covering` is set when it comes from an
    override (the person covers part of `shift_assignee`'s shift)."""

    person: P | None
    start_at: dt.datetime
    end_at: dt.datetime
    shift_id: int
    shift_start_at: dt.datetime
    shift_end_at: dt.datetime
    shift_assignee: P | None
    is_override: bool = False


@dataclass(frozen=True)
class Cover(Generic[P]):
    person: P
    start_at: dt.datetime
    end_at: dt.datetime


@dataclass(frozen=True)
class Turn(Generic[P]):
    shift_id: int
    person: P | None
    start_at: dt.datetime
    end_at: dt.datetime
    covers: Sequence[Cover[P]] = ()


def effective_segments(turns: Iterable[Turn[P]]) -> list[Segment[P]]:
    """Split each shift around its overrides (which never overlap and stay inside it)."""
    segments: list[Segment[P]] = []

    def piece(
        turn: Turn[P], person: P | None, start: dt.datetime, end: dt.datetime, cover: bool
    ) -> None:
        segments.append(
            Segment(
                person=person,
                start_at=start,
                end_at=end,
                shift_id=turn.shift_id,
                shift_start_at=turn.start_at,
                shift_end_at=turn.end_at,
                shift_assignee=turn.person,
                is_override=cover,
            )
        )

    for turn in turns:
        cursor = turn.start_at
        for cover in sorted(turn.covers, key=lambda c: c.start_at):
            if cover.start_at > cursor:
                piece(turn, turn.person, cursor, cover.start_at, False)
            piece(turn, cover.person, cover.start_at, cover.end_at, True)
            cursor = cover.end_at
        if cursor < turn.end_at:
            piece(turn, turn.person, cursor, turn.end_at, False)
    return segments


@dataclass
class Hours:
    shifts: int = 0
    weekday: float = 0.0
    weekend: float = 0.0
    holiday: float = 0.0
    unavailable_days: int = 0

    @property
    def total(self) -> float:
        return self.weekday + self.weekend + self.holiday


def split_hours(
    start: dt.datetime, end: dt.datetime, *, tz: dt.tzinfo, holidays: set[dt.date]
) -> tuple[float, float, float]:
    """(weekday, weekend, holiday) hours of [start, end), by local day in `tz`.

    A public holiday counts as holiday even on a weekend; real elapsed hours are counted,
    so a DST night gives 23 or 25 hours.
    """
    weekday = weekend = holiday = 0.0
    cursor = start
    while cursor < end:
        local = cursor.astimezone(tz)
        next_midnight = dt.datetime.combine(
            local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=tz
        ).astimezone(dt.UTC)
        stop = min(end, next_midnight)
        hours = (stop - cursor).total_seconds() / 3600
        if local.date() in holidays:
            holiday += hours
        elif local.weekday() >= 5:
            weekend += hours
        else:
            weekday += hours
        cursor = stop
    return weekday, weekend, holiday
