"""The period summary the handover note will use, over DST weeks in the team's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from deployments.selectors import deployments_summary_for_period
from deployments.services import changes, hosts
from tests.deployments.factories import fleet


def week(zone_name, monday):
    """[Monday 00:00, next Monday 00:00) local, as aware instants."""
    zone = ZoneInfo(zone_name)
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    return start, end


@pytest.mark.parametrize(
    ("zone_name", "monday", "hours"),
    [
        ("Europe/Zurich", dt.date(2027, 3, 22), 167),  # clocks forward on Sun 28 Mar
        ("Europe/Zurich", dt.date(2027, 10, 25), 169),  # back on Sun 31 Oct
        ("America/Chicago", dt.date(2027, 3, 8), 167),  # forward on Sun 14 Mar
        ("America/Chicago", dt.date(2027, 11, 1), 169),  # back on Sun 7 Nov
    ],
)
def test_summary_counts_what_happened_inside_the_local_week(
    team, member, lead, zone_name, monday, hours
):
    team.time_zone = zone_name
    team.save()
    start, end = week(zone_name, monday)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=hours)
    agents = fleet(team)
    with time_machine.travel(end + dt.timedelta(days=1), tick=False):
        change = changes.change_create(
            team=team, title="Fix", by=lead, created_at=start - dt.timedelta(days=3)
        )
        just = dt.timedelta(minutes=1)
        moments = {
            agents[0]: start - just,  # the Sunday before: outside
            agents[1]: start,  # first minute: inside
            agents[2]: end - just,  # last Sunday 23:59 local, after the DST change: inside
            agents[3]: end,  # next Monday 00:00: outside
        }
        for host, at in moments.items():
            changes.host_change_record(change=change, host=host, state="applied", by=member, at=at)
        hosts.host_set_state(host=agents[0], state="draining", by=member)
        summary = deployments_summary_for_period(team=team, start=start, end=end)
    assert [event.host.name for event in summary.applied] == [agents[1].name, agents[2].name]
    assert summary.pending == []
    assert [host.name for host in summary.draining] == [agents[0].name]


def test_pending_changes_name_how_many_hosts(team, member, lead):
    agents = fleet(team)
    first = changes.change_create(team=team, title="First", by=lead)
    changes.change_create(team=team, title="Second", by=lead, hosts=agents[:1])
    changes.host_change_record(change=first, host=agents[0], state="applied", by=member)
    start, end = week("Europe/Zurich", dt.date(2027, 3, 22))
    summary = deployments_summary_for_period(team=team, start=start, end=end)
    assert [(p.change.title, p.pending_hosts) for p in summary.pending] == [
        ("First", 3),
        ("Second", 1),
    ]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.datetime(2027, 3, 29, tzinfo=dt.UTC), dt.datetime(2027, 3, 22, tzinfo=dt.UTC), "end"),
        (
            dt.datetime.fromisoformat("2027-03-22T00:00:00"),
            dt.datetime(2027, 3, 29, tzinfo=dt.UTC),
            "start",
        ),
        (dt.datetime(1969, 3, 22, tzinfo=dt.UTC), dt.datetime(2027, 3, 29, tzinfo=dt.UTC), "start"),
        (dt.datetime(2027, 3, 22, tzinfo=dt.UTC), dt.datetime(2201, 3, 29, tzinfo=dt.UTC), "end"),
    ],
)
def test_bad_periods_are_refused(team, start, end, field):
    with pytest.raises(ValidationError) as error:
        deployments_summary_for_period(team=team, start=start, end=end)
    assert field in error.value.message_dict
