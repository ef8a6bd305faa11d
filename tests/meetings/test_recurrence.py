"""Recurrence as pure functions: no database."""

import datetime as dt
import zoneinfo

import pytest

from meetings import recurrence
from meetings.recurrence import RuleSpec

UTC = dt.UTC
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
MONDAYS = "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO"


def _expand(rule, *, start_time=dt.time(16, 0), zone="Europe/Zurich", since, until, starts_on=None):
    return recurrence.occurrences(
        rule=rule,
        starts_on=starts_on or dt.date(2027, 1, 1),
        start_time=start_time,
        zone_name=zone,
        after=dt.datetime.combine(since, dt.time.min, tzinfo=UTC),
        before=dt.datetime.combine(until, dt.time.min, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("monday", "utc_hour", "chicago_hour"),
    [
        (dt.date(2027, 3, 8), 15, 9),  # both on winter time
        (dt.date(2027, 3, 15), 15, 10),  # US switched on 14 March, Europe not yet
        (dt.date(2027, 3, 22), 15, 10),
        (dt.date(2027, 3, 29), 14, 9),  # Europe switched on 28 March
        (dt.date(2027, 10, 25), 14, 9),  # both on summer time
        (dt.date(2027, 11, 1), 15, 10),  # Europe back on 31 October, US not yet
        (dt.date(2027, 11, 8), 15, 9),  # US back on 7 November
    ],
)
def test_monday_1600_zurich_across_both_dst_changes(monday, utc_hour, chicago_hour):
    starts = _expand(MONDAYS, since=monday, until=monday + dt.timedelta(days=1))
    assert len(starts) == 1
    start = starts[0]
    assert start.tzinfo == UTC
    assert start.astimezone(ZURICH).time() == dt.time(16, 0)
    assert start.hour == utc_hour
    assert start.astimezone(CHICAGO).hour == chicago_hour


def test_a_chicago_meeting_stays_at_its_local_time():
    starts = _expand(
        "FREQ=WEEKLY;BYDAY=TU",
        start_time=dt.time(9, 30),
        zone="America/Chicago",
        since=dt.date(2027, 3, 1),
        until=dt.date(2027, 3, 20),
    )
    assert [start.astimezone(CHICAGO).time() for start in starts] == [dt.time(9, 30)] * 3
    assert [start.hour for start in starts] == [15, 15, 14]  # US summer time from 14 March


def test_every_two_weeks_from_the_start_date():
    starts = _expand(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        starts_on=dt.date(2027, 1, 4),
        since=dt.date(2027, 1, 1),
        until=dt.date(2027, 2, 15),
    )
    assert [start.date() for start in starts] == [
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 18),
        dt.date(2027, 2, 1),
    ]


def test_monthly_second_wednesday_and_last_friday():
    second_wed = _expand(
        "FREQ=MONTHLY;BYDAY=2WE", since=dt.date(2027, 1, 1), until=dt.date(2027, 5, 1)
    )
    assert [start.date() for start in second_wed] == [
        dt.date(2027, 1, 13),
        dt.date(2027, 2, 10),
        dt.date(2027, 3, 10),
        dt.date(2027, 4, 14),
    ]
    # April is on summer time: 16:00 in Zurich is 14:00 UTC.
    assert [start.hour for start in second_wed] == [15, 15, 15, 14]
    last_fri = _expand(
        "FREQ=MONTHLY;BYDAY=-1FR", since=dt.date(2027, 1, 1), until=dt.date(2027, 4, 1)
    )
    assert [start.day for start in last_fri] == [29, 26, 26]


def test_every_two_months():
    starts = _expand(
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1WE",
        starts_on=dt.date(2027, 1, 1),
        since=dt.date(2027, 1, 1),
        until=dt.date(2028, 1, 1),
    )
    assert [start.date() for start in starts] == [
        dt.date(2027, 1, 6),
        dt.date(2027, 3, 3),
        dt.date(2027, 5, 5),
        dt.date(2027, 7, 7),
        dt.date(2027, 9, 1),
        dt.date(2027, 11, 3),
    ]


def test_gap_time_shifts_forward_and_fold_takes_the_first_instant():
    # 02:30 on 28 March 2027 does not exist in Zurich: it is read as 03:30 CEST.
    gap = _expand(
        "FREQ=WEEKLY;BYDAY=SU",
        start_time=dt.time(2, 30),
        since=dt.date(2027, 3, 28),
        until=dt.date(2027, 3, 29),
    )
    assert gap == [dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)]
    assert gap[0].astimezone(ZURICH).time() == dt.time(3, 30)
    # 02:30 on 31 October 2027 happens twice: the first (still CEST) is used.
    fold = _expand(
        "FREQ=WEEKLY;BYDAY=SU",
        start_time=dt.time(2, 30),
        since=dt.date(2027, 10, 31),
        until=dt.date(2027, 11, 1),
    )
    assert fold == [dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)]


def test_window_and_end_date():
    starts = recurrence.occurrences(
        rule=MONDAYS,
        starts_on=dt.date(2027, 1, 4),
        start_time=dt.time(16, 0),
        zone_name="Europe/Zurich",
        after=dt.datetime(2027, 1, 11, 15, 0, tzinfo=UTC),
        before=dt.datetime(2027, 3, 1, tzinfo=UTC),
        ends_on=dt.date(2027, 1, 25),
    )
    assert [start.day for start in starts] == [11, 18, 25]


@pytest.mark.parametrize(
    ("spec", "rule", "text"),
    [
        (RuleSpec("weekly", 1, (0,)), "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO", "Every Monday"),
        (
            RuleSpec("weekly", 2, (4, 0)),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR",
            "Every 2 weeks on Monday, Friday",
        ),
        (
            RuleSpec("monthly", 1, (), 2, 2),
            "FREQ=MONTHLY;INTERVAL=1;BYDAY=2WE",
            "Monthly on the second Wednesday",
        ),
        (
            RuleSpec("monthly", 2, (), -1, 4),
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR",
            "Every 2 months on the last Friday",
        ),
    ],
)
def test_friendly_spec_round_trip(spec, rule, text):
    assert recurrence.rule_build(spec) == rule
    parsed = recurrence.rule_parse(rule)
    assert parsed is not None
    assert recurrence.rule_build(parsed) == rule
    assert recurrence.rule_describe(rule) == text


def test_richer_rules_are_kept_but_not_friendly():
    assert recurrence.rule_parse("FREQ=DAILY;INTERVAL=3") is None
    assert recurrence.rule_describe("FREQ=DAILY") == "Custom rule (FREQ=DAILY)"
    assert recurrence.rule_validate("freq=daily;count=3") == "FREQ=DAILY;COUNT=3"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=HOURLY", "FREQ must be"),
        ("BYDAY=MO", "FREQ must be"),
        ("FREQ=WEEKLY;BYDAY=XX", "Not a valid RRULE"),
        ("FREQ=WEEKLY;DTSTART=20270101T000000", "DTSTART"),
        ("nonsense", "Malformed"),
    ],
)
def test_bad_rules_are_rejected_with_a_message(rule, message):
    with pytest.raises(ValueError, match=message):
        recurrence.rule_validate(rule)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (RuleSpec("weekly", 1, ()), "at least one weekday"),
        (RuleSpec("weekly", 0, (0,)), "between 1 and 24"),
        (RuleSpec("monthly", 1, (), 5, 0), "first to fourth"),
        (RuleSpec("yearly", 1), "Unknown frequency"),
    ],
)
def test_incomplete_specs_are_rejected(spec, message):
    with pytest.raises(ValueError, match=message):
        recurrence.rule_build(spec)
