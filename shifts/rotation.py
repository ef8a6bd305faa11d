"""Rotation expansion over plain values: slot boundaries and fair assignment.

No database here. A rotation hands over every `period_days` days at a wall-clock time
in the team's zone; slot k starts at the k-th handover. The UTC instant of a handover
moves with daylight saving, the local time does not, and each slot ends exactly where
the next begins, so the schedule has no gap and no overlap.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class RotationRule:
    zone: ZoneInfo
    start_on: dt.date
    handover_weekday: int  # Monday = 0
    handover_time: dt.time
    period_days: int = 7

    def first_handover_on(self) -> dt.date:
        """The first handover day on or after `start_on` that falls on the handover weekday."""
        return self.start_on + dt.timedelta(
            days=(self.handover_weekday - self.start_on.weekday()) % 7
        )

    def slot_start(self, index: int) -> dt.datetime:
        """Start of slot `index` as an aware UTC datetime (the local wall-clock handover)."""
        day = self.first_handover_on() + dt.timedelta(days=index * self.period_days)
        local = dt.datetime.combine(day, self.handover_time, tzinfo=self.zone)
        return local.astimezone(dt.UTC)

    def slot_at_or_after(self, instant: dt.datetime) -> int:
        """The index of the first slot that starts at or after `instant` (never negative)."""
        local_day = instant.astimezone(self.zone).date()
        index = max(0, (local_day - self.first_handover_on()).days // self.period_days - 1)
        while self.slot_start(index) < instant:
            index += 1
        return index

    def slots(self, first: int, until: dt.datetime) -> list[tuple[int, dt.datetime, dt.datetime]]:
        """(index, start, end) of the slots from `first` whose start is before `until`."""
        result = []
        index = first
        start = self.slot_start(index)
        while start < until:
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
