import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from shifts.models import Override, Rotation, Shift, SwapRequest, Unavailability
from shifts.services import shifts as shift_services
from shifts.services import swaps
from tests.shifts.factories import people, rotation
from tests.teams.factories import MembershipFactory

ROLES = ["anonymous", "outsider", "member", "lead"]
ZURICH = ZoneInfo("Europe/Zurich")
NOW = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def as_role(api_as, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}
    return lambda role: api_as(users[role])


@pytest.fixture
def rot(team, member, lead):
    return rotation(team, [member, lead], now=NOW)


def shift(rot, slot):
    return Shift.objects.get(rotation=rot, slot=slot)


# --- permission matrix -------------------------------------------------------------------

READS = [
    "/api/v1/teams/ops/oncall/",
    "/api/v1/teams/ops/rotations/",
    "/api/v1/teams/ops/shifts/",
    "/api/v1/teams/ops/overrides/",
    "/api/v1/teams/ops/swaps/",
    "/api/v1/teams/ops/unavailability/",
]


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_read_matrix(as_role, rot, url, role, expected):
    assert as_role(role).get(url).status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 201], strict=True)))
def test_rotation_create_matrix(as_role, team, member, role, expected):
    payload = {"name": "Alerts", "start_on": "2027-01-04", "participants": ["member"]}
    response = as_role(role).post("/api/v1/teams/ops/rotations/", payload, format="json")
    assert response.status_code == expected
    assert Rotation.objects.filter(name="Alerts").exists() == (expected == 201)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 200], strict=True)))
def test_rotation_update_and_shift_assign_matrix(as_role, rot, member, role, expected):
    response = as_role(role).patch(
        f"/api/v1/teams/ops/rotations/{rot.pk}/", {"participants": ["member"]}, format="json"
    )
    assert response.status_code == expected
    response = as_role(role).patch(
        f"/api/v1/teams/ops/shifts/{shift(rot, 3).pk}/", {"assignee": "member"}, format="json"
    )
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 201, 201], strict=True)))
def test_unavailability_create_matrix(as_role, rot, role, expected):
    payload = {"user": "member", "starts_on": "2027-02-01", "ends_on": "2027-02-05"}
    if role == "member":
        payload["user"] = "member"
    response = as_role(role).post("/api/v1/teams/ops/unavailability/", payload, format="json")
    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 201, 403], strict=True)))
def test_swap_create_matrix(as_role, rot, role, expected):
    # slot 2 is member's: only member may offer it (a lead gets 400: not theirs)
    payload = {"shift": shift(rot, 2).pk, "recipient": "lead" if role != "lead" else "member"}
    response = as_role(role).post("/api/v1/teams/ops/swaps/", payload, format="json")
    if role == "lead":
        assert response.status_code == 400
        assert response.json() == {"shift": ["You can only offer a shift you are on."]}
    else:
        assert response.status_code == expected


# --- who is on shift --------------------------------------------------------------------


def test_oncall_now_and_at_an_instant(api_as, rot, member, lead):
    body = api_as(member).get("/api/v1/teams/ops/oncall/").json()
    assert body["person"] is None  # the rotation starts on Monday 4 January
    body = api_as(member).get("/api/v1/teams/ops/oncall/?at=2027-01-12T10:00:00%2B01:00").json()
    assert body["person"]["username"] == "lead"
    assert body["start_at"] == "2027-01-11T08:00:00Z"
    assert body["end_at"] == "2027-01-18T08:00:00Z"
    assert body["rotation"] == {"id": rot.pk, "name": "Developer on shift"}
    assert body["covering_for"] is None


def test_oncall_bad_instant_is_400(api_as, member, rot):
    response = api_as(member).get("/api/v1/teams/ops/oncall/?at=yesterday")
    assert response.status_code == 400
    assert "at" in response.json()


