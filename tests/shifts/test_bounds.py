"""Dates and times from users, clients and imported files stay in 1970..2200 (issue 10
§2): each test reproduces a reported case, which is now a 400 or a form error, never a
500, an overflow or a wrong instant. Offset-less API datetimes are the team's wall-clock
time, for token and session clients alike; DST gap and fold times are refused."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from shifts.models import Override, Rotation, Shift, Unavailability
from shifts.services import rotations as rotation_services
from teams.models import Membership
from tests.shifts.factories import rotation
from tests.teams.factories import MembershipFactory, ProfileFactory, TeamFactory

NOW = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
RANGE = "between 1970-01-01 and 2200-12-31"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rot(team, member, lead):
    return rotation(team, [member, lead], now=NOW)


def plan(rot):
    return list(Shift.objects.filter(rotation=rot).values_list("slot", "assignee_id", "start_at"))


def covering_shift(rot, local: str) -> Shift:
    """The shift of `rot` at the naive wall-clock time `local` in the team's zone."""
    at = dt.datetime.fromisoformat(local).replace(tzinfo=rot.rule().zone)
    return Shift.objects.get(rotation=rot, start_at__lte=at, end_at__gt=at)


def someone_else(shift, *people):
    return next(person for person in people if person.pk != shift.assignee_id)


# --- leave ---------------------------------------------------------------------------------


