"""Reading uploaded .ics files: what real clients export, and hostile input, bounded."""

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from dateutil import rrule as dateutil_rrule

from teams.ical import IcsError, parse_periods

FIXTURES = Path(__file__).parent / "ics"
UTC = dt.UTC
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
WINDOW = (dt.datetime(2027, 1, 1, tzinfo=UTC), dt.datetime(2028, 1, 1, tzinfo=UTC))


def _parse(data, window=WINDOW):
    return parse_periods(data, zone=ZURICH, window_start=window[0], window_end=window[1])


def _fixture(name):
    return _parse((FIXTURES / name).read_bytes())


def _event(*lines, summary="Away"):
    body = "\r\n".join(lines)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:x@example.org\r\nSUMMARY:{summary}\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _starts(periods, summary, zone=ZURICH):
    return [p.start.astimezone(zone) for p in periods if p.summary == summary]


def test_google_export_all_day_date_until_utc_until_exdate_and_overrides():
    periods = _fixture("google.ics")
    # All-day weekly with a DATE UNTIL (a 500 before): the UNTIL day is included.
    leave = [p for p in periods if p.summary == "Parental leave day"]
    assert [p.start.date() for p in leave] == [
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 8),
        dt.date(2027, 2, 15),
        dt.date(2027, 2, 22),
        dt.date(2027, 3, 1),
    ]
    assert all(p.all_day and p.end - p.start == dt.timedelta(days=1) for p in leave)
    # Zoned weekly with a UTC UNTIL: 15 March excluded (EXDATE), 22 March moved to
    # Tuesday 14:00 (RECURRENCE-ID), 29 March cancelled, 5 April after UNTIL.
    assert [(s.date(), s.hour) for s in _starts(periods, "Physio")] == [
        (dt.date(2027, 3, 1), 9),
        (dt.date(2027, 3, 8), 9),
        (dt.date(2027, 3, 23), 14),
    ]


def test_outlook_export_with_windows_zone_names_count_and_exdate():
    periods = _fixture("outlook.ics")
    course = _starts(periods, "Training course (afternoons)")
    # COUNT=4 from 26 March counts the EXDATE'd 9 April too; 13:00 on both sides of DST.
    assert [s.date() for s in course] == [
        dt.date(2027, 3, 26),
        dt.date(2027, 4, 2),
        dt.date(2027, 4, 16),
    ]
    assert {s.hour for s in course} == {13}
    assert [s.utcoffset() for s in course] == [dt.timedelta(hours=h) for h in (1, 2, 2)]
    (holiday,) = [p for p in periods if p.summary == "Holiday in Ticino"]
    assert holiday.all_day
    assert (holiday.start.date(), holiday.end.date()) == (dt.date(2027, 8, 2), dt.date(2027, 8, 14))


def test_apple_export_rdate_monthly_old_birthday_and_floating_until():
    periods = _fixture("apple.ics")
    pickups = sorted(_starts(periods, "Kids pick-up", CHICAGO))
    # First Tuesday monthly until June (UTC UNTIL), plus one extra date (RDATE).
    assert [s.date() for s in pickups] == [
        dt.date(2027, 1, 5),
        dt.date(2027, 2, 2),
        dt.date(2027, 3, 2),
        dt.date(2027, 3, 16),
        dt.date(2027, 4, 6),
        dt.date(2027, 5, 4),
        dt.date(2027, 6, 1),
    ]
    assert {s.hour for s in pickups} == {13}
    # A yearly birthday from 1604 (Apple's "no year"): expanded from the window, not 1604.
    assert [p.start.date() for p in periods if p.summary == "Dave birthday"] == [
        dt.date(2027, 5, 6)
    ]
    # Zoned DTSTART with a floating UNTIL (a 500 before): read on the event's wall clock.
    assert [s.day for s in _starts(periods, "Conference mornings")] == [4, 5, 6]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ["DTSTART:19000101T000000Z", "DTEND:19000101T000001Z", "RRULE:FREQ=SECONDLY"],
            r"Event 1 \(Pager\) cannot be used: FREQ must be .* not SECONDLY",
        ),
        (
            ["DTSTART:19700101T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY"],
            r"Event 1 \(Pager\) cannot be used: .*not MINUTELY: a series repeats at most daily",
        ),
        (
            ["DTSTART:20270101T090000Z", "DURATION:PT1H", "RRULE:FREQ=HOURLY;COUNT=5"],
            r"\(Pager\).*not HOURLY",
        ),
        (["DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=BOGUS"], r"\(Pager\).*not BOGUS"),
        (["DTSTART;VALUE=DATE:20270101", "RRULE:"], r"\(Pager\).*The rule is empty"),
        (["DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=DAILY;INTERVAL=0"], r"\(Pager\).*INTERVAL"),
        (
            ["DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"],
            r"\(Pager\).*never produces a date",
        ),
        (
            ["DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=DAILY;UNTIL=99991231"],
            r"\(Pager\).*UNTIL must be between 1970-01-01 and 2200-12-31",
        ),
        (
            ["DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"],
            r"\(Pager\).*more than one repeat rule",
        ),
        (
            ["DTSTART;VALUE=DATE:20270101", "DTEND;VALUE=DATE:20290101", "RRULE:FREQ=YEARLY"],
            r"\(Pager\).*repeats and lasts more than 366 days",
        ),
        (
            [
                "DTSTART:20270101T090000Z",
                "DTEND:20270101T100000Z",
                "RECURRENCE-ID;RANGE=THISANDFUTURE:20270101T090000Z",
            ],
            r"\(Pager\) cannot be read: .*THISANDFUTURE",
        ),
        (
            [
                "DTSTART:20270101T090000Z",
                "DURATION:PT1H",
                "RDATE;VALUE=PERIOD:20270105T090000Z/PT1H",
            ],
            r"\(Pager\).*RDATE periods are not supported",
        ),
    ],
)
def test_unusable_rules_are_refused_naming_the_event(lines, message):
    with pytest.raises(IcsError, match=message):
        _parse(_event(*lines, summary="Pager"))


