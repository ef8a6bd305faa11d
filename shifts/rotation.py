"""Rotation expansion over plain values: slot boundaries and fair assignment.

No database here. A rotation hands over every `period_days` days at a wall-clock time
in the team's zone; slot k starts at the k-th handover. The UTC instant of a handover
moves with daylight saving, the local time does not, and each slot ends exactly where
the next begins, so the schedule has no gap and no overlap.

Bounded: a rule starts in the sane range (`teams.bounds`), slots are planned up to its
end at most and `MAX_SLOTS` per call, and day spans far in the past or future are cut
to the range, so no input makes the arithmetic overflow or the loops run away.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from teams.bounds import EARLIEST_AT, EARLIEST_DATE, LATEST_AT, LATEST_DATE, RANGE_TEXT

MAX_PERIOD_DAYS = 366
MAX_SLOTS = 10_000  # per call of `slots`: a daily rotation over 27 years


def day_span(
    starts_on: dt.date, ends_on: dt.date, zone: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of whole days `starts_on`..`ends_on` (inclusive) in `zone`: from the
    first day's midnight to the midnight after the last, cut to the sane range, so
    leave "from 0001-01-01 to 9999-12-31" is simply all the time there is."""
    first = min(max(starts_on, EARLIEST_DATE), LATEST_DATE)
    last = min(max(ends_on, EARLIEST_DATE), LATEST_DATE)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


@dataclass(frozen=True)
class RotationRule:
    zone: ZoneInfo
    start_on: dt.date
    handover_weekday: int  # Monday = 0
    handover_time: dt.time
    period_days: int = 7

    def __post_init__(self) -> None:
        if not 1 <= self.period_days <= MAX_PERIOD_DAYS:
            raise ValueError(f"A rotation period is 1 to {MAX_PERIOD_DAYS} days.")
        if not 0 <= self.handover_weekday <= 6:
            raise ValueError("The handover weekday is 0 (Monday) to 6 (Sunday).")
        if not EARLIEST_DATE <= self.start_on <= LATEST_DATE:
            raise ValueError(f"A rotation starts between {RANGE_TEXT}.")

    def first_handover_on(self) -> dt.date:
        """The first handover day on or after `start_on` that falls on the handover weekday."""
        return self.start_on + dt.timedelta(
            days=(self.handover_weekday - self.start_on.weekday()) % 7
        )

    def slot_start(self, index: int) -> dt.datetime:
        """Start of slot `index` as an aware UTC datetime (the local wall-clock handover);
        ValueError for an index beyond the calendar."""
        try:
            day = self.first_handover_on() + dt.timedelta(days=index * self.period_days)
            local = dt.datetime.combine(day, self.handover_time, tzinfo=self.zone)
            return local.astimezone(dt.UTC)
        except OverflowError:
            raise ValueError(f"Slot {index} is beyond the dates a rotation can have.") from None

    def slot_at_or_after(self, instant: dt.datetime) -> int:
        """The index of the first slot that starts at or after `instant` (never negative;
        an instant outside the sane range counts as its nearest end)."""
        instant = min(max(instant, EARLIEST_AT), LATEST_AT)
        local_day = instant.astimezone(self.zone).date()
        index = max(0, (local_day - self.first_handover_on()).days // self.period_days - 1)
        while self.slot_start(index) < instant:
            index += 1
        return index

    def slots(
        self, first: int, until: dt.datetime, *, limit: int = MAX_SLOTS
    ) -> list[tuple[int, dt.datetime, dt.datetime]]:
        """(index, start, end) of the slots from `first` whose start is before `until`
        (at most the end of the sane range), the first `limit` of them at most."""
        until = min(until, LATEST_AT)
        result: list[tuple[int, dt.datetime, dt.datetime]] = []
        index = first
        start = self.slot_start(index)
        while start < until and len(result) < limit:
            end = self.slot_start(index + 1)
            result.append((index, start, end))
            index += 1
            start = end
        return result


def initial_queue(participants: Sequence[int], last_served: dict[int, int]) -> list[int]:
    """Participants in the order they are due: never served first (in rotation order),
    then by the slot they last served, oldest first."""
    position = {person: rank for rank, person in enumerate(participants)}
    return sorted(participants, key=lambda person: (last_served.get(person, -1), position[person]))


def assign(
    queue: list[int],
    slots: Iterable[tuple[int, dt.datetime, dt.datetime]],
    *,
    is_available: Callable[[int, dt.datetime, dt.datetime], bool],
    fixed: dict[int, int] | None = None,
) -> dict[int, int | None]:
    """Assign each slot to the person due first who can take it.

    The person who served moves to the back of the queue. Someone skipped because they
    are unavailable keeps their place at the front, so they get the next slot they can
    take: leave neither costs nor earns shifts. `fixed` maps slot index to a person
    already set by hand (a swap): that person counts as having served. A slot nobody
    can take gets None. `queue` is updated in place.
    """
    fixed = fixed or {}
    result: dict[int, int | None] = {}
    for index, start, end in slots:
        person = fixed.get(index)
        if person is None:
            person = next((p for p in queue if is_available(p, start, end)), None)
        result[index] = person
        if person is not None and person in queue:
            queue.remove(person)
            queue.append(person)
    return result
