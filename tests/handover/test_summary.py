"""The period summary builder: a busy week checked section by section, a constant query
count at two sizes, bad periods, and months and weeks across DST in the team's zone."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from handover.period import month_bounds, next_period
from handover.summary import period_summary_build
from shifts.models import Shift
from teams.selectors import person_name
from tests.handover.factories import D, H, busy_period
from tests.shifts.factories import people, rotation
from tests.teams.factories import TeamFactory

ZURICH = ZoneInfo("Europe/Zurich")
CHICAGO = ZoneInfo("America/Chicago")
PLANNED = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
START = dt.datetime(2027, 1, 11, 9, tzinfo=ZURICH)
END = dt.datetime(2027, 1, 18, 9, tzinfo=ZURICH)


@pytest.fixture
def crew(team):
    return people(team, 4)


@pytest.fixture
def week(team, crew):
    rotation(team, crew, now=PLANNED)
    shift = Shift.objects.get(team=team, start_at=START)
    return shift, busy_period(team, start=START, end=END, people=crew, shift=shift)


def titles(lines):
    return [line.title for line in lines]


def test_busy_week_section_by_section(team, crew, week):
    _shift, busy = week
    summary = period_summary_build(team=team, start_at=START, end_at=END, now=END)
    assert dataclasses.is_dataclass(summary)
    assert (summary.team_slug, summary.time_zone, summary.is_month) == (
        "ops",
        "Europe/Zurich",
        False,
    )
    assert (summary.first_day, summary.last_day) == (dt.date(2027, 1, 11), dt.date(2027, 1, 18))

    incidents = summary.incidents
    assert titles(incidents.opened)[:2] == ["JobAccountant stuck", "Rucio slow"]
    assert len(incidents.opened) == 12
    assert titles(incidents.resolved) == ["JobAccountant stuck"]
    assert titles(incidents.ongoing)[:2] == ["Old outage", "Rucio slow"]
    assert "Long gone" not in titles(incidents.ongoing)
    assert "Not ours" not in titles(incidents.opened)
    old, slow = incidents.ongoing[0], incidents.ongoing[1]
    assert old.owner == person_name(crew[1])
    assert old.status == "Investigating"
    assert old.next_step == "Restart the agent after the patch"
    assert old.hours_open == 3 * 24 + 7 * 24  # detected three days before, open to the end
    assert old.url == f"/incidents/ops/{busy['old'].pk}/"
    assert slow.next_step == "Waiting for Rucio ops"
    assert slow.owner == person_name(crew[3])
    assert incidents.resolved[0].hours_open == 5.0

    support = summary.support
    assert (support.asked, support.answered, support.resolved) == (8, 7, 0)
    assert support.max_response_hours == 2.0
    assert support.median_response_hours == 0.5
    first = support.requests[0]
    assert (first.asked_by, first.asking_team, first.response_hours, first.handled_by) == (
        "Ana",
        "Rucio",
        2.0,
        person_name(crew[1]),
    )
    assert [line.question for line in support.waiting] == [
        "Old unanswered one",
        "Quota for T2_CH_CERN?",
    ]

    meetings = summary.meetings
    held = {(line.title, line.report_status) for line in meetings.held}
    assert ("WMCore weekly", "published") in held
    assert ("Friday sync", "") in held
    without = [line.title for line in meetings.without_report]
    assert "Friday sync" in without
    assert "WMCore weekly" not in without
    monday = next(line for line in meetings.held if line.title == "WMCore weekly")
    assert monday.report_url == f"/meetings/{busy['monday'].pk}/report/"
    assert next((d.topic, d.decision) for d in meetings.decisions) == (
        "Tape staging",
        "Stage from T1 only.",
    )
    assert all(d.decision for d in meetings.decisions)

    items = summary.action_items
    assert titles(items.created)[0] == "Write the runbook"
    assert len(items.created) == 6
    assert titles(items.done) == ["Patch the agent"]
    assert titles(items.overdue) == ["Renew the certificate"]
    assert [(line.title, line.github) for line in items.regressed] == [
        ("Fix the retry loop", "ops/agent#7")
    ]

    github = summary.github
    assert [line.reference for line in github.opened] == ["ops/agent#8"]
    assert [line.reference for line in github.closed] == ["ops/agent#9"]
    assert [(line.reference, line.at) for line in github.reopened] == [
        ("ops/agent#7", START + 3 * D)
    ]

    deployments = summary.deployments
    assert [(line.host, line.change, line.by) for line in deployments.applied] == [
        ("vocms0100", "Patch 2.3.5", person_name(crew[1]))
    ]
    assert [(line.change, line.pending_hosts) for line in deployments.pending] == [
        ("Patch 2.3.5", 1)
    ]
    assert [(line.host, line.state) for line in deployments.draining] == [("vocms0200", "Draining")]

    schedule = summary.schedule
    assert [(s.requester, s.recipient) for s in schedule.swaps] == [
        (person_name(crew[1]), person_name(crew[2]))
    ]
    assert [(c.person, c.covering_for, c.reason) for c in schedule.covers] == [
        (person_name(crew[3]), person_name(crew[1]), "dentist")
    ]

    upcoming = summary.upcoming
    assert (upcoming.start_at, upcoming.end_at) == (END, END + 7 * D)
    assert ("WMCore weekly", busy["next_monday"].start_at) in {
        (line.title, line.start_at) for line in upcoming.meetings
    }
    assert [(line.person, line.note) for line in upcoming.leave] == [(person_name(crew[2]), "Ski")]
    assert titles(upcoming.action_items_due) == ["Review quotas"]


def test_mid_shift_draft_describes_now(team, crew, week):
    """Drafted on Wednesday noon: the rest of the week has not happened yet."""
    now = START + 2 * D + 3 * H
    summary = period_summary_build(team=team, start_at=START, end_at=END, now=now)
    assert "Rucio slow" in titles(summary.incidents.ongoing)
    friday = [line for line in summary.meetings.held if line.title == "Friday sync"]
    assert friday == []
    slow = next(line for line in summary.incidents.ongoing if line.title == "Rucio slow")
    assert slow.hours_open == 3.0


@pytest.mark.parametrize("scale", [1, 4])
def test_query_count_is_constant(team, crew, scale, django_assert_num_queries):
    rotation(team, crew, now=PLANNED)
    shift = Shift.objects.get(team=team, start_at=START)
    busy_period(team, start=START, end=END, people=crew, shift=shift, scale=scale)
    with django_assert_num_queries(19):
        summary = period_summary_build(team=team, start_at=START, end_at=END, now=END)
    assert len(summary.incidents.opened) == 2 + 10 * scale


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.datetime(2027, 1, 11, 9), END, "start_at"),  # noqa: DTZ001 - naive on purpose
        (END, START, "end_at"),
        (START, START + 400 * D, "end_at"),
        (
            dt.datetime(1900, 1, 1, tzinfo=dt.UTC),
            dt.datetime(1900, 1, 2, tzinfo=dt.UTC),
            "start_at",
        ),
    ],
)
def test_bad_periods_are_validation_errors(team, start, end, field):
    with pytest.raises(ValidationError) as error:
        period_summary_build(team=team, start_at=start, end_at=end, now=END)
    assert field in error.value.message_dict


@pytest.mark.parametrize(
    ("zone_name", "year", "month", "hours"),
    [
        ("Europe/Zurich", 2027, 3, 31 * 24 - 1),  # spring forward on the 28th
        ("Europe/Zurich", 2027, 10, 31 * 24 + 1),
        ("America/Chicago", 2027, 3, 31 * 24 - 1),  # on the 14th
        ("America/Chicago", 2027, 11, 30 * 24 + 1),
    ],
)
def test_month_across_dst_in_the_team_zone(zone_name, year, month, hours):
    tz = ZoneInfo(zone_name)
    start, end = month_bounds(year=year, month=month, tz=tz)
    assert start.astimezone(tz).replace(tzinfo=None) == dt.datetime(year, month, 1)  # noqa: DTZ001
    assert (end - start) == dt.timedelta(hours=hours)
    after = next_period(start, end, tz)
    assert after[0] == end
    assert after[1].astimezone(tz).day == 1
    assert after[1].astimezone(tz).hour == 0


@pytest.mark.parametrize(
    ("zone_name", "monday", "hours"),
    [
        ("Europe/Zurich", dt.date(2027, 3, 22), 167),
        ("Europe/Zurich", dt.date(2027, 10, 25), 169),
        ("America/Chicago", dt.date(2027, 3, 8), 167),
        ("America/Chicago", dt.date(2027, 11, 1), 169),
    ],
)
def test_dst_week_summary(db, zone_name, monday, hours, django_assert_num_queries):
    """A weekly Monday 09:00 shift across the change: 167 or 169 hours; an incident
    open all week is open that many hours; the next week starts and ends at 09:00 local."""
    tz = ZoneInfo(zone_name)
    team = TeamFactory(slug="dst", time_zone=zone_name)
    crew = people(team, 4, prefix="d")
    planned = dt.datetime.combine(monday - 14 * D, dt.time(12), tzinfo=dt.UTC)
    rotation(team, crew, now=planned, start_on=monday - 7 * D)
    shift = Shift.objects.get(
        team=team, start_at=dt.datetime.combine(monday, dt.time(9), tzinfo=tz)
    )
    assert shift.end_at - shift.start_at == dt.timedelta(hours=hours)
    busy_period(team, start=shift.start_at, end=shift.end_at, people=crew, shift=shift)
    with django_assert_num_queries(19):
        summary = period_summary_build(
            team=team, start_at=shift.start_at, end_at=shift.end_at, now=shift.end_at
        )
    old = next(line for line in summary.incidents.ongoing if line.title == "Old outage")
    assert old.hours_open == 72 + hours
    nxt_start, nxt_end = summary.upcoming.start_at, summary.upcoming.end_at
    assert nxt_start.astimezone(tz).hour == 9
    assert nxt_end.astimezone(tz).hour == 9
    assert (nxt_end.astimezone(tz).date() - nxt_start.astimezone(tz).date()).days == 7
    assert summary.last_day == monday + 7 * D