def test_daily_from_1900_is_expanded_from_the_window_and_quickly(monkeypatch):
    walked = 0
    original = dateutil_rrule.rrule._iter

    def counting(rule):
        nonlocal walked
        for value in original(rule):
            walked += 1
            yield value

    monkeypatch.setattr(dateutil_rrule.rrule, "_iter", counting)
    periods = _parse(
        _event("DTSTART:19000101T070000Z", "DTEND:19000101T080000Z", "RRULE:FREQ=DAILY")
    )
    assert len(periods) == 365
    assert periods[0].start == dt.datetime(2027, 1, 1, 7, tzinfo=UTC)
    assert walked <= 365 + 5  # from the window's start, not 127 years of days


def test_a_rule_that_repeats_too_often_in_the_period_is_refused():
    ten_years = (WINDOW[0], WINDOW[0].replace(year=2037))
    with pytest.raises(IcsError, match=r"Event 1 \(Away\) .*repeats more than 2000 times"):
        _parse(_event("DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=DAILY"), window=ten_years)


def test_count_from_long_ago_is_walked_from_its_start_but_bounded():
    periods = _parse(
        _event("DTSTART;VALUE=DATE:19700101", "RRULE:FREQ=DAILY;COUNT=5000"),
        window=(dt.datetime(1983, 1, 1, tzinfo=UTC), dt.datetime(1984, 1, 1, tzinfo=UTC)),
    )
    # Day 5000 from 1 January 1970 is 9 September 1983.
    assert periods[-1].start.date() == dt.date(1983, 9, 9)


def test_periods_are_cut_to_the_window():
    (period,) = _parse(_event("DTSTART:19000101T000000Z", "DTEND:99991231T000000Z"))
    assert (period.start, period.end) == WINDOW


def test_an_override_without_its_series_stands_alone_and_dates_far_away_are_ignored():
    periods = _parse(
        _event(
            "DTSTART;VALUE=DATE:20270301",
            "RECURRENCE-ID;VALUE=DATE:20270228",
            "EXDATE:00010101T000000Z",
        )
    )
    assert [p.start.date() for p in periods] == [dt.date(2027, 3, 1)]
    assert _parse(_event("DTSTART:00010101T000000", "DTEND:00010102T000000")) == []


def test_exdate_and_a_dst_gap_time_in_a_weekly_series():
    periods = _parse(
        _event(
            "DTSTART;TZID=Europe/Zurich:20270321T023000",
            "DURATION:PT1H",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            "EXDATE;TZID=Europe/Zurich:20270404T023000",
        )
    )
    starts = [p.start.astimezone(ZURICH) for p in periods]
    # 02:30 on 28 March does not exist in Zurich: read as 03:30 summer time.
    assert [(s.day, s.hour) for s in starts] == [(21, 2), (28, 3)]
