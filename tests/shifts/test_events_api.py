"""GET /api/v1/teams/{slug}/events/: the feeds' events as JSON."""

import datetime as dt

import pytest
import time_machine

from shifts.models import Shift
from teams.models import Team
from tests.meetings.factories import make_series
from tests.shifts.factories import rotation

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
URL = "/api/v1/teams/ops/events/"
ROLES = ["anonymous", "outsider", "member", "lead"]


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.SITE_URL = "https://shiftdesk.example.org"
    settings.MEETINGS_HORIZON_DAYS = 400
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def schedule(team, member, lead):
    rotation(team, [member, lead], now=NOW, horizon_weeks=40)
    make_series(team)


@pytest.fixture
def as_role(api_as, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}
    return lambda role: api_as(users[role])


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_permission_matrix(as_role, schedule, role, expected):
    assert as_role(role).get(URL).status_code == expected


def test_internal_team_is_readable_by_any_user(api_as, team, schedule, outsider):
    Team.objects.filter(pk=team.pk).update(visibility=Team.Visibility.INTERNAL)
    assert api_as(outsider).get(URL).status_code == 200


def test_events_in_owning_zone_across_dst(api_as, schedule, member):
    body = (
        api_as(member)
        .get(URL, {"start": "2027-03-20T00:00:00Z", "end": "2027-04-01T00:00:00Z"})
        .json()
    )
    shifts = [e for e in body if e["kind"] == "shift"]
    meetings = [e for e in body if e["kind"] == "meeting"]
    assert [e["start"] for e in shifts] == [
        "2027-03-15T09:00:00+01:00",
        "2027-03-22T09:00:00+01:00",
        "2027-03-29T09:00:00+02:00",
    ]
    assert [e["start"] for e in meetings] == [
        "2027-03-22T16:00:00+01:00",
        "2027-03-29T16:00:00+02:00",
    ]
    first = meetings[0]
    assert first["zone"] == "Europe/Zurich"
    assert first["status"] == "confirmed"
    assert first["title"] == "WMCore weekly"
    assert first["uid"].startswith("meeting-")
    assert first["url"].startswith("https://shiftdesk.example.org/meetings/")
    only = api_as(member).get(
        URL, {"start": "2027-03-20T00:00:00Z", "end": "2027-04-01T00:00:00Z", "kind": "meeting"}
    )
    assert only.json() == meetings


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2027-03-20T00:00:00Z", "end": "2027-03-19T00:00:00Z"},
        {"start": "2027-01-01T00:00:00Z", "end": "2028-03-01T00:00:00Z"},
        {"start": "yesterday"},
        {"kind": "party"},
    ],
)
def test_bad_ranges_are_400(api_as, schedule, member, params):
    response = api_as(member).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) & {"start", "end", "kind"}


@pytest.mark.parametrize("weeks", [3, 40])
def test_query_count_does_not_grow(api_as, team, member, lead, weeks, django_assert_num_queries):
    rotation(team, [member, lead], now=NOW, horizon_weeks=weeks)
    make_series(team)
    client = api_as(member)
    # team, role, shifts, covers, meetings
    with django_assert_num_queries(4):
        body = client.get(URL, {"start": NOW.isoformat(), "end": "2028-01-01T00:00:00Z"}).json()
    assert (
        len([e for e in body if e["kind"] == "shift"])
        == Shift.objects.filter(end_at__gt=NOW).count()
    )
