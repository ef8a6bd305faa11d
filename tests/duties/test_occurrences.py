"""When duties fall due, over plain values: across the DST change of Europe/Zurich and
America/Chicago the team-zone days are right (the Sunday of the change included)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from duties.occurrences import occurrences, shift_days


def weekly_shift(zone_name: str, monday: dt.date) -> tuple[dt.datetime, dt.datetime, ZoneInfo]:
    tz = ZoneInfo(zone_name)
    start = dt.datetime.combine(monday, dt.time(9), tzinfo=tz)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(9), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC), tz


@pytest.mark.parametrize(
    ("zone_name", "monday", "change_sunday"),
    [
        ("Europe/Zurich", dt.date(2027, 3, 22), dt.date(2027, 3, 28)),  # spring forward
        ("Europe/Zurich", dt.date(2027, 10, 25), dt.date(2027, 10, 31)),  # fall back
        ("America/Chicago", dt.date(2027, 3, 8), dt.date(2027, 3, 14)),
        ("America/Chicago", dt.date(2027, 11, 1), dt.date(2027, 11, 7)),
    ],
)
def test_a_daily_duty_falls_on_each_team_day_of_a_dst_week(zone_name, monday, change_sunday):
    start, end, tz = weekly_shift(zone_name, monday)
    assert (end - start) != dt.timedelta(days=7)  # the week really has a DST change
    days = [
        o.on for o in occurrences(duty_id=1, cadence="daily", start_at=start, end_at=end, tz=tz)
    ]
    assert days == [monday + dt.timedelta(days=n) for n in range(7)]
    assert days[-1] == change_sunday
    working = occurrences(
        duty_id=1, cadence="daily_working_days", start_at=start, end_at=end, tz=tz
    )
    assert [o.on.weekday() for o in working] == [0, 1, 2, 3, 4]
    once = occurrences(duty_id=1, cadence="once_per_shift", start_at=start, end_at=end, tz=tz)
    assert [o.on for o in once] == [monday]


def test_the_handover_day_belongs_to_the_incoming_shift():
    start, end, tz = weekly_shift("Europe/Zurich", dt.date(2027, 3, 22))
    assert dt.date(2027, 3, 29) not in shift_days(start, end, tz)
    # A one-day shift from 09:00 to 09:00 has exactly its first day.
    day_end = start + dt.timedelta(days=1)
    assert shift_days(start, day_end, tz) == [dt.date(2027, 3, 22)]


def test_a_meeting_duty_falls_on_the_meetings_team_day_once_a_day():
    start, end, tz = weekly_shift("America/Chicago", dt.date(2027, 3, 8))
    # Monday 16:00 Zurich is 10:00 in Chicago before the US change, 11:00 after.
    monday = dt.datetime(2027, 3, 8, 15, 0, tzinfo=dt.UTC)
    late = dt.datetime(2027, 3, 8, 16, 0, tzinfo=dt.UTC)  # a second one that day
    outside = dt.datetime(2027, 3, 15, 15, 0, tzinfo=dt.UTC)  # next shift
    found = occurrences(
        duty_id=3,
        cadence="at_meeting",
        start_at=start,
        end_at=end,
        tz=tz,
        meeting_starts=[outside, late, monday],
    )
    assert [(o.on, o.at) for o in found] == [(dt.date(2027, 3, 8), monday)]


def test_days_are_bounded_whatever_the_shift_length():
    tz = ZoneInfo("UTC")
    start = dt.datetime(2027, 1, 1, tzinfo=tz)
    assert len(shift_days(start, start + dt.timedelta(days=5000), tz)) == 367