@pytest.mark.parametrize("weeks", [10, 300])
def test_oncall_queries_are_constant_whatever_the_history(
    api_as, team, member, lead, weeks, django_assert_num_queries
):
    rot = rotation(team, [member, lead], now=NOW, start_on=dt.date(2020, 1, 6), horizon_weeks=weeks)
    target = shift(rot, Shift.objects.filter(rotation=rot).count() - 2)
    if target.assignee != member:
        shift_services.override_create(
            shift=target,
            user=member,
            start_at=target.start_at,
            end_at=target.end_at,
            created_by=lead,
        )
    at = (target.start_at + dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    client = api_as(member)
    # team, role, the shift with its cover (one query)
    with django_assert_num_queries(2):
        body = client.get(f"/api/v1/teams/ops/oncall/?at={at}").json()
    assert body["person"]["username"] == "member"


# --- lists: filters and query counts -------------------------------------------------------


@pytest.mark.parametrize("weeks", [3, 40])
def test_shift_list_query_count_is_constant(
    api_as, team, member, lead, weeks, django_assert_num_queries
):
    """History grows with `weeks` (plus 4 planned weeks): same number of queries."""
    start_on = dt.date(2027, 1, 4) - dt.timedelta(weeks=weeks)
    rot = rotation(team, [member, lead], now=NOW, start_on=start_on, horizon_weeks=4)
    for s in Shift.objects.filter(rotation=rot, assignee=lead):
        shift_services.override_create(
            shift=s,
            user=member,
            start_at=s.start_at,
            end_at=s.start_at + dt.timedelta(days=1),
            created_by=lead,
        )
    client = api_as(member)
    # team, role, count, page, overrides
    with django_assert_num_queries(4):
        body = client.get("/api/v1/teams/ops/shifts/?page_size=100").json()
    assert body["count"] == weeks + 4
    assert sum(len(s["overrides"]) for s in body["results"]) == (weeks + 4) // 2


@pytest.mark.parametrize("count", [3, 40])
def test_other_list_query_counts_are_constant(api_as, team, lead, count, django_assert_num_queries):
    crew = people(team, 2)
    rot = rotation(team, crew, now=NOW, horizon_weeks=count * 2 + 2)
    shifts = list(Shift.objects.filter(rotation=rot).order_by("slot"))
    for n in range(count):
        mine = shifts[2 * n + 2]
        shift_services.override_create(
            shift=mine,
            user=lead,
            start_at=mine.start_at,
            end_at=mine.start_at + dt.timedelta(hours=2),
            created_by=lead,
        )
        swaps.swap_request_create(requester=mine.assignee, shift=mine, recipient=lead, now=NOW)
        Unavailability.objects.create(
            team=team,
            user=crew[n % 2],
            starts_on=dt.date(2030, 1, 1) + dt.timedelta(days=n),
            ends_on=dt.date(2030, 1, 1) + dt.timedelta(days=n),
        )
    client = api_as(lead)
    for url in ("overrides", "swaps", "unavailability"):
        with django_assert_num_queries(3):
            body = client.get(f"/api/v1/teams/ops/{url}/?page_size=100").json()
        assert body["count"] == count
    with django_assert_num_queries(3):  # team with role, rotations, participants
        assert len(client.get("/api/v1/teams/ops/rotations/").json()) == 1


def test_shift_filters_by_person_and_range(api_as, rot, member, lead):
    client = api_as(member)
    body = client.get(
        "/api/v1/teams/ops/shifts/?person=lead&start=2027-01-10T00:00:00Z&end=2027-02-01T00:00:00Z"
    ).json()
    assert [s["slot"] for s in body["results"]] == [1, 3]
    response = client.get(
        "/api/v1/teams/ops/shifts/?start=2027-02-01T00:00:00Z&end=2027-01-10T00:00:00Z"
    )
    assert response.status_code == 400
    assert response.json() == {"end": ["The end must be after the start."]}


# --- writes: good and bad input ----------------------------------------------------------------


def test_rotation_create_and_reorder_through_the_api(api_as, team, lead, member):
    client = api_as(lead)
    payload = {
        "name": "Weekly",
        "start_on": "2027-01-04",
        "handover_weekday": 0,
        "handover_time": "09:00",
        "participants": ["member", "lead"],
    }
    response = client.post("/api/v1/teams/ops/rotations/", payload, format="json")
    assert response.status_code == 201, response.json()
    rot_id = response.json()["id"]
    assert response.json()["participants"] == ["member", "lead"]
    assert Shift.objects.get(rotation_id=rot_id, slot=0).assignee == member
    response = client.patch(
        f"/api/v1/teams/ops/rotations/{rot_id}/",
        {"participants": ["lead", "member"]},
        format="json",
    )
    assert response.json()["participants"] == ["lead", "member"]
    assert Shift.objects.get(rotation_id=rot_id, slot=0).assignee == lead


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"participants": ["outsider"]}, "participants", "Not a member of Ops: outsider."),
        ({"participants": ["ghost"]}, "participants", None),
        ({"participants": []}, "participants", "A rotation needs at least one participant."),
        ({"participants": ["member"], "period_days": 0}, "period_days", None),
        ({"participants": ["member"], "handover_weekday": 9}, "handover_weekday", None),
    ],
)
def test_bad_rotation_is_400(api_as, lead, member, outsider, payload, field, message):
    payload = {"name": "X", "start_on": "2027-01-04", **payload}
    response = api_as(lead).post("/api/v1/teams/ops/rotations/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert not Rotation.objects.filter(name="X").exists()


def test_override_through_the_api_and_overlap_is_400(api_as, rot, member, lead):
    target = shift(rot, 1)  # lead's, 11-18 January
    client = api_as(lead)
    payload = {
        "shift": target.pk,
        "user": "member",
        "start_at": "2027-01-13T09:00:00+01:00",
        "end_at": "2027-01-15T09:00:00+01:00",
        "reason": "Wednesday to Friday",
    }
    response = client.post("/api/v1/teams/ops/overrides/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["covering_for"]["username"] == "lead"
    body = client.get("/api/v1/teams/ops/oncall/?at=2027-01-14T12:00:00Z").json()
    assert body["person"]["username"] == "member"
    assert body["covering_for"]["username"] == "lead"
    assert body["shift"]["start_at"] == "2027-01-11T08:00:00Z"

    overlap = {
        **payload,
        "start_at": "2027-01-14T09:00:00+01:00",
        "end_at": "2027-01-16T09:00:00+01:00",
    }
    response = client.post("/api/v1/teams/ops/overrides/", overlap, format="json")
    assert response.status_code == 400
    assert "overlaps the cover by" in response.json()["start_at"][0]
    backwards = {
        **payload,
        "start_at": "2027-01-16T09:00:00+01:00",
        "end_at": "2027-01-15T09:00:00+01:00",
    }
    response = client.post("/api/v1/teams/ops/overrides/", backwards, format="json")
    assert response.status_code == 400
    assert response.json() == {"end_at": ["The end must be after the start."]}
    assert Override.objects.count() == 1
    override_id = Override.objects.get().pk
    assert client.delete(f"/api/v1/teams/ops/overrides/{override_id}/").status_code == 204


def test_override_of_another_teams_shift_is_400(api_as, rot, lead, outsider):
    other = MembershipFactory(team=outsider.memberships.get().team).user
    foreign = rotation(outsider.memberships.get().team, [outsider, other], now=NOW)
    payload = {
        "shift": shift(foreign, 1).pk,
        "user": "member",
        "start_at": "2027-01-13T09:00:00+01:00",
        "end_at": "2027-01-14T09:00:00+01:00",
    }
    response = api_as(lead).post("/api/v1/teams/ops/overrides/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"shift": ["No such shift in this team."]}


def test_swap_flow_through_the_api(api_as, rot, member, lead):
    payload = {"shift": shift(rot, 2).pk, "recipient": "lead", "counter_shift": shift(rot, 3).pk}
    response = api_as(member).post("/api/v1/teams/ops/swaps/", payload, format="json")
    assert response.status_code == 201, response.json()
    swap_id = response.json()["id"]
    response = api_as(member).post(f"/api/v1/teams/ops/swaps/{swap_id}/accept/")
    assert response.status_code == 403
    response = api_as(lead).post(f"/api/v1/teams/ops/swaps/{swap_id}/accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert shift(rot, 2).assignee == lead
    response = api_as(lead).post(f"/api/v1/teams/ops/swaps/{swap_id}/decline/")
    assert response.status_code == 400
    assert response.json() == {"detail": ["This swap request was already accepted."]}


def test_swap_of_a_past_shift_and_a_non_member_are_400(api_as, rot, member, outsider):
    with time_machine.travel(dt.datetime(2027, 1, 20, tzinfo=dt.UTC), tick=False):
        response = api_as(member).post(
            "/api/v1/teams/ops/swaps/",
            {"shift": shift(rot, 0).pk, "recipient": "lead"},
            format="json",
        )
    assert response.status_code == 400
    assert "past shifts cannot be swapped" in response.json()["shift"][0]
    response = api_as(member).post(
        "/api/v1/teams/ops/swaps/",
        {"shift": shift(rot, 2).pk, "recipient": "outsider"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"recipient": ["Not a member of Ops: outsider."]}
    assert not SwapRequest.objects.exists()


def test_unavailability_bad_input_and_replanning(api_as, rot, member, lead):
    client = api_as(member)
    response = client.post(
        "/api/v1/teams/ops/unavailability/",
        {"user": "member", "starts_on": "2027-02-05", "ends_on": "2027-02-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"ends_on": ["The end is before the start."]}
    response = client.post(
        "/api/v1/teams/ops/unavailability/",
        {"user": "lead", "starts_on": "2027-02-01", "ends_on": "2027-02-05"},
        format="json",
    )
    assert response.status_code == 403
    before = shift(rot, 4).assignee  # 1 February
    assert before == member
    response = client.post(
        "/api/v1/teams/ops/unavailability/",
        {
            "user": "member",
            "kind": "conference",
            "starts_on": "2027-02-02",
            "ends_on": "2027-02-04",
        },
        format="json",
    )
    assert response.status_code == 201
    assert shift(rot, 4).assignee == lead
    assert shift(rot, 5).assignee == member


def test_renaming_a_rotation_onto_another_is_400(api_as, team, rot, lead, member):
    other = rotation(team, [member], now=NOW, name="Alerts")
    response = api_as(lead).patch(
        f"/api/v1/teams/ops/rotations/{other.pk}/", {"name": rot.name}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["The team already has a rotation with this name."]}