def test_absurd_leave_through_the_api_is_refused(api_as, rot, member):
    before = plan(rot)
    response = api_as(member).post(
        "/api/v1/teams/ops/unavailability/",
        {"user": "member", "starts_on": "0001-01-01", "ends_on": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert RANGE in body["starts_on"][0]
    assert RANGE in body["ends_on"][0]
    assert not Unavailability.objects.exists()
    assert plan(rot) == before


def test_absurd_leave_through_the_form_is_refused(user_client, rot, member):
    before = plan(rot)
    response = user_client(member).post(
        "/shifts/ops/unavailability/",
        {"user": member.pk, "kind": "vacation", "starts_on": "0001-01-01", "ends_on": "9999-12-31"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert RANGE in errors["starts_on"][0]
    assert RANGE in errors["ends_on"][0]
    assert not Unavailability.objects.exists()
    assert plan(rot) == before


def test_leave_filter_out_of_range_is_a_400(api_as, rot, member):
    response = api_as(member).get("/api/v1/teams/ops/unavailability/?start=0001-01-01")
    assert response.status_code == 400
    assert RANGE in response.json()["start"][0]


def test_stored_absurd_leave_is_all_time_not_a_crash(user_client, team, rot, member, lead):
    """A row written before the bounds existed: planning and the schedule clamp it."""
    Unavailability.objects.bulk_create(
        [Unavailability(team=team, user=member, starts_on=dt.date.min, ends_on=dt.date.max)]
    )
    rotation_services.rotation_generate(rotation=rot, now=NOW)
    assert set(Shift.objects.filter(rotation=rot).values_list("assignee_id", flat=True)) == {
        lead.pk
    }
    response = user_client(member).get(f"/shifts/ops/rotations/{rot.pk}/")
    assert response.status_code == 200
    assert all(row.away for row in response.context["rows"])


def test_stored_year_one_rotation_plans_from_the_start_of_the_range(team, rot):
    Rotation.objects.filter(pk=rot.pk).update(start_on=dt.date(1, 1, 1))
    rot.refresh_from_db()
    rotation_services.rotation_generate(rotation=rot, now=NOW)  # no ValueError, no overflow
    assert Shift.objects.filter(rotation=rot).earliest("start_at").start_at.year == 1970


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_schedule_page_with_a_date_out_of_range_shows_the_default_weeks(
    user_client, rot, member, day
):
    response = user_client(member).get(f"/shifts/ops/rotations/{rot.pk}/?from={day}")
    assert response.status_code == 200
    assert response.context["rows"]


# --- query parameters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/teams/ops/oncall/?at=0001-01-01T00:00:00%2B14:00",
        "/api/v1/teams/ops/oncall/?at=9999-12-31T23:59",
        "/api/v1/teams/ops/events/?start=0001-01-01T00:00:00Z",
        "/api/v1/teams/ops/events/?start=2027-01-01T00:00:00Z&end=9999-12-31T23:59:59Z",
        "/api/v1/teams/ops/shifts/?start=0001-01-01T00:00:00%2B14:00",
        "/api/v1/teams/ops/shifts/?end=9999-12-31T23:59:59-14:00",
    ],
)
def test_query_datetimes_out_of_range_are_a_400(api_as, rot, member, url):
    response = api_as(member).get(url)
    assert response.status_code == 400
    assert RANGE in str(response.json())


def test_outsider_gets_404_before_any_parameter_is_read(api_as, rot, outsider):
    url = "/api/v1/teams/ops/oncall/?at=0001-01-01T00:00:00%2B14:00"
    assert api_as(outsider).get(url).status_code == 404


def test_oncall_at_without_offset_is_the_teams_wall_clock(api_as, rot, member):
    body = api_as(member).get("/api/v1/teams/ops/oncall/?at=2027-03-29T09:00").json()
    assert body["at"] == "2027-03-29T07:00:00Z"
    assert body["start_at"] == "2027-03-29T07:00:00Z"  # the new shift, not the old one


@pytest.mark.parametrize(
    ("at", "message"), [("2027-03-28T02:30", "does not exist"), ("2027-10-31T02:30", "twice")]
)
def test_oncall_at_in_a_dst_change_is_a_400(api_as, rot, member, at, message):
    response = api_as(member).get(f"/api/v1/teams/ops/oncall/?at={at}")
    assert response.status_code == 400
    assert message in response.json()["at"][0]


@pytest.mark.parametrize("auth", ["token", "session"])
def test_shift_filter_without_offset_is_the_teams_wall_clock(api_client, client, rot, lead, auth):
    caller = token_client(api_client, lead) if auth == "token" else session_client(client, lead)
    response = caller.get("/api/v1/teams/ops/shifts/?start=2027-03-22T09:00&end=2027-03-29T08:30")
    assert response.status_code == 200
    assert [row["slot"] for row in response.json()["results"]] == [11]


# --- rotations -----------------------------------------------------------------------------


def test_rotation_from_year_one_is_refused_by_the_api(api_as, team, lead, member):
    payload = {"name": "Ancient", "start_on": "0001-01-01", "participants": ["member"]}
    response = api_as(lead).post("/api/v1/teams/ops/rotations/", payload, format="json")
    assert response.status_code == 400
    assert RANGE in response.json()["start_on"][0]
    assert not Rotation.objects.exists()


def test_rotation_start_moved_to_year_one_is_refused_by_the_api(api_as, rot, lead):
    before = plan(rot)
    response = api_as(lead).patch(
        f"/api/v1/teams/ops/rotations/{rot.pk}/", {"start_on": "0001-01-01"}, format="json"
    )
    assert response.status_code == 400
    rot.refresh_from_db()
    assert rot.start_on == dt.date(2027, 1, 4)
    assert plan(rot) == before


def test_rotation_from_year_one_is_refused_by_the_form(user_client, team, lead, member):
    response = user_client(lead).post(
        "/shifts/ops/rotations/new/",
        {
            "name": "Ancient",
            "period_days": 7,
            "handover_weekday": 0,
            "handover_time": "09:00",
            "start_on": "0001-01-01",
            "horizon_weeks": 26,
            "is_active": "on",
            "participants": [member.pk],
        },
    )
    assert response.status_code == 200
    assert RANGE in response.context["form"].errors["start_on"][0]
    assert not Rotation.objects.exists()


def test_rotation_form_reads_a_day_first_date(user_client, team, lead, member):
    response = user_client(lead).post(
        "/shifts/ops/rotations/new/",
        {
            "name": "Typed",
            "period_days": 7,
            "handover_weekday": 0,
            "handover_time": "09:00",
            "start_on": "14.12.2026",
            "horizon_weeks": 26,
            "is_active": "on",
            "participants": [member.pk],
        },
    )
    assert response.status_code == 302
    assert Rotation.objects.get().start_on == dt.date(2026, 12, 14)


# --- overrides: wall-clock times in the team's zone ---------------------------------------


def token_client(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api_client


def session_client(client, user):
    # The viewer sees times in another zone; the API still reads the team's.
    ProfileFactory(user=user, time_zone="Asia/Tokyo")
    client.force_login(user)
    return client


def post_override(client, shift, user, start_at, end_at):
    payload = {"shift": shift.pk, "user": user.username, "start_at": start_at, "end_at": end_at}
    return client.post(
        f"/api/v1/teams/{shift.team.slug}/overrides/",
        json.dumps(payload),
        content_type="application/json",
    )


@pytest.mark.parametrize("auth", ["token", "session"])
def test_override_without_offset_is_the_teams_wall_clock(
    api_client, client, rot, member, lead, auth
):
    caller = token_client(api_client, lead) if auth == "token" else session_client(client, lead)
    shift = covering_shift(rot, "2027-03-29T09:00")
    user = someone_else(shift, member, lead)
    response = post_override(caller, shift, user, "2027-03-29T09:00", "2027-03-29T12:00")
    assert response.status_code == 201, response.content
    assert response.json()["start_at"] == "2027-03-29T07:00:00Z"
    assert response.json()["end_at"] == "2027-03-29T10:00:00Z"
    override = Override.objects.get()
    assert override.start_at == dt.datetime(2027, 3, 29, 7, tzinfo=dt.UTC)
    listed = caller.get("/api/v1/teams/ops/overrides/").json()["results"]
    assert [row["start_at"] for row in listed] == ["2027-03-29T07:00:00Z"]


def test_override_in_the_zurich_spring_gap_is_refused(api_as, rot, member, lead):
    shift = covering_shift(rot, "2027-03-28T01:00")
    user = someone_else(shift, member, lead)
    response = api_as(lead).post(
        "/api/v1/teams/ops/overrides/",
        {
            "shift": shift.pk,
            "user": user.username,
            "start_at": "2027-03-28T02:30",
            "end_at": "2027-03-28T12:00",
        },
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["start_at"][0]
    assert "2027-03-28 02:30 does not exist in Europe/Zurich" in message
    assert not Override.objects.exists()


def test_override_out_of_range_is_refused(api_as, rot, member, lead):
    shift = covering_shift(rot, "2027-03-28T01:00")
    response = api_as(lead).post(
        "/api/v1/teams/ops/overrides/",
        {
            "shift": shift.pk,
            "user": someone_else(shift, member, lead).username,
            "start_at": "0001-01-01T00:00:00+14:00",
            "end_at": "9999-12-31T23:59",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"start_at", "end_at"}
    assert not Override.objects.exists()


def test_override_form_out_of_range_is_a_form_error(user_client, rot, member, lead):
    shift = covering_shift(rot, "2027-03-28T01:00")
    response = user_client(lead).post(
        f"/shifts/ops/shifts/{shift.pk}/",
        {
            "form": "override",
            "user": someone_else(shift, member, lead).pk,
            "start_at": "0001-01-01T00:00",
            "end_at": "2027-03-28T12:00",
        },
    )
    assert response.status_code == 200
    assert RANGE in response.context["override_form"].errors["start_at"][0]
    assert not Override.objects.exists()


@pytest.fixture
def chicago(db):
    team = TeamFactory(slug="chi", name="Chicago", time_zone="America/Chicago")
    lead = MembershipFactory(team=team, role=Membership.Role.LEAD, user__username="chilead").user
    member = MembershipFactory(team=team, user__username="chimember").user
    rot = rotation(team, [member, lead], now=NOW, horizon_weeks=52)
    return rot, lead, member


@pytest.mark.parametrize(
    ("start_at", "problem"),
    [
        ("2027-03-14T02:30", "2027-03-14 02:30 does not exist in America/Chicago"),
        ("2027-11-07T01:30", "2027-11-07 01:30 happens twice in America/Chicago"),
    ],
)
def test_override_in_a_chicago_dst_change_is_refused(api_as, chicago, start_at, problem):
    rot, lead, member = chicago
    shift = covering_shift(rot, start_at[:11] + "12:00")
    response = api_as(lead).post(
        "/api/v1/teams/chi/overrides/",
        {
            "shift": shift.pk,
            "user": someone_else(shift, member, lead).username,
            "start_at": start_at,
            "end_at": start_at[:11] + "08:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert problem in response.json()["start_at"][0]
    assert not Override.objects.exists()


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize(
    ("start_at", "end_at", "stored"),
    [
        # After the spring change: CDT, UTC-5.
        ("2027-03-14T03:00", "2027-03-14T08:00", dt.datetime(2027, 3, 14, 8, tzinfo=dt.UTC)),
        # The fold's first 01:30, told by its offset (CDT), is accepted.
        (
            "2027-11-07T01:30-05:00",
            "2027-11-07T08:00",
            dt.datetime(2027, 11, 7, 6, 30, tzinfo=dt.UTC),
        ),
        # After the autumn change: CST, UTC-6.
        ("2027-11-07T03:00", "2027-11-07T08:00", dt.datetime(2027, 11, 7, 9, tzinfo=dt.UTC)),
    ],
)
def test_override_around_chicago_dst_changes_is_the_teams_wall_clock(
    api_client, client, chicago, auth, start_at, end_at, stored
):
    rot, lead, member = chicago
    caller = token_client(api_client, lead) if auth == "token" else session_client(client, lead)
    shift = covering_shift(rot, end_at)
    response = post_override(caller, shift, someone_else(shift, member, lead), start_at, end_at)
    assert response.status_code == 201, response.content
    assert Override.objects.get().start_at == stored
    assert response.json()["start_at"] == stored.isoformat().replace("+00:00", "Z")


# --- .ics import ---------------------------------------------------------------------------


def ics(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines, "END:VCALENDAR"]
    return ("\r\n".join(body) + "\r\n").encode()


def import_upload(client, member, data: bytes):
    return client.post(
        "/shifts/ops/unavailability/import/",
        {
            "import-user": member.pk,
            "import-kind": "vacation",
            "import-file": SimpleUploadedFile("cal.ics", data, content_type="text/calendar"),
        },
    )


def test_import_of_a_secondly_rule_from_1900_is_refused_at_once(user_client, rot, member):
    data = ics(
        "BEGIN:VEVENT",
        "UID:flood@example.org",
        "SUMMARY:Flood",
        "DTSTART:19000101T000000Z",
        "DTEND:19000101T000001Z",
        "RRULE:FREQ=SECONDLY",
        "END:VEVENT",
    )
    # Refused by its frequency before any expansion (a hang here would stall the suite).
    response = import_upload(user_client(member), member, data)
    assert response.status_code == 400
    error = response.context["import_form"].errors["file"][0]
    assert "Flood" in error
    assert "SECONDLY" in error
    assert not Unavailability.objects.exists()


def test_import_of_a_weekly_all_day_event_until_a_date(user_client, rot, member):
    data = ics(
        "BEGIN:VEVENT",
        "UID:gym@example.org",
        "SUMMARY:Gym day",
        "DTSTART;VALUE=DATE:20270105",
        "DTEND;VALUE=DATE:20270106",
        "RRULE:FREQ=WEEKLY;UNTIL=20270301",
        "END:VEVENT",
    )
    response = import_upload(user_client(member), member, data)
    assert response.status_code == 200
    days = [(d.starts_on, d.ends_on) for d in response.context["days"]]
    tuesdays = [dt.date(2027, 1, 5) + dt.timedelta(weeks=n) for n in range(8)]
    assert days == [(day, day) for day in tuesdays]  # 5 Jan .. 23 Feb; 2 Mar is after UNTIL
