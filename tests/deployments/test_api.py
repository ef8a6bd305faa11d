import pytest
from rest_framework.authtoken.models import Token

from deployments.models import Campaign, Change, Host, HostChange, HostEvent
from deployments.services import campaigns, changes
from teams.models import Team
from tests.deployments.factories import HostFactory, fleet
from tests.teams.factories import TeamFactory

ROLES = ["anonymous", "outsider", "member", "lead"]
BASE = "/api/v1/teams/ops"


@pytest.fixture
def as_role(api_as, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}
    return lambda role: api_as(users[role])


@pytest.fixture
def data(team, lead):
    agents = fleet(team)
    change = changes.change_create(team=team, title="Patch 1", by=lead)
    campaign = campaigns.campaign_create(
        team=team, title="Drain", by=lead, hosts=agents[:2], checklist=[("Stop pulling", True)]
    )
    return {
        "host": agents[0].name,
        "change": change.pk,
        "campaign": campaign.pk,
        "item": campaign.checklist.get().pk,
    }


# (method, path, payload, status for whoever may do it, minimum role)
ENDPOINTS = [
    ("get", "/hosts/", None, 200, "member"),
    ("get", "/hosts/{host}/", None, 200, "member"),
    ("get", "/hosts/{host}/history/", None, 200, "member"),
    ("post", "/hosts/", {"name": "vocms0300", "site": "CERN"}, 201, "lead"),
    ("patch", "/hosts/{host}/", {"notes": "Big disk."}, 200, "lead"),
    ("post", "/hosts/{host}/state/", {"state": "draining", "note": "86%"}, 200, "member"),
    ("get", "/hosts/{host}/changes/{change}/", None, 200, "member"),
    ("post", "/hosts/{host}/changes/{change}/", {"state": "applied"}, 200, "member"),
    ("get", "/changes/", None, 200, "member"),
    ("get", "/changes/{change}/", None, 200, "member"),
    ("get", "/changes/matrix/", None, 200, "member"),
    ("post", "/changes/", {"title": "Patch 2", "hosts": ["cern-0"]}, 201, "lead"),
    ("patch", "/changes/{change}/", {"link": "https://github.com/dmwm/WMCore/pull/1"}, 200, "lead"),
    ("post", "/changes/{change}/apply-pending/", {"site": "FNAL"}, 200, "lead"),
    ("get", "/campaigns/", None, 200, "member"),
    ("get", "/campaigns/{campaign}/", None, 200, "member"),
    ("post", "/campaigns/", {"title": "Redeploy", "hosts": ["fnal-0"]}, 201, "lead"),
    ("patch", "/campaigns/{campaign}/", {"reason": "Disk 86%."}, 200, "lead"),
    ("post", "/campaigns/{campaign}/hosts/{host}/stage/", {"stage": "draining"}, 200, "member"),
    (
        "post",
        "/campaigns/{campaign}/checklist/{item}/tick/",
        {"host": "{host}", "done": True},
        200,
        "member",
    ),
]


def fill(value, data):
    if isinstance(value, str):
        return value.format(**data)
    if isinstance(value, list):
        return [fill(item, data) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, data) for key, item in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "payload", "ok", "minimum"), ENDPOINTS)
def test_permission_matrix(as_role, data, role, method, path, payload, ok, minimum):
    response = getattr(as_role(role), method)(
        BASE + fill(path, data), fill(payload, data), format="json"
    )
    expected = {"anonymous": 401, "outsider": 404}.get(role, ok)
    if role == "member" and minimum == "lead":
        expected = 403
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(("method", "path", "payload", "ok", "minimum"), ENDPOINTS)
def test_other_teams_read_an_internal_team_but_never_write(
    as_role, data, team, method, path, payload, ok, minimum
):
    Team.objects.filter(pk=team.pk).update(visibility=Team.Visibility.INTERNAL)
    response = getattr(as_role("outsider"), method)(
        BASE + fill(path, data), fill(payload, data), format="json"
    )
    assert response.status_code == (200 if method == "get" else 404)


