import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from incidents import selectors
from incidents.models import SupportRequest
from incidents.services import support
from tests.teams.factories import TeamFactory

UTC = dt.UTC
ZURICH = ZoneInfo("Europe/Zurich")
CHICAGO = ZoneInfo("America/Chicago")


def local(zone, *args):
    return dt.datetime(*args, tzinfo=zone)


@pytest.fixture(autouse=True)
def in_late_2027():
    with time_machine.travel(dt.datetime(2027, 12, 1, 12, tzinfo=UTC), tick=False):
        yield


def ask(team, user, asked_at, answered_at=None, resolved_at=None):
    return support.support_request_create(
        team=team, created_by=user, asked_by="P&R", question="Why?",
        asked_at=asked_at, first_response_at=answered_at, resolved_at=resolved_at,
    )  # fmt: skip


def test_response_time_across_midnight(team, member):
    item = ask(team, member, local(ZURICH, 2027, 3, 22, 23, 40), local(ZURICH, 2027, 3, 23, 0, 25))
    assert item.response_time == dt.timedelta(minutes=45)


@pytest.mark.parametrize(
    ("zone", "asked", "answered", "elapsed"),
    [
        # Europe/Zurich springs forward at 02:00 on 28 March 2027: 01:30 → 03:30 is one hour.
        (ZURICH, (2027, 3, 28, 1, 30), (2027, 3, 28, 3, 30), dt.timedelta(hours=1)),
        # ... and falls back at 03:00 on 31 October 2027: 01:30 → 03:30 is three hours.
        (ZURICH, (2027, 10, 31, 1, 30), (2027, 10, 31, 3, 30), dt.timedelta(hours=3)),
        # America/Chicago springs forward on 14 March and falls back on 7 November 2027.
        (CHICAGO, (2027, 3, 14, 1, 30), (2027, 3, 14, 3, 30), dt.timedelta(hours=1)),
        (CHICAGO, (2027, 11, 7, 0, 30), (2027, 11, 7, 2, 30), dt.timedelta(hours=3)),
    ],
)
def test_response_time_across_dst(member, zone, asked, answered, elapsed):
    team = TeamFactory(time_zone=str(zone))
    member.memberships.create(team=team)
    item = ask(team, member, local(zone, *asked), local(zone, *answered))
    assert item.response_time == elapsed


@pytest.mark.parametrize(
    ("zone_name", "week_start", "hours"),
    [
        ("Europe/Zurich", dt.date(2027, 3, 22), 167),
        ("Europe/Zurich", dt.date(2027, 10, 25), 169),
        ("America/Chicago", dt.date(2027, 3, 8), 167),
        ("America/Chicago", dt.date(2027, 11, 1), 169),
        ("America/Chicago", dt.date(2027, 11, 8), 168),
    ],
)
def test_weeks_follow_local_midnights_across_dst(zone_name, week_start, hours):
    ((label, start, end),) = selectors.periods_in_zone(
        zone_name=zone_name, first_day=week_start, last_day=week_start, by="week"
    )
    assert start.astimezone(ZoneInfo(zone_name)).time() == dt.time(0, 0)
    assert (end - start) == dt.timedelta(hours=hours)
    assert label == f"{week_start.isocalendar()[0]}-W{week_start.isocalendar()[1]:02d}"


