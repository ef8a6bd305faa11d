"""Working-hours arithmetic: weekends, nights, and DST weeks in both team zones."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from incidents.working_hours import format_working_time, working_deadline, working_time_between

ZURICH = ZoneInfo("Europe/Zurich")
CHICAGO = ZoneInfo("America/Chicago")
H = dt.timedelta(hours=1)


def at(tz, *args):
    return dt.datetime(*args, tzinfo=tz).astimezone(dt.UTC)


def test_within_one_working_day():
    assert (
        working_time_between(at(ZURICH, 2027, 3, 3, 10), at(ZURICH, 2027, 3, 3, 13), tz=ZURICH)
        == 3 * H
    )


def test_nights_and_weekends_do_not_count():
    # Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday.
    friday, monday = at(ZURICH, 2027, 3, 5, 16), at(ZURICH, 2027, 3, 8, 10)
    assert working_time_between(friday, monday, tz=ZURICH) == 2 * H
    # asked on Saturday: nothing counts until Monday 09:00
    assert working_time_between(at(ZURICH, 2027, 3, 6, 11), monday, tz=ZURICH) == H
    # a whole week
    assert working_time_between(at(ZURICH, 2027, 3, 1), at(ZURICH, 2027, 3, 8), tz=ZURICH) == 40 * H


def test_empty_or_reversed_interval_is_zero():
    start = at(ZURICH, 2027, 3, 3, 10)
    assert working_time_between(start, start, tz=ZURICH) == dt.timedelta()
    assert working_time_between(start, start - H, tz=ZURICH) == dt.timedelta()


def test_deadline_skips_the_weekend():
    friday = at(ZURICH, 2027, 3, 5, 16)
    assert working_deadline(friday, 4, tz=ZURICH) == at(ZURICH, 2027, 3, 8, 12)
    # asked at night: the clock starts at 09:00
    assert working_deadline(at(ZURICH, 2027, 3, 3, 22), 4, tz=ZURICH) == at(ZURICH, 2027, 3, 4, 13)
    # exactly at closing time: due the next working day
    assert working_deadline(at(ZURICH, 2027, 3, 3, 17), 8, tz=ZURICH) == at(ZURICH, 2027, 3, 4, 17)


@pytest.mark.parametrize(
    ("tz", "friday", "monday"),
    [
        # spring forward: Zurich on Sunday 28 March 2027, Chicago on Sunday 14 March 2027
        (ZURICH, (2027, 3, 26), (2027, 3, 29)),
        (CHICAGO, (2027, 3, 12), (2027, 3, 15)),
        # fall back: Zurich on Sunday 31 October 2027, Chicago on Sunday 7 November 2027
        (ZURICH, (2027, 10, 29), (2027, 11, 1)),
        (CHICAGO, (2027, 11, 5), (2027, 11, 8)),
    ],
)
def test_dst_weekends_keep_local_working_hours(tz, friday, monday):
    """Across a DST change the working day stays 09:00-17:00 local: a 4-hour target from
    Friday 15:00 is due Monday 11:00 local, whatever the weekend's length in hours."""
    asked = at(tz, *friday, 15)
    due = working_deadline(asked, 4, tz=tz)
    assert due == at(tz, *monday, 11)
    assert due.astimezone(tz).hour == 11
    assert working_time_between(asked, due, tz=tz) == 4 * H
    # the whole DST week still has 40 working hours
    week_start = at(tz, *monday, 0) - dt.timedelta(days=7)
    assert working_time_between(week_start, at(tz, *monday, 0), tz=tz) == 40 * H


def test_the_same_instant_in_two_zones_is_not_the_same_working_time():
    """The team's zone decides: 16:00 UTC on a Wednesday is after hours in Zurich (17:00)
    but 10:00 in Chicago."""
    start = dt.datetime(2027, 3, 3, 16, tzinfo=dt.UTC)
    end = start + 2 * H
    assert working_time_between(start, end, tz=ZURICH) == dt.timedelta()
    assert working_time_between(start, end, tz=CHICAGO) == 2 * H


def test_format():
    assert format_working_time(dt.timedelta(minutes=5)) == "5 min"
    assert format_working_time(dt.timedelta(hours=12, minutes=3)) == "12 h 03 min"
