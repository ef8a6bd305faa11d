"""Recurrence as pure functions: no database."""

import datetime as dt
import zoneinfo

import pytest
from dateutil import rrule as dateutil_rrule

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
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY takes weekdays"),
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


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "The rule is empty"),
        ("RRULE:", "The rule is empty"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL values must be 1 to 100, not 0"),
        ("FREQ=DAILY;INTERVAL=-1", "INTERVAL values must be 1 to 100"),
        ("FREQ=WEEKLY;INTERVAL=100000", "INTERVAL values must be 1 to 100"),
        ("FREQ=DAILY;INTERVAL=two", "INTERVAL must be whole numbers"),
        ("FREQ=DAILY;INTERVAL=1,2", "INTERVAL is one number"),
        ("FREQ=SECONDLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, not SECONDLY"),
        ("FREQ=MINUTELY", "at most daily"),
        ("FREQ=BOGUS", "not BOGUS"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice"),
        ("FREQ=DAILY;COUNT=0", "COUNT values must be 1 to 5000"),
        ("FREQ=DAILY;COUNT=99999999", "COUNT values must be 1 to 5000"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "COUNT or UNTIL, not both"),
        ("FREQ=DAILY;UNTIL=99991231", "UNTIL must be between 1970-01-01 and 2200-12-31"),
        ("FREQ=DAILY;UNTIL=00010101T000000Z", "UNTIL must be between"),
        ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL must be a date"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY values must be 1 to 31"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY values must be 1 to 31"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH values must be 1 to 12"),
        ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY"),
        ("FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYSETPOS=7", "never produces a date"),
        ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO"),
        ("FREQ=MONTHLY;BYWEEKNO=5", "BYWEEKNO cannot be used with FREQ=MONTHLY"),
        ("FREQ=WEEKLY;BYMONTHDAY=5", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=DAILY;BYYEARDAY=5", "BYYEARDAY cannot be used with FREQ=DAILY"),
        ("FREQ=DAILY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29", "BYMONTH, BYMONTHDAY cannot be"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "use FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=400", "BYSETPOS"),
        ("FREQ=MONTHLY;BYDAY=6MO", "ordinal must be 1 to 5"),
        ("FREQ=WEEKLY;BYDAY=2MO", "needs FREQ=MONTHLY or YEARLY"),
        ("FREQ=WEEKLY;WKST=XX", "WKST must be one of"),
        ("FREQ=DAILY;BYHOUR=9,10", "BYHOUR cannot be used here"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never produces a date"),
        ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", "never produces a date"),
        ("FREQ=WEEKLY;BYDAY=", "Malformed rule part"),
    ],
)
def test_rules_that_cannot_give_a_sane_series_are_refused(rule, message):
    with pytest.raises(ValueError, match=message):
        recurrence.rule_validate(rule)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",  # leap days
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",  # long ISO years
        "FREQ=MONTHLY;BYDAY=5FR",  # months with five Fridays
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",  # last workday
        "FREQ=WEEKLY;INTERVAL=100;BYDAY=MO;WKST=SU",
        "RRULE:FREQ=DAILY;UNTIL=20271231T235959Z",
        "FREQ=DAILY;INTERVAL=2;BYDAY=MO",
        "FREQ=YEARLY;BYYEARDAY=366",
    ],
)
def test_rare_but_real_rules_are_accepted(rule):
    assert recurrence.rule_validate(rule) == rule.removeprefix("RRULE:")


