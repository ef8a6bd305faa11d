"""Dates and times in incidents stay within 1970..2200, and an offset-less time means the
team's zone whatever the client (issue 10): API fields, filters, forms and models."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.models import ActionItem, Incident, SupportRequest, TimelineEntry
from incidents.services import action_items, incidents
from teams.models import Team
from tests.incidents.factories import IncidentFactory, SupportRequestFactory
from tests.teams.factories import ProfileFactory

UTC = dt.UTC
BASE = "/api/v1/teams/ops"
RANGE = "between 1970-01-01 and 2200-12-31"


def written() -> list[int]:
    return [m.objects.count() for m in (Incident, TimelineEntry, ActionItem, SupportRequest)]


@pytest.fixture
def incident(team, member):
    return incidents.incident_open(
        team=team,
        title="Backlog",
        kind="system_failure",
        created_by=member,
        detected_at=dt.datetime(2026, 3, 2, 9, tzinfo=UTC),
    )


@pytest.fixture
def clients(member, client):
    """The same member through a token and through a session (in another display zone)."""
    ProfileFactory(user=member, time_zone="Asia/Tokyo")
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")
    client.force_login(member)
    return {"token": token, "session": client}


def post(client, path, payload):
    return client.post(f"{BASE}{path}", payload, content_type="application/json")


# --- API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "detected_after=0001-01-01T00:00:00%2B14:00",
        "detected_before=9999-12-31T23:59:59-12:00",
    ],
)
def test_incident_filter_at_the_ends_of_time_is_a_400_not_a_500(api_as, member, incident, query):
    response = api_as(member).get(f"{BASE}/incidents/?{query}")
    assert response.status_code == 400
    assert RANGE in str(response.json())


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/support-requests/", "asked_after=0001-01-01T00:00:00%2B14:00"),
        ("/action-items/", "due_after=0001-01-01"),
        ("/support-requests/stats/", "since=0001-01-01"),
    ],
)
def test_other_date_queries_at_the_ends_of_time_are_a_400(api_as, member, team, path, query):
    response = api_as(member).get(f"{BASE}{path}?{query}")
    assert response.status_code == 400
    assert RANGE in str(response.json())


@pytest.mark.parametrize("year", [1, 1969, 2201, 9999])
@pytest.mark.parametrize("client_kind", ["token", "session"])
def test_incident_create_out_of_range_is_a_400_writing_nothing(clients, team, year, client_kind):
    before = written()
    response = post(
        clients[client_kind],
        "/incidents/",
        {"title": "x", "kind": "on_demand", "detected_at": f"{year:04d}-06-01T12:00:00Z"},
    )
    assert response.status_code == 400
    assert RANGE in response.json()["detected_at"][0]
    assert written() == before


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/action-items/", {"title": "x", "due_on": "0001-01-01"}, "due_on"),
        ("/action-items/", {"title": "x", "due_on": "9999-12-31"}, "due_on"),
        (
            "/incidents/{incident}/status/",
            {"status": "investigating", "at": "0001-01-01T00:00:00+14:00"},
            "at",
        ),
        (
            "/incidents/{incident}/timeline/",
            {"body": "x", "occurred_at": "0001-01-01T00:00"},
            "occurred_at",
        ),
        (
            "/support-requests/",
            {"asked_by": "P&R", "question": "?", "asked_at": "9999-12-31T23:59:59-12:00"},
            "asked_at",
        ),
    ],
)
def test_writes_out_of_range_are_a_400_writing_nothing(
    api_as, member, incident, path, payload, field
):
    before = written()
    response = api_as(member).post(f"{BASE}{path.format(incident=incident.pk)}", payload)
    assert response.status_code == 400
    assert RANGE in response.json()[field][0]
    assert written() == before
    incident.refresh_from_db()
    assert incident.status == "open"


DST_CASES = [
    # zone, offset-less time, error text or the UTC instant it means
    ("Europe/Zurich", "2027-03-28T02:30", "does not exist in Europe/Zurich"),
    ("Europe/Zurich", "2027-10-31T02:30", "happens twice in Europe/Zurich"),
    ("Europe/Zurich", "2027-03-29T09:00", dt.datetime(2027, 3, 29, 7, tzinfo=UTC)),
    ("America/Chicago", "2027-03-14T02:30", "does not exist in America/Chicago"),
    ("America/Chicago", "2027-11-07T01:30", "happens twice in America/Chicago"),
    ("America/Chicago", "2027-03-15T09:00", dt.datetime(2027, 3, 15, 14, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone_name", "value", "expected"), DST_CASES)
@pytest.mark.parametrize("client_kind", ["token", "session"])
def test_offset_less_detected_at_is_in_the_teams_zone_whatever_the_client(
    clients, team, zone_name, value, expected, client_kind
):
    Team.objects.filter(pk=team.pk).update(time_zone=zone_name)
    before = written()
    response = post(
        clients[client_kind],
        "/incidents/",
        {"title": "x", "kind": "on_demand", "detected_at": value},
    )
    if isinstance(expected, str):
        assert response.status_code == 400
        assert expected in response.json()["detected_at"][0]
        assert written() == before
    else:
        assert response.status_code == 201, response.json()
        assert Incident.objects.get().detected_at == expected
        assert response.json()["detected_at"] == expected.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_status_at_without_offset_is_in_the_teams_zone(api_as, member, incident):
    response = api_as(member).post(
        f"{BASE}/incidents/{incident.pk}/status/",
        {"status": "resolved", "note": "Restarted.", "at": "2027-03-28T02:30"},
    )
    assert response.status_code == 400
    assert "does not exist in Europe/Zurich" in response.json()["at"][0]
    response = api_as(member).post(
        f"{BASE}/incidents/{incident.pk}/status/",
        {"status": "resolved", "note": "Restarted.", "at": "2027-03-29T09:00"},
    )
    assert response.status_code == 200
    assert response.json()["resolved_at"] == "2027-03-29T07:00:00Z"


# --- HTML forms --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:00", "1969-12-31T12:00"])
def test_incident_form_out_of_range_is_a_field_error(user_client, member, team, value):
    response = user_client(member).post(
        "/incidents/ops/new/",
        {"title": "x", "kind": "on_demand", "severity": "low", "detected_at": value},
    )
    assert response.status_code == 200
    assert RANGE in response.context["form"].errors["detected_at"][0]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("path", "data", "form", "field"),
    [
        (
            "/incidents/ops/action-items/new/",
            {"title": "x", "due_on": "0001-01-01"},
            "form",
            "due_on",
        ),
        (
            "/incidents/ops/{incident}/action-items/",
            {"title": "x", "due_on": "01.01.0001"},
            "action_form",
            "due_on",
        ),
        (
            "/incidents/ops/{incident}/entries/",
            {"body": "x", "occurred_at": "0001-01-01T00:00"},
            "entry_form",
            "occurred_at",
        ),
        (
            "/incidents/ops/support/new/",
            {"asked_by": "x", "channel": "slack", "question": "?", "asked_at": "9999-12-31T23:00"},
            "form",
            "asked_at",
        ),
    ],
)
def test_other_forms_out_of_range_show_a_field_error(
    user_client, member, incident, path, data, form, field
):
    before = written()
    response = user_client(member).post(path.format(incident=incident.pk), data)
    assert response.status_code in (200, 400)
    assert RANGE in response.context[form].errors[field][0]
    assert RANGE in response.content.decode()
    assert written() == before


@pytest.mark.parametrize(
    ("typed", "due_on"),
    [
        ("14/12/2026", dt.date(2026, 12, 14)),
        ("11.12.2026", dt.date(2026, 12, 11)),
        ("14-12-2026", dt.date(2026, 12, 14)),
        ("2026-12-14", dt.date(2026, 12, 14)),
    ],
)
def test_action_item_due_date_typed_day_first_is_read(user_client, member, team, typed, due_on):
    c = user_client(member)
    c.post("/incidents/ops/action-items/new/", {"title": "Post-mortem", "due_on": typed})
    item = ActionItem.objects.get()
    assert item.due_on == due_on
    response = c.post(
        f"/incidents/ops/action-items/{item.pk}/",
        {"title": "Post-mortem", "status": "open", "due_on": typed.replace("2026", "2027")},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_on == due_on.replace(year=2027)


def test_incident_filter_form_out_of_range_is_a_field_error(user_client, member, team):
    IncidentFactory(team=team)
    response = user_client(member).get("/incidents/ops/?since=0001-01-01")
    assert response.status_code == 200
    assert RANGE in response.context["filter_form"].errors["since"][0]
    assert len(response.context["page_obj"]) == 1  # the filter is ignored, not a 500


# --- models and services -----------------------------------------------------------------


def test_services_refuse_out_of_range_times(team, member, incident):
    far = dt.datetime(1, 1, 1, tzinfo=UTC)
    before = written()
    checks = {
        "detected_at": lambda: incidents.incident_open(
            team=team, title="x", kind="on_demand", created_by=member, detected_at=far
        ),
        "occurred_at": lambda: incidents.timeline_entry_add(
            incident=incident, author=member, body="x", occurred_at=far
        ),
        "due_on": lambda: action_items.action_item_create(
            team=team, title="x", created_by=member, due_on=dt.date(1, 1, 1)
        ),
        "started_at": lambda: incidents.incident_update(
            incident=incident, by=member, started_at=far
        ),
    }
    for field, check in checks.items():
        with pytest.raises(ValidationError) as caught:
            check()
        assert RANGE in caught.value.message_dict[field][0], field
    assert written() == before


def test_support_request_model_refuses_out_of_range_times(team):
    request = SupportRequestFactory.build(
        team=team, first_response_at=dt.datetime(9999, 12, 31, tzinfo=UTC)
    )
    with pytest.raises(ValidationError) as caught:
        request.full_clean()
    assert RANGE in caught.value.message_dict["first_response_at"][0]
