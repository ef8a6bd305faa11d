"""Periods over plain values: the next period of the same length, a calendar month and
local days, all in the team's zone (so a DST week is 167 or 169 hours long)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from teams.bounds import validate_sane_datetime
from teams.models import Team

# A summary covers a shift (a rotation turn is at most 366 days) or a calendar month.
LONGEST_PERIOD = dt.timedelta(days=367)


def period_check(*, start_at: dt.datetime, end_at: dt.datetime) -> None:
    """Aware, inside the sane range, in order and at most ~a year long."""
    for name, value in (("start_at", start_at), ("end_at", end_at)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError({name: "Give an aware datetime (with its time zone)."})
        try:
            validate_sane_datetime(value)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from error
    if end_at <= start_at:
        raise ValidationError({"end_at": "The end must be after the start."})
    if end_at - start_at > LONGEST_PERIOD:
        raise ValidationError({"end_at": "A summary covers at most a year."})


def local_wall(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """`value` as a naive wall-clock time in `tz`."""
    return value.astimezone(tz).replace(tzinfo=None)


def from_wall(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A naive wall-clock time in `tz` as an aware UTC instant (a gap moves forward)."""
    return value.replace(tzinfo=tz).astimezone(dt.UTC)


def is_calendar_month(start_at: dt.datetime, end_at: dt.datetime, tz: dt.tzinfo) -> bool:
    start, end = local_wall(start_at, tz), local_wall(end_at, tz)
    first, following = _month_walls(start.year, start.month)
    return start == first and end == following


def _month_walls(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The naive local midnights starting the month and the next one."""
    midnight = dt.time()
    return (
        dt.datetime.combine(dt.date(year, month, 1), midnight),
        dt.datetime.combine(dt.date(year + month // 12, month % 12 + 1, 1), midnight),
    )


def month_bounds(*, year: int, month: int, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """[first midnight, next month's first midnight) in `tz`, as UTC instants."""
    start, end = _month_walls(year, month)
    return from_wall(start, tz), from_wall(end, tz)


def next_period(
    start_at: dt.datetime, end_at: dt.datetime, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """The period after [start_at, end_at) of the same length on the wall clock of `tz`:
    the next calendar month for a month, else the same local days and hours (a weekly
    shift's next week is a week of wall-clock time, whatever DST does)."""
    if is_calendar_month(start_at, end_at, tz):
        end = local_wall(end_at, tz)
        return month_bounds(year=end.year, month=end.month, tz=tz)
    start, end = local_wall(start_at, tz), local_wall(end_at, tz)
    return end_at, from_wall(end + (end - start), tz)


def local_day(value: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return value.astimezone(tz).date()


def last_local_day(end_at: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The last local day that [.., end_at) touches (an end at midnight is the day before)."""
    return (end_at - dt.timedelta(microseconds=1)).astimezone(tz).date()


def hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Real elapsed hours (UTC arithmetic: a DST night is 23 or 25 hours), one decimal."""
    return round(max((end - start).total_seconds(), 0) / 3600, 1)


@dataclass(frozen=True)
class PeriodQuery:
    """What every section reads over: the team, its zone and the period [start_at, end_at).
    `as_of` is the moment the state is described at: the end, or now if that is earlier
    (a note drafted mid-shift)."""

    team: Team
    tz: dt.tzinfo
    start_at: dt.datetime
    end_at: dt.datetime
    now: dt.datetime

    @property
    def as_of(self) -> dt.datetime:
        return min(self.end_at, self.now)

    @property
    def next_period(self) -> tuple[dt.datetime, dt.datetime]:
        return next_period(self.start_at, self.end_at, self.tz)