def test_a_patch_script_records_with_a_token_idempotently(api_client, team, member, lead):
    host = HostFactory(team=team, name="vocms0255")
    change = changes.change_create(team=team, title="Fix JobAccountant", by=lead)
    token = Token.objects.create(user=member).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url = f"{BASE}/hosts/vocms0255/changes/{change.pk}/"
    first = api_client.post(url, {"state": "applied", "note": "by patch.sh"}, format="json")
    assert first.status_code == 200
    assert first.json()["changed"] is True
    assert first.json()["updated_by"] == "member"
    again = api_client.post(url, {"state": "applied"}, format="json")
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert HostEvent.objects.filter(host=host, kind="change").count() == 1
    assert HostChange.objects.get().note == "by patch.sh"


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/hosts/cern-0/changes/{change}/", {"state": "done"}, "state"),
        ("/hosts/cern-0/changes/{change}/", {"state": "applied", "at": "1969-12-31T00:00Z"}, "at"),
        ("/hosts/cern-0/changes/{change}/", {"state": "applied", "at": "2201-01-01T00:00Z"}, "at"),
        ("/hosts/fnal-1/changes/{scoped}/", {"state": "applied"}, "host"),
        ("/hosts/cern-0/state/", {"state": "exploded"}, "state"),
        ("/hosts/", {"name": "cern-0", "site": "CERN"}, "name"),
        ("/hosts/", {"name": "no spaces", "site": "CERN"}, "name"),
        ("/changes/", {"title": "x", "hosts": ["nope"]}, "hosts"),
        ("/changes/", {"title": "x", "target_release": "9.9.9"}, "hosts"),
        ("/changes/", {"title": "x", "created_at": "2300-01-01T00:00Z"}, "created_at"),
        ("/campaigns/", {"title": "x", "hosts": []}, "hosts"),
        (
            "/campaigns/",
            {"title": "x", "hosts": ["cern-0"], "starts_on": "1900-01-01"},
            "starts_on",
        ),
        (
            "/campaigns/",
            {"title": "x", "hosts": ["cern-0"], "starts_on": "2027-03-02", "ends_on": "2027-03-01"},
            "ends_on",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field(as_role, team, lead, path, payload, field):
    fleet(team)
    change = changes.change_create(team=team, title="All", by=lead)
    scoped = changes.change_create(
        team=team, title="One", by=lead, hosts=[Host.objects.get(name="cern-0")]
    )
    before = (Change.objects.count(), Campaign.objects.count(), HostEvent.objects.count())
    response = as_role("lead").post(
        BASE + path.format(change=change.pk, scoped=scoped.pk), payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert (Change.objects.count(), Campaign.objects.count(), HostEvent.objects.count()) == before


def test_unknown_host_and_another_teams_change_are_404s(as_role, team, lead):
    fleet(team)
    theirs = TeamFactory()
    other = changes.change_create(
        team=theirs, title="Theirs", by=None, hosts=[HostFactory(team=theirs)]
    )
    mine = changes.change_create(team=team, title="Mine", by=lead)
    client = as_role("member")
    assert (
        client.post(f"{BASE}/hosts/nope/changes/{mine.pk}/", {"state": "applied"}).status_code
        == 404
    )
    url = f"{BASE}/hosts/cern-0/changes/{other.pk}/"
    assert client.post(url, {"state": "applied"}).status_code == 404


def test_matrix_api_lists_cells_in_change_order(as_role, team, lead, member):
    agents = fleet(team)
    first = changes.change_create(team=team, title="First", by=lead)
    second = changes.change_create(team=team, title="Second", by=lead, hosts=agents[:1])
    changes.host_change_record(change=first, host=agents[0], state="applied", by=member)
    body = as_role("member").get(f"{BASE}/changes/matrix/?site=CERN").json()
    assert [c["id"] for c in body["changes"]] == [first.pk, second.pk]
    assert body["sites"] == ["CERN", "FNAL"]
    assert [row["name"] for row in body["hosts"]] == ["cern-0", "cern-1"]
    assert [cell and cell["state"] for cell in body["hosts"][0]["cells"]] == ["applied", "pending"]
    assert body["hosts"][1]["cells"][1] is None
    assert body["pending"] == [1, 1]
