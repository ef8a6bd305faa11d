"""Working-hours arithmetic over plain values: how many working hours lie between two
instants, and when a number of working hours after an instant is over.

A working day is Monday to Friday, 09:00 to 17:00 local time in the given zone (the
team's). Local wall-clock bounds make a DST day still 8 working hours long; nights and
weekends do not count. No database: the support pages, the dashboard and the overdue
reminder all use these two functions.
"""

import datetime as dt
from collections.abc import Iterator

DAY_START = dt.time(9)
DAY_END = dt.time(17)
WORKING_WEEKDAYS = frozenset(range(5))  # Monday .. Friday
# A target is at most 200 working hours (5 weeks); leave room for long holidays-free runs.
MAX_DAYS = 400


def _windows(start: dt.datetime, tz: dt.tzinfo) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The working windows (UTC) of the local days from `start`'s local day on."""
    day = start.astimezone(tz).date()
    for _ in range(MAX_DAYS):
        if day.weekday() in WORKING_WEEKDAYS:
            opens = dt.datetime.combine(day, DAY_START, tzinfo=tz).astimezone(dt.UTC)
            closes = dt.datetime.combine(day, DAY_END, tzinfo=tz).astimezone(dt.UTC)
            yield opens, closes
        day += dt.timedelta(days=1)


def working_time_between(start: dt.datetime, end: dt.datetime, *, tz: dt.tzinfo) -> dt.timedelta:
    """The working time in [start, end) (zero if end is not after start)."""
    total = dt.timedelta()
    if end <= start:
        return total
    for opens, closes in _windows(start, tz):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > dt.timedelta():
            total += overlap
    return total


def working_deadline(start: dt.datetime, hours: float, *, tz: dt.tzinfo) -> dt.datetime:
    """The instant when `hours` working hours after `start` have passed (UTC).

    A question asked on Friday at 16:00 with a 4-hour target is due on Monday at 12:00.
    """
    remaining = dt.timedelta(hours=hours)
    for opens, closes in _windows(start, tz):
        begin = max(opens, start)
        if begin >= closes:
            continue
        if begin + remaining <= closes:
            return begin + remaining
        remaining -= closes - begin
    raise ValueError(f"{hours} working hours do not fit in {MAX_DAYS} days.")


def format_working_time(value: dt.timedelta) -> str:
    """ "2 h 05 min" style, for the support list and emails."""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
