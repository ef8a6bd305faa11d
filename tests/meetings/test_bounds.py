"""Out-of-range and ambiguous times never reach a meeting (issue: a move to year 1 was
stored on PostgreSQL as 1 BC and broke every meetings page of the team for good)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings.models import Meeting
from meetings.services import series as series_services
from tests.meetings.factories import make_series, meeting_on

MONDAY = dt.date(2027, 3, 22)


@pytest.fixture
def meeting(team, lead):
    return meeting_on(make_series(team, contact=lead), MONDAY)


@pytest.mark.parametrize("start_at", ["0001-01-01T00:00", "9999-12-31T23:59", "1969-12-31T12:00"])
def test_moving_out_of_range_is_refused_on_the_page_and_nothing_changes(
    user_client, member, meeting, start_at
):
    before = Meeting.objects.get(pk=meeting.pk)
    response = user_client(member).post(
        f"/meetings/{meeting.pk}/move/", {"start_at": start_at, "duration_minutes": 60}
    )
    assert response.status_code in (200, 400)
    assert "between 1970-01-01 and 2200-12-31" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).start_at == before.start_at
    assert user_client(member).get("/meetings/").status_code == 200


@pytest.mark.parametrize("start_at", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:00+14:00"])
def test_moving_out_of_range_through_the_api_is_a_400(api_as, member, meeting, start_at):
    response = api_as(member).post(
        f"/api/v1/teams/ops/meetings/{meeting.pk}/move/", {"start_at": start_at}, format="json"
    )
    assert response.status_code == 400
    assert "start_at" in response.json()
    assert api_as(member).get("/api/v1/teams/ops/meetings/").status_code == 200


@pytest.mark.parametrize(
    ("zone", "local", "expected"),
    [
        ("Europe/Zurich", "2027-03-29T17:00", dt.datetime(2027, 3, 29, 15, tzinfo=dt.UTC)),
        ("America/Chicago", "2027-03-15T10:00", dt.datetime(2027, 3, 15, 15, tzinfo=dt.UTC)),
    ],
)
def test_an_api_move_without_offset_is_the_teams_wall_clock(
    api_as, team, member, meeting, zone, local, expected
):
    team.time_zone = zone
    team.save()
    response = api_as(member).post(
        f"/api/v1/teams/ops/meetings/{meeting.pk}/move/", {"start_at": local}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Meeting.objects.get(pk=meeting.pk).start_at == expected


@pytest.mark.parametrize(
    ("zone", "local"),
    [("Europe/Zurich", "2027-03-28T02:30"), ("America/Chicago", "2027-11-07T01:30")],
)
def test_an_api_move_to_a_time_that_does_not_exist_or_happens_twice_is_a_400(
    api_as, team, member, meeting, zone, local
):
    team.time_zone = zone
    team.save()
    response = api_as(member).post(
        f"/api/v1/teams/ops/meetings/{meeting.pk}/move/", {"start_at": local}, format="json"
    )
    assert response.status_code == 400
    assert zone in str(response.json()["start_at"])


def test_the_service_refuses_an_out_of_range_start(meeting):
    with pytest.raises(ValidationError):
        series_services.meeting_move(meeting=meeting, start_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC))


def test_a_meetings_filter_out_of_range_is_a_400(api_as, member, meeting):
    response = api_as(member).get(
        "/api/v1/teams/ops/meetings/", {"start_after": "0001-01-01T00:00:00+14:00"}
    )
    assert response.status_code == 400
