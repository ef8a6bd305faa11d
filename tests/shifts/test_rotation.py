"""Pure rotation logic: DST-proof boundaries and fair assignment, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from shifts.rotation import MAX_SLOTS, RotationRule, assign, day_span, initial_queue
from shifts.schedule import Cover, Turn, effective_segments, split_hours

UTC = dt.UTC


def rule(zone_name, start_on, weekday=0, time=dt.time(9, 0), period=7):
    return RotationRule(
        zone=ZoneInfo(zone_name),
        start_on=start_on,
        handover_weekday=weekday,
        handover_time=time,
        period_days=period,
    )


@pytest.mark.parametrize(
    ("zone_name", "start_on", "weekday", "expected_utc"),
    [
        # EU 2027: summer time from Sunday 28 March, back on Sunday 31 October.
        (
            "Europe/Zurich",
            dt.date(2027, 3, 22),
            0,
            ["2027-03-22 08:00", "2027-03-29 07:00", "2027-04-05 07:00"],
        ),
        (
            "Europe/Zurich",
            dt.date(2027, 10, 25),
            0,
            ["2027-10-25 07:00", "2027-11-01 08:00", "2027-11-08 08:00"],
        ),
        # US 2027: daylight time from Sunday 14 March, back on Sunday 7 November.
        (
            "America/Chicago",
            dt.date(2027, 3, 8),
            0,
            ["2027-03-08 15:00", "2027-03-15 14:00", "2027-03-22 14:00"],
        ),
        (
            "America/Chicago",
            dt.date(2027, 11, 1),
            0,
            ["2027-11-01 14:00", "2027-11-08 15:00", "2027-11-15 15:00"],
        ),
    ],
)
def test_handover_stays_on_local_wall_clock_across_dst(zone_name, start_on, weekday, expected_utc):
    r = rule(zone_name, start_on, weekday)
    slots = r.slots(0, r.slot_start(3))
    assert [start.strftime("%Y-%m-%d %H:%M") for _, start, _ in slots] == expected_utc
    for _, start, end in slots:
        local = start.astimezone(r.zone)
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
        assert end.astimezone(r.zone).hour == 9
    # contiguous: each slot ends exactly where the next starts (no gap, no overlap)
    assert all(slots[i][2] == slots[i + 1][1] for i in range(len(slots) - 1))
    # the DST week is 167 or 169 hours long, not 168
    lengths = {(end - start).total_seconds() / 3600 for _, start, end in slots}
    assert lengths - {168.0} <= {167.0, 169.0}
    assert lengths != {168.0}


def test_daily_rotation_over_the_dst_night_in_chicago():
    r = rule("America/Chicago", dt.date(2027, 3, 13), weekday=5, time=dt.time(8, 0), period=1)
    slots = r.slots(0, r.slot_start(3))
    assert [(end - start).total_seconds() / 3600 for _, start, end in slots] == [23.0, 24.0, 24.0]
    assert [start.astimezone(r.zone).hour for _, start, _ in slots] == [8, 8, 8]


def test_first_handover_waits_for_the_weekday_and_slot_lookup():
    r = rule("Europe/Zurich", dt.date(2027, 3, 24))  # a Wednesday
    assert r.first_handover_on() == dt.date(2027, 3, 29)
    at = dt.datetime(2027, 4, 6, 12, tzinfo=UTC)
    index = r.slot_at_or_after(at)
    assert r.slot_start(index) >= at > r.slot_start(index - 1)


def test_round_robin_and_skipped_person_gets_the_next_slot():
    r = rule("Europe/Zurich", dt.date(2027, 1, 4))
    slots = r.slots(0, r.slot_start(8))
    away_start, away_end = r.slot_start(1), r.slot_start(2)  # person 2 away in their week

    def available(person, start, end):
        return not (person == 2 and start < away_end and away_start < end)

    queue = initial_queue([1, 2, 3], {})
    plan = assign(queue, slots, is_available=available)
    # 3 stands in for 2, and 2 takes the very next week instead
    assert list(plan.values()) == [1, 3, 2, 1, 3, 2, 1, 3]
    assert queue[0] == 2  # and is due next: nothing lost
    counts = {p: list(plan.values()).count(p) for p in (1, 2, 3)}
    assert max(counts.values()) - min(counts.values()) <= 1


def test_queue_resumes_from_history():
    assert initial_queue([1, 2, 3, 4], {1: 5, 2: 6}) == [3, 4, 1, 2]


def test_overrides_split_a_shift_at_its_edges():
    start = dt.datetime(2027, 3, 29, 7, tzinfo=UTC)
    end = start + dt.timedelta(days=7)
    turn = Turn(
        shift_id=1,
        person="bob",
        start_at=start,
        end_at=end,
        covers=[
            Cover(person="carol", start_at=start, end_at=start + dt.timedelta(days=1)),
            Cover(person="dave", start_at=end - dt.timedelta(days=2), end_at=end),
        ],
    )
    segments = effective_segments([turn])
    assert [(s.person, s.is_override) for s in segments] == [
        ("carol", True),
        ("bob", False),
        ("dave", True),
    ]
    assert segments[0].start_at == start
    assert segments[-1].end_at == end
    assert all(segments[i].end_at == segments[i + 1].start_at for i in range(2))


def test_split_hours_counts_weekend_holiday_and_the_dst_night():
    tz = ZoneInfo("Europe/Zurich")
    start = dt.datetime(2027, 3, 26, 0, tzinfo=tz)  # Friday
    end = dt.datetime(2027, 3, 30, 0, tzinfo=tz)  # Tuesday
    weekday, weekend, holiday = split_hours(start, end, tz=tz, holidays={dt.date(2027, 3, 29)})
    assert (weekday, weekend, holiday) == (24.0, 47.0, 24.0)  # Sunday 28 March has 23 hours


def test_leave_from_year_1_to_9999_plans_without_overflow():
    """Such leave gave a 500 in planning (a day after 9999-12-31 overflows)."""
    tz = ZoneInfo("Europe/Zurich")
    away_start, away_end = day_span(dt.date(1, 1, 1), dt.date(9999, 12, 31), tz)
    assert away_start == dt.datetime(1970, 1, 1, tzinfo=tz)
    assert away_end == dt.datetime(2201, 1, 1, tzinfo=tz)
    r = rule("Europe/Zurich", dt.date(2027, 1, 4))
    slots = r.slots(0, r.slot_start(4))

    def available(person, start, end):
        return person != 2 or not (away_start < end and start < away_end)

    plan = assign(initial_queue([1, 2], {}), slots, is_available=available)
    assert list(plan.values()) == [1, 1, 1, 1]


def test_day_span_of_ordinary_leave_is_whole_local_days():
    tz = ZoneInfo("America/Chicago")
    start, end = day_span(dt.date(2027, 3, 13), dt.date(2027, 3, 14), tz)
    assert (start.hour, end.hour, end.date()) == (0, 0, dt.date(2027, 3, 15))
    assert end - start == dt.timedelta(days=2)  # wall-clock days; 47 hours across the DST night
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=47)


@pytest.mark.parametrize(
    ("until", "count"),
    [
        (dt.datetime.max.replace(tzinfo=UTC), MAX_SLOTS),
        (dt.datetime(9999, 1, 1, tzinfo=UTC), MAX_SLOTS),
    ],
)
def test_slots_are_bounded_in_count_and_time(until, count):
    daily = rule("Europe/Zurich", dt.date(2027, 1, 4), period=1)
    slots = daily.slots(0, until)
    assert len(slots) == count
    assert slots[-1][0] == count - 1
    weekly = rule("Pacific/Kiritimati", dt.date(2190, 1, 4))
    last_slots = weekly.slots(0, until)
    assert last_slots[-1][1] < dt.datetime(2201, 1, 1, tzinfo=UTC)  # not up to year 9999
    assert len(last_slots) == (dt.date(2201, 1, 1) - dt.date(2190, 1, 4)).days // 7 + 1


@pytest.mark.parametrize(
    "instant",
    [dt.datetime.min.replace(tzinfo=UTC), dt.datetime.max.replace(tzinfo=UTC)],
)
def test_slot_lookup_at_the_ends_of_time_does_not_overflow(instant):
    r = rule("Pacific/Kiritimati", dt.date(2027, 1, 4))
    index = r.slot_at_or_after(instant)
    assert index >= 0
    assert r.slot_start(index) >= min(instant, dt.datetime(2201, 1, 1, tzinfo=UTC))


def test_a_slot_beyond_the_calendar_is_a_value_error():
    r = rule("Europe/Zurich", dt.date(2027, 1, 4))
    with pytest.raises(ValueError, match="beyond the dates"):
        r.slot_start(10**9)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period": 0}, "1 to 366 days"),
        ({"period": 10_000}, "1 to 366 days"),
        ({"weekday": 7}, "0 \\(Monday\\) to 6"),
        ({"start_on": dt.date(1, 1, 1)}, "between 1970-01-01 and 2200-12-31"),
        ({"start_on": dt.date(9999, 12, 31)}, "between 1970-01-01 and 2200-12-31"),
    ],
)
def test_rules_that_cannot_be_planned_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        rule("Europe/Zurich", changes.pop("start_on", dt.date(2027, 1, 4)), **changes)
