"""The handover notes API: drafting, the permission matrix (outgoing, incoming, lead,
another member, another team, anonymous), versions and 409s, the summary, query counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from handover.models import HandoverNote
from shifts.models import Shift
from teams.models import Membership
from tests.handover.factories import busy_period
from tests.shifts.factories import people, rotation

ZURICH = ZoneInfo("Europe/Zurich")
START = dt.datetime(2027, 1, 11, 9, tzinfo=ZURICH)
END = dt.datetime(2027, 1, 18, 9, tzinfo=ZURICH)
URL = "/api/v1/teams/ops/handover-notes/"


@pytest.fixture
def crew(team):
    return people(team, 4)


@pytest.fixture
def shift(team, crew):
    rotation(team, crew, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    return Shift.objects.get(team=team, start_at=START)


@pytest.fixture
def users(crew, lead, outsider):
    return {
        "anonymous": None,
        "outsider": outsider,
        "other member": crew[0],
        "outgoing": crew[1],
        "incoming": crew[2],
        "lead": lead,
    }


@pytest.fixture
def note(api_as, shift, crew):
    response = api_as(crew[1]).post(URL, {"shift": shift.pk}, format="json")
    assert response.status_code == 201
    return HandoverNote.objects.get(pk=response.json()["id"])


def test_draft_is_idempotent_and_names_the_people(api_as, shift, crew, note):
    again = api_as(crew[0]).post(URL, {"shift": shift.pk}, format="json")
    assert again.status_code == 200
    body = again.json()
    assert body["id"] == note.pk
    assert (body["outgoing"], body["incoming"], body["state"], body["version"]) == (
        "p1",
        "p2",
        "draft",
        1,
    )
    assert body["url"] == f"/handover/ops/shifts/{shift.pk}/"
    assert body["shift_end_at"] == "2027-01-18T08:00:00Z"


@pytest.mark.parametrize("bad", [{"shift": 999999}, {"shift": "x"}, {}])
def test_drafting_an_unknown_shift_is_a_400(api_as, shift, crew, bad):
    response = api_as(crew[0]).post(URL, bad, format="json")
    assert response.status_code == 400
    assert "shift" in response.json()


def test_another_teams_shift_is_refused_like_an_unknown_one(api_as, crew, outsider):
    theirs = people(outsider.memberships.get().team, 2, prefix="x")
    rotation(outsider.memberships.get().team, theirs, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    shift = Shift.objects.filter(team__slug="elsewhere").first()
    response = api_as(crew[0]).post(URL, {"shift": shift.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["shift"] == [f'Invalid pk "{shift.pk}" - object does not exist.']


@pytest.mark.parametrize(
    ("role", "read", "write", "finalise"),
    [
        ("anonymous", 401, 401, 401),
        ("outsider", 404, 404, 404),
        ("other member", 200, 200, 403),
        ("incoming", 200, 200, 403),
        ("outgoing", 200, 200, 200),
        ("lead", 200, 200, 200),
    ],
)
def test_permission_matrix(api_as, users, note, role, read, write, finalise):
    client = api_as(users[role])
    assert client.get(URL).status_code == read
    assert client.get(f"{URL}{note.pk}/").status_code == read
    assert client.get(f"{URL}{note.pk}/summary/").status_code == read
    patch = client.patch(f"{URL}{note.pk}/", {"version": 1, "next_week": role}, format="json")
    assert patch.status_code == write
    assert client.post(f"{URL}{note.pk}/finalise/").status_code == finalise
    if finalise == 403:
        assert "outgoing shifter" in client.post(f"{URL}{note.pk}/finalise/").json()["detail"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("other member", 403),
        ("outgoing", 403),
        ("incoming", 200),
        ("lead", 200),
    ],
)
def test_acknowledge_matrix(api_as, users, crew, note, role, expected):
    assert api_as(crew[2]).post(f"{URL}{note.pk}/acknowledge/").status_code == 400  # a draft
    api_as(crew[1]).post(f"{URL}{note.pk}/finalise/")
    response = api_as(users[role]).post(f"{URL}{note.pk}/acknowledge/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["state"] == "acknowledged"
        assert response.json()["acknowledged_by"] == users[role].username


def test_stale_version_is_a_409_with_the_stored_text(api_as, crew, note):
    first = api_as(crew[1]).patch(
        f"{URL}{note.pk}/", {"version": 1, "watch_out_for": "tape"}, format="json"
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api_as(crew[0]).patch(
        f"{URL}{note.pk}/", {"version": 1, "watch_out_for": "mine"}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    assert stale.json()["current"]["watch_out_for"] == "tape"
    assert HandoverNote.objects.get(pk=note.pk).watch_out_for == "tape"


@pytest.mark.parametrize(
    "body",
    [{}, {"version": "x"}, {"version": 0}, {"version": 1, "next_week": "x" * 50_001}],
)
def test_bad_updates_are_400s_and_write_nothing(api_as, crew, note, body):
    response = api_as(crew[1]).patch(f"{URL}{note.pk}/", body, format="json")
    assert response.status_code == 400
    assert HandoverNote.objects.get(pk=note.pk).version == 1


def test_summary_of_the_shift(api_as, team, crew, shift, note):
    busy_period(team, start=START, end=END, people=crew, shift=shift)
    with time_machine.travel(END + dt.timedelta(hours=1), tick=False):
        body = api_as(crew[2]).get(f"{URL}{note.pk}/summary/").json()
    assert body["built_at"] == "2027-01-18T09:00:00Z"
    assert body["team_slug"] == "ops"
    assert body["start_at"] == "2027-01-11T08:00:00Z"
    ongoing = [line["title"] for line in body["incidents"]["ongoing"]]
    assert "Old outage" in ongoing
    assert body["support"]["asked"] == 8
    assert body["action_items"]["regressed"][0]["github"] == "ops/agent#7"


@pytest.mark.parametrize("count", [2, 9])
def test_list_query_count_is_constant(api_as, team, crew, lead, count, django_assert_num_queries):
    rotation(team, crew, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    for shift in Shift.objects.filter(team=team).order_by("start_at")[:count]:
        api_as(lead).post(URL, {"shift": shift.pk}, format="json")
    Membership.objects.filter(user=lead).update(role=Membership.Role.LEAD)
    client = api_as(crew[0])
    # session-less token auth: team access, count, page of notes with their people
    with django_assert_num_queries(3):
        response = client.get(URL)
    assert response.json()["count"] == count