def test_stats_per_day_and_week_in_the_team_zone(member):
    team = TeamFactory(time_zone="America/Chicago")
    member.memberships.create(team=team)
    # Sunday 14 March 2027 (DST starts), 23:30 local = Monday 04:30 UTC: counts for Sunday.
    ask(team, member, local(CHICAGO, 2027, 3, 14, 23, 30), local(CHICAGO, 2027, 3, 15, 0, 30))
    ask(team, member, local(CHICAGO, 2027, 3, 15, 9, 0), local(CHICAGO, 2027, 3, 15, 9, 20),
        local(CHICAGO, 2027, 3, 15, 17, 0))  # fmt: skip
    ask(team, member, local(CHICAGO, 2027, 3, 15, 10, 0))
    days = selectors.periods_in_zone(
        zone_name=team.time_zone, first_day=dt.date(2027, 3, 14), last_day=dt.date(2027, 3, 15),
        by="day",
    )  # fmt: skip
    sunday, monday = selectors.support_response_stats(team=team, periods=days)
    assert (sunday.label, sunday.asked, sunday.answered) == ("2027-03-14", 1, 1)
    assert sunday.median_response == dt.timedelta(hours=1)
    assert (monday.asked, monday.answered, monday.resolved) == (3 - 1, 1, 1)
    assert monday.median_response == dt.timedelta(minutes=20)
    assert monday.median_resolution == dt.timedelta(hours=8)
    weeks = selectors.periods_in_zone(
        zone_name=team.time_zone, first_day=dt.date(2027, 3, 14), last_day=dt.date(2027, 3, 15),
        by="week",
    )  # fmt: skip
    assert [
        (w.label, w.asked) for w in selectors.support_response_stats(team=team, periods=weeks)
    ] == [
        ("2027-W10", 1),
        ("2027-W11", 2),
    ]


def test_a_shift_period_can_be_passed_in(team, member):
    """Shifts (built above this app) pass their own (label, start, end)."""
    ask(team, member, local(ZURICH, 2027, 3, 29, 8, 0), local(ZURICH, 2027, 3, 29, 8, 10))
    ask(team, member, local(ZURICH, 2027, 4, 5, 10, 0), local(ZURICH, 2027, 4, 5, 12, 0))
    shift = ("bob's shift", local(ZURICH, 2027, 3, 29, 9, 0), local(ZURICH, 2027, 4, 5, 9, 0))
    (stats,) = selectors.support_response_stats(team=team, periods=[shift])
    assert stats.asked == 0
    shift = ("alice's shift", local(ZURICH, 2027, 3, 22, 9, 0), local(ZURICH, 2027, 3, 29, 9, 0))
    (stats,) = selectors.support_response_stats(team=team, periods=[shift])
    assert (stats.asked, stats.max_response) == (1, dt.timedelta(minutes=10))


def test_answer_without_time_counts_as_answered_now_and_bad_times_refused(team, member):
    item = ask(team, member, dt.datetime(2027, 12, 1, 11, 0, tzinfo=UTC))
    support.support_request_update(support_request=item, answer="Use the other agent.")
    assert item.response_time == dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as caught:
        ask(
            team,
            member,
            dt.datetime(2027, 12, 1, 11, tzinfo=UTC),
            dt.datetime(2027, 12, 1, 10, tzinfo=UTC),
        )
    assert "first_response_at" in caught.value.message_dict
    assert SupportRequest.objects.count() == 1


def test_overlapping_and_gapped_periods_each_count_their_requests(team, member):
    ask(team, member, local(ZURICH, 2027, 4, 1, 10, 0))
    ask(team, member, local(ZURICH, 2027, 4, 3, 10, 0))
    periods = [
        ("long", local(ZURICH, 2027, 3, 29, 0, 0), local(ZURICH, 2027, 4, 5, 0, 0)),
        ("short", local(ZURICH, 2027, 4, 1, 9, 0), local(ZURICH, 2027, 4, 1, 11, 0)),
        ("gap-after", local(ZURICH, 2027, 4, 2, 0, 0), local(ZURICH, 2027, 4, 2, 1, 0)),
        ("later", local(ZURICH, 2027, 4, 3, 9, 0), local(ZURICH, 2027, 4, 3, 11, 0)),
    ]
    stats = selectors.support_response_stats(team=team, periods=periods)
    assert [(s.label, s.asked) for s in stats] == [
        ("long", 2),
        ("short", 1),
        ("gap-after", 0),
        ("later", 1),
    ]