class _IterationCounter:
    """Counts the dates dateutil walks through, whichever part of the rule asks."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = dateutil_rrule.rrule._iter

        def counting(rule):
            for value in original(rule):
                self.count += 1
                yield value

        monkeypatch.setattr(dateutil_rrule.rrule, "_iter", counting)


@pytest.mark.parametrize(
    ("rule", "per_year"),
    [
        ("FREQ=DAILY", 365),
        ("FREQ=DAILY;INTERVAL=3", 122),
        ("FREQ=WEEKLY;BYDAY=MO,TH", 104),
        ("FREQ=WEEKLY;INTERVAL=3", 17),
        ("FREQ=MONTHLY", 12),
        ("FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR", 2),
        ("FREQ=YEARLY", 1),
        ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", 0),
    ],
)
def test_a_series_from_1970_expands_a_2027_window_from_the_window(monkeypatch, rule, per_year):
    """INTERVAL phase kept, and the walk starts near the window, not in 1970."""
    counter = _IterationCounter(monkeypatch)
    starts = _expand(
        rule,
        starts_on=dt.date(1970, 1, 1),
        since=dt.date(2027, 1, 1),
        until=dt.date(2028, 1, 1),
    )
    assert abs(len(starts) - per_year) <= 1
    assert counter.count <= len(starts) + 60  # a period before the window, not 57 years
    monkeypatch.undo()
    # The same dates as walking the whole series from 1970 (on Zurich wall-clock time).
    walked = dateutil_rrule.rrulestr(
        rule, dtstart=dt.datetime(1970, 1, 1, 16, tzinfo=ZURICH)
    ).between(dt.datetime(2027, 1, 1, tzinfo=ZURICH), dt.datetime(2028, 1, 1, tzinfo=ZURICH))
    assert [start.astimezone(ZURICH) for start in starts] == walked


def test_interval_phase_counts_from_the_series_start():
    # Every 3rd day from Friday 1 January 2027, asked for from 10 June 2027: 10 June is
    # day 160 (160 % 3 == 1), so the first is 12 June (day 162).
    starts = _expand(
        "FREQ=DAILY;INTERVAL=3",
        starts_on=dt.date(2027, 1, 1),
        since=dt.date(2027, 6, 10),
        until=dt.date(2027, 6, 20),
    )
    assert [start.day for start in starts] == [12, 15, 18]


def test_monthly_on_the_31st_skips_short_months_after_alignment():
    starts = _expand(
        "FREQ=MONTHLY",
        starts_on=dt.date(2020, 1, 31),
        since=dt.date(2027, 1, 1),
        until=dt.date(2027, 6, 1),
    )
    assert [start.date() for start in starts] == [
        dt.date(2027, 1, 31),
        dt.date(2027, 3, 31),
        dt.date(2027, 5, 31),
    ]


def test_daily_series_is_capped_per_call():
    starts = _expand(
        "FREQ=DAILY",
        starts_on=dt.date(1970, 1, 1),
        since=dt.date(2027, 1, 1),
        until=dt.date(2040, 1, 1),
    )
    assert len(starts) == recurrence.MAX_OCCURRENCES
    assert starts[0].date() == dt.date(2027, 1, 1)
    assert starts == sorted(starts)
    few = recurrence.occurrences(
        rule="FREQ=DAILY",
        starts_on=dt.date(2027, 1, 1),
        start_time=dt.time(16, 0),
        zone_name="Europe/Zurich",
        after=dt.datetime(2027, 1, 1, tzinfo=UTC),
        before=dt.datetime(2028, 1, 1, tzinfo=UTC),
        limit=5,
    )
    assert [start.day for start in few] == [1, 2, 3, 4, 5]


def test_count_is_counted_from_the_series_start():
    starts = _expand(
        "FREQ=WEEKLY;BYDAY=MO;COUNT=10",
        starts_on=dt.date(2027, 1, 4),
        since=dt.date(2027, 2, 15),
        until=dt.date(2028, 1, 1),
    )
    # 4 Jan .. 8 Mar are the 10 Mondays; from 15 Feb on: 15, 22 Feb, 1, 8 Mar.
    assert [start.date() for start in starts] == [
        dt.date(2027, 2, 15),
        dt.date(2027, 2, 22),
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 8),
    ]


@pytest.mark.parametrize(
    ("until", "last"),
    [
        ("20270125", dt.date(2027, 1, 25)),  # a date: that day included
        ("20270125T150000Z", dt.date(2027, 1, 25)),  # 16:00 in Zurich is 15:00 UTC
        ("20270125T145959Z", dt.date(2027, 1, 18)),
        ("20270125T160000", dt.date(2027, 1, 25)),  # floating: Zurich wall clock
    ],
)
def test_until_as_date_utc_or_floating(until, last):
    starts = _expand(
        f"FREQ=WEEKLY;BYDAY=MO;UNTIL={until}",
        starts_on=dt.date(2027, 1, 4),
        since=dt.date(2027, 1, 1),
        until=dt.date(2027, 3, 1),
    )
    assert starts[-1].date() == last


def test_windows_at_the_ends_of_time_are_clamped_not_overflowed():
    starts = recurrence.occurrences(
        rule=MONDAYS,
        starts_on=dt.date(2027, 1, 4),
        start_time=dt.time(16, 0),
        zone_name="Pacific/Kiritimati",
        after=dt.datetime.min.replace(tzinfo=UTC),
        before=dt.datetime.max.replace(tzinfo=UTC),
        limit=3,
    )
    assert len(starts) == 3
    assert (
        recurrence.occurrences(
            rule=MONDAYS,
            starts_on=dt.date(2027, 1, 4),
            start_time=dt.time(16, 0),
            zone_name="Europe/Zurich",
            after=dt.datetime(9000, 1, 1, tzinfo=UTC),
            before=dt.datetime.max.replace(tzinfo=UTC),
        )
        == []
    )
