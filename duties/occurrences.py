"""When a duty falls due in a shift, over plain values (no database).

A day belongs to the shift that is on at its local noon in the team's zone: noon always
exists (no DST change happens then), and a Monday 09:00 handover gives Monday to the
incoming shifter. A once-per-shift duty falls on the shift's first local day; a duty at
a meeting on the team-zone day of each meeting in the shift.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ONCE_PER_SHIFT = "once_per_shift"
DAILY = "daily"
DAILY_WORKING_DAYS = "daily_working_days"
AT_MEETING = "at_meeting"
# A rotation period is at most 366 days: no shift has more days than this.
MAX_DAYS = 367
NOON = dt.time(12, 0)


@dataclass(frozen=True)
class Occurrence:
    """A duty due on `on` (team-zone date); `at` is the meeting's start for a meeting duty."""

    duty_id: int
    on: dt.date
    at: dt.datetime | None = None


def shift_days(start_at: dt.datetime, end_at: dt.datetime, tz: ZoneInfo) -> list[dt.date]:
    """The team-zone days whose noon falls in [start_at, end_at) (bounded)."""
    day = start_at.astimezone(tz).date()
    last = end_at.astimezone(tz).date()
    days: list[dt.date] = []
    while day <= last and len(days) < MAX_DAYS:
        noon = dt.datetime.combine(day, NOON, tzinfo=tz)
        if start_at <= noon < end_at:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def occurrences(
    *,
    duty_id: int,
    cadence: str,
    start_at: dt.datetime,
    end_at: dt.datetime,
    tz: ZoneInfo,
    meeting_starts: Iterable[dt.datetime] = (),
) -> list[Occurrence]:
    """The occurrences of one duty in the shift [start_at, end_at), by date."""
    if cadence == ONCE_PER_SHIFT:
        return [Occurrence(duty_id=duty_id, on=start_at.astimezone(tz).date())]
    if cadence == AT_MEETING:
        # One occurrence a day: a second meeting of the series that day is the same duty.
        by_day: dict[dt.date, dt.datetime] = {}
        for at in sorted(meeting_starts):
            if start_at <= at < end_at:
                by_day.setdefault(at.astimezone(tz).date(), at)
        return [Occurrence(duty_id=duty_id, on=on, at=at) for on, at in by_day.items()]
    days = shift_days(start_at, end_at, tz)
    if cadence == DAILY_WORKING_DAYS:
        days = [day for day in days if day.weekday() < 5]
    return [Occurrence(duty_id=duty_id, on=day) for day in days]
