"""Waiting support requests: their ages in working hours and wall clock, the team's
response target (only leads change it), the list page and the selector for handover."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents import selectors
from teams.models import Membership, Team
from tests.incidents.factories import SupportRequestFactory
from tests.teams.factories import MembershipFactory

ZURICH = ZoneInfo("Europe/Zurich")
# Monday 29 March 2027 11:00 in Zurich, the day after the spring DST change.
NOW = dt.datetime(2027, 3, 29, 11, tzinfo=ZURICH).astimezone(dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def asked(*args):
    return dt.datetime(*args, tzinfo=ZURICH)


def test_ages_and_due_time_over_a_dst_weekend(team):
    # Friday 26 March 16:00: one working hour on Friday, two on Monday → 3 h; 4 h target
    friday = SupportRequestFactory(team=team, asked_at=asked(2027, 3, 26, 16))
    # Thursday 10:00: 7 + 8 + 2 = 17 working hours, past the target
    thursday = SupportRequestFactory(team=team, asked_at=asked(2027, 3, 25, 10))
    SupportRequestFactory(team=team, asked_at=asked(2027, 3, 25, 10), first_response_at=NOW)
    SupportRequestFactory(team=team, asked_at=asked(2027, 3, 25, 10), resolved_at=NOW)
    SupportRequestFactory(asked_at=asked(2027, 3, 25, 10))  # another team's
    waiting = selectors.support_requests_waiting(team=team, now=NOW)
    assert [w.request for w in waiting] == [thursday, friday]
    old, new = waiting
    assert new.working_age == dt.timedelta(hours=3)
    assert new.age == dt.timedelta(hours=66)  # Friday 16:00 CET to Monday 11:00 CEST
    assert not new.is_overdue
    assert new.due_at == asked(2027, 3, 29, 12)
    assert old.working_age == dt.timedelta(hours=17)
    assert old.is_overdue
    assert old.working_age_text == "17 h 00 min"


@pytest.mark.parametrize("count", [2, 12])
def test_selector_is_one_query(team, count, django_assert_num_queries):
    for n in range(count):
        SupportRequestFactory(team=team, asked_at=NOW - dt.timedelta(hours=n + 1))
    with django_assert_num_queries(1):
        waiting = selectors.support_requests_waiting(team=team, now=NOW)
        assert [w.request.team.name for w in waiting] == [team.name] * count


@pytest.mark.parametrize("count", [2, 12])
def test_support_list_shows_ages_in_constant_queries(
    team, member, user_client, count, django_assert_num_queries
):
    for n in range(count):
        SupportRequestFactory(team=team, asked_at=asked(2027, 3, 26, 16) - dt.timedelta(minutes=n))
    client = user_client(member)
    client.get("/incidents/ops/support/")
    # the ages are computed from the page's rows: no query of their own
    with django_assert_num_queries(10):
        html = client.get("/incidents/ops/support/").content.decode()
    assert html.count("data-waiting=") == count
    assert "waiting 3 h 00 min" in html
    assert "66 h" in html or "2 d 18 h" in html
    assert "within 4 working hours" in html


def test_only_leads_change_the_target_by_form(team, member, lead, user_client):
    form = {
        "name": "Ops", "slug": "ops", "time_zone": "Europe/Zurich", "visibility": "private",
        "support_target_hours": "0", "github_repo": "", "mailing_list": "",
    }  # fmt: skip
    assert (
        user_client(member)
        .post("/teams/ops/edit/", {**form, "support_target_hours": "2"})
        .status_code
        == 403
    )
    bad = user_client(lead).post("/teams/ops/edit/", form)
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Ensure this value is greater than or equal to 1." in html
    assert 'value="Ops"' in html  # the rest is kept
    assert (
        user_client(lead)
        .post("/teams/ops/edit/", {**form, "support_target_hours": "8"})
        .status_code
        == 302
    )
    assert Team.objects.get(slug="ops").support_target_hours == 8
    # leaving it empty keeps the value
    assert (
        user_client(lead).post("/teams/ops/edit/", {**form, "support_target_hours": ""}).status_code
        == 302
    )
    assert Team.objects.get(slug="ops").support_target_hours == 8
    page = user_client(lead).get("/incidents/ops/support/").content.decode()
    assert "within 8 working hours" in page
    assert "/teams/ops/edit/" in page
    assert (
        "/teams/ops/edit/"
        not in user_client(member).get("/incidents/ops/support/").content.decode()
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("outsider", 404), (Membership.Role.MEMBER, 403), (Membership.Role.LEAD, 200)],
)
def test_only_leads_change_the_target_by_api(team, api_as, outsider, role, expected):
    if role == "outsider":
        user = outsider
    elif role is None:
        user = None
    else:
        user = MembershipFactory(team=team, role=role).user
    response = api_as(user).patch("/api/v1/teams/ops/", {"support_target_hours": 6}, format="json")
    assert response.status_code == expected
    assert Team.objects.get(slug="ops").support_target_hours == (6 if expected == 200 else 4)


def test_api_refuses_a_bad_target(team, lead, api_as):
    for bad in (0, 201, "four"):
        response = api_as(lead).patch(
            "/api/v1/teams/ops/", {"support_target_hours": bad}, format="json"
        )
        assert response.status_code == 400
        assert "support_target_hours" in response.json()
    body = api_as(lead).get("/api/v1/teams/ops/").json()
    assert body["support_target_hours"] == 4
