"""The API: permission matrix (lead / expert / member / shifter / other team), bad input
a 400, constant query counts for the lists."""

import pytest
import time_machine

from duties import services
from duties.models import AccessGrant, AccessRequirement, Duty, DutyCheck
from tests.duties.factories import NOW, crew, duty, weekly

BASE = "/api/v1/teams/ops"


@pytest.fixture
def world(team, member, lead, outsider):
    """`member` is the shifter; `expert` and `other` are in the team but not on shift."""
    expert, other = crew(team)
    with time_machine.travel(NOW, tick=False):
        rot, shift = weekly(team, [member, lead])
    people = {"lead": lead, "expert": expert, "member": other, "shifter": member}
    people["outsider"] = outsider
    return rot, shift, people


ROLES = ["lead", "expert", "member", "shifter", "outsider"]


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("lead", 200, 201),
        ("expert", 200, 403),
        ("member", 200, 403),
        ("shifter", 200, 403),
        ("outsider", 404, 404),
    ],
)
def test_duties_matrix(api_as, world, who, read, write):
    rot, _, people = world
    existing = duty(rot)
    client = api_as(people[who])
    assert client.get(f"{BASE}/duties/").status_code == read
    assert client.get(f"{BASE}/duties/{existing.pk}/").status_code == read
    body = {"rotation": rot.pk, "title": "Check disk space", "cadence": "daily_working_days"}
    assert client.post(f"{BASE}/duties/", body, format="json").status_code == write
    patched = client.patch(f"{BASE}/duties/{existing.pk}/", {"title": "Renamed"}, format="json")
    assert patched.status_code == (200 if write == 201 else write)
    deleted = client.delete(f"{BASE}/duties/{existing.pk}/")
    assert deleted.status_code == (204 if write == 201 else write)
    assert Duty.objects.filter(title="Check disk space").exists() == (write == 201)


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 403), ("expert", 403), ("member", 403), ("shifter", 201), ("outsider", 404)],
)
def test_only_the_shifter_ticks(api_as, world, who, status):
    rot, shift, people = world
    support = duty(rot)
    body = {"duty": support.pk, "shift": shift.pk, "occurs_on": "2027-03-24", "note": "12k"}
    with time_machine.travel(NOW, tick=False):
        response = api_as(people[who]).post(f"{BASE}/duty-checks/", body, format="json")
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["done_by"] == "member"
        assert response.json()["done_at"] == "2027-03-24T10:00:00Z"
        check_id = response.json()["id"]
        assert api_as(people["lead"]).delete(f"{BASE}/duty-checks/{check_id}/").status_code == 403
        assert (
            api_as(people["shifter"]).delete(f"{BASE}/duty-checks/{check_id}/").status_code == 204
        )
    assert not DutyCheck.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"occurs_on": "2027-03-27"}, "occurs_on"),  # a Saturday
        ({"occurs_on": "0001-01-01"}, "occurs_on"),
        ({"occurs_on": "tomorrow"}, "occurs_on"),
        ({"state": "maybe"}, "state"),
        ({"duty": 999999}, "duty"),
        ({"shift": "abc"}, "shift"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_ticks_are_400(api_as, world, body, field):
    rot, shift, people = world
    support = duty(rot)
    data = {"duty": support.pk, "shift": shift.pk, "occurs_on": "2027-03-24", **body}
    with time_machine.travel(NOW, tick=False):
        response = api_as(people["shifter"]).post(f"{BASE}/duty-checks/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not DutyCheck.objects.exists()


def test_another_teams_rows_are_unknown(api_as, world, outsider):
    _rot, shift, people = world
    other_team = outsider.memberships.get().team
    with time_machine.travel(NOW, tick=False):
        their_rot, _ = weekly(other_team, [outsider])
    theirs = duty(their_rot, "Their duty")
    body = {"duty": theirs.pk, "shift": shift.pk, "occurs_on": "2027-03-24"}
    response = api_as(people["shifter"]).post(f"{BASE}/duty-checks/", body, format="json")
    assert response.status_code == 400
    assert "Their duty" not in response.content.decode()
    body = {"rotation": their_rot.pk, "title": "X", "cadence": "daily"}
    assert api_as(people["lead"]).post(f"{BASE}/duties/", body, format="json").status_code == 400


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("lead", 200, 201), ("expert", 200, 403), ("member", 200, 403), ("outsider", 404, 404)],
)
def test_access_requirements_matrix(api_as, world, who, read, write):
    _, _, people = world
    client = api_as(people[who])
    assert client.get(f"{BASE}/access-requirements/").status_code == read
    body = {"title": "CERN account", "instructions": "Ask *IT*."}
    response = client.post(f"{BASE}/access-requirements/", body, format="json")
    assert response.status_code == write
    if write == 201:
        assert response.json()["instructions_html"] == "<p>Ask <em>IT</em>.</p>"
        again = client.post(f"{BASE}/access-requirements/", body, format="json")
        assert again.status_code == 400
        assert "title" in again.json()


@pytest.mark.parametrize("who", ["lead", "expert", "member", "shifter"])
def test_everyone_ticks_their_own_and_a_lead_confirms(api_as, world, team, who):
    _, _, people = world
    item = services.access_requirement_create(team=team, title="SSH key")
    client = api_as(people[who])
    response = client.post(f"{BASE}/access-grants/", {"requirement": item.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["user"] == people[who].username
    grant_id = response.json()["id"]
    confirmed = client.post(f"{BASE}/access-grants/{grant_id}/confirm/")
    assert confirmed.status_code == (200 if who == "lead" else 403)
    lead_confirms = api_as(people["lead"]).post(f"{BASE}/access-grants/{grant_id}/confirm/")
    assert lead_confirms.json()["confirmed_by"] == "lead"
    if who != "member":  # somebody else's tick: only a lead may take it back
        mine = services.access_grant_tick(requirement=item, user=people["member"])
        status = 204 if who == "lead" else 403
        assert api_as(people[who]).delete(f"{BASE}/access-grants/{mine.pk}/").status_code == status
    assert api_as(people[who]).delete(f"{BASE}/access-grants/{grant_id}/").status_code == 204


def test_the_outsider_sees_no_grants(api_as, world, team, outsider):
    item = services.access_requirement_create(team=team, title="SSH key")
    assert api_as(outsider).get(f"{BASE}/access-grants/").status_code == 404
    body = {"requirement": item.pk}
    assert api_as(outsider).post(f"{BASE}/access-grants/", body, format="json").status_code == 404
    assert not AccessGrant.objects.exists()


@pytest.mark.parametrize("size", [2, 20])
def test_list_query_counts_are_constant(api_as, world, team, size, django_assert_num_queries):
    rot, shift, people = world
    for number in range(size):
        support = duty(rot, f"Duty {number}", "daily")
        with time_machine.travel(NOW, tick=False):
            services.duty_check_record(
                duty=support, shift=shift, occurs_on=NOW.date(), actor=people["shifter"]
            )
        item = AccessRequirement.objects.create(team=team, title=f"Item {number}")
        services.access_grant_tick(requirement=item, user=people["member"])
    client = api_as(people["lead"])
    for url, count in (("duties", size), ("duty-checks", size), ("access-grants", size)):
        with django_assert_num_queries(3):  # team with role, count, page
            assert client.get(f"{BASE}/{url}/?page_size=100").json()["count"] == count
    with django_assert_num_queries(2):  # team with role, the list
        assert len(client.get(f"{BASE}/access-requirements/").json()) == size
