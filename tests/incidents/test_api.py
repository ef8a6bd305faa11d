import datetime as dt

import pytest
import time_machine

from incidents.models import ActionItem, Incident, KnowledgeEntry, SupportRequest, TimelineEntry
from incidents.services import incidents
from teams.models import Team
from tests.incidents.factories import (
    ActionItemFactory,
    ComponentFactory,
    IncidentFactory,
    KnowledgeEntryFactory,
    SupportRequestFactory,
)

UTC = dt.UTC
ROLES = ["anonymous", "outsider", "member", "lead"]
BASE = "/api/v1/teams/ops"


@pytest.fixture
def as_role(api_as, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}
    return lambda role: api_as(users[role])


@pytest.fixture
def data(team, member, lead):
    component = ComponentFactory(team=team, name="JobAccountant")
    incident = incidents.incident_open(
        team=team, title="Backlog", kind="system_failure", created_by=member
    )
    entry = incidents.timeline_entry_add(incident=incident, author=member, body="Looked.")
    return {
        "component": component,
        "incident": incident,
        "entry": entry,
        "support": SupportRequestFactory(team=team),
        "action": ActionItemFactory(team=team, owner=member),
        "kb": KnowledgeEntryFactory(team=team),
    }


# (method, path, payload, expected status for a member/lead on success)
ENDPOINTS = [
    ("get", "/components/", None, 200),
    ("post", "/components/", {"name": "RucioInjector"}, 201),
    ("get", "/incidents/", None, 200),
    ("post", "/incidents/", {"title": "New", "kind": "on_demand"}, 201),
    ("get", "/incidents/{incident}/", None, 200),
    ("patch", "/incidents/{incident}/", {"severity": "high"}, 200),
    ("post", "/incidents/{incident}/status/", {"status": "investigating"}, 200),
    ("post", "/incidents/{incident}/transfer/", {"owner": "{other}", "note": "yours"}, 200),
    ("get", "/incidents/{incident}/timeline/", None, 200),
    ("post", "/incidents/{incident}/timeline/", {"body": "More."}, 201),
    ("get", "/support-requests/", None, 200),
    ("get", "/support-requests/stats/", None, 200),
    ("get", "/support-requests/{support}/", None, 200),
    ("post", "/support-requests/", {"asked_by": "P&R", "question": "Why?"}, 201),
    ("patch", "/support-requests/{support}/", {"answer": "Because."}, 200),
    ("get", "/action-items/", None, 200),
    ("get", "/action-items/{action}/", None, 200),
    ("post", "/action-items/", {"title": "Do it"}, 201),
    ("patch", "/action-items/{action}/", {"status": "done"}, 200),
    ("get", "/knowledge/", None, 200),
    ("get", "/knowledge/{kb}/", None, 200),
    ("post", "/knowledge/", {"title": "Known", "symptom": "It hurts."}, 201),
    ("patch", "/knowledge/{kb}/", {"mitigation": "Restart."}, 200),
]


def fill(value, data, other):
    names = {
        "incident": data["incident"].pk,
        "support": data["support"].pk,
        "action": data["action"].pk,
        "kb": data["kb"].pk,
        "other": other,
    }
    if isinstance(value, str):
        return value.format(**names)
    return {key: fill(item, data, other) for key, item in value.items()} if value else value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "payload", "ok"), ENDPOINTS)
def test_permission_matrix(as_role, data, role, method, path, payload, ok):
    other = "lead"
    client = as_role(role)
    response = getattr(client, method)(
        BASE + fill(path, data, other), fill(payload, data, other), format="json"
    )
    expected = {"anonymous": 401, "outsider": 404}.get(role, ok)
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(("method", "path", "payload", "ok"), ENDPOINTS)
def test_other_teams_read_an_internal_team_but_never_write(
    as_role, data, team, method, path, payload, ok
):
    Team.objects.filter(pk=team.pk).update(visibility=Team.Visibility.INTERNAL)
    response = getattr(as_role("outsider"), method)(
        BASE + fill(path, data, "lead"), fill(payload, data, "lead"), format="json"
    )
    assert response.status_code == (200 if method == "get" else 404)


def test_entry_edit_only_by_its_author(as_role, data):
    url = f"{BASE}/incidents/{data['incident'].pk}/timeline/{data['entry'].pk}/"
    assert as_role("lead").patch(url, {"body": "Mine now"}, format="json").status_code == 400
    response = as_role("member").patch(url, {"body": "Looked twice."}, format="json")
    assert response.status_code == 200
    assert response.json()["edited_at"] is not None
    assert data["entry"].revisions.get().body == "Looked."
    assert as_role("outsider").patch(url, {"body": "x"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/incidents/", {"title": "x", "kind": "on_demand", "components": ["Nope"]}, "components"),
        ("/incidents/", {"title": "x", "kind": "on_demand", "owner": "outsider"}, "owner"),
        ("/incidents/", {"title": "x", "kind": "volcano"}, "kind"),
        (
            "/incidents/",
            {
                "title": "x",
                "kind": "on_demand",
                "started_at": "2026-01-02T10:00:00Z",
                "detected_at": "2026-01-02T09:00:00Z",
            },
            "started_at",
        ),
        ("/incidents/", {"title": "x", "kind": "on_demand", "links": ["not a url"]}, "links"),
        ("/incidents/{incident}/status/", {"status": "resolved"}, "note"),
        ("/incidents/{incident}/status/", {"status": "resolved", "note": " "}, "note"),
        ("/incidents/{incident}/transfer/", {"owner": "outsider"}, "owner"),
        ("/action-items/", {"title": "x", "owner": "outsider"}, "owner"),
        ("/action-items/", {"title": "x", "status": "nope"}, "status"),
        (
            "/support-requests/",
            {
                "asked_by": "P&R",
                "question": "?",
                "asked_at": "2026-01-02T10:00:00Z",
                "first_response_at": "2026-01-02T09:00:00Z",
            },
            "first_response_at",
        ),
        ("/support-requests/stats/?since=2027-03-10&until=2027-03-01", None, "until"),
        ("/knowledge/", {"title": "x", "symptom": "y", "expert_only": True}, "expert_only"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    as_role, data, outsider, path, payload, field
):
    counts = [
        m.objects.count()
        for m in (Incident, TimelineEntry, ActionItem, SupportRequest, KnowledgeEntry)
    ]
    client = as_role("member")
    url = BASE + path.format(incident=data["incident"].pk)
    response = client.get(url) if payload is None else client.post(url, payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert counts == [
        m.objects.count()
        for m in (Incident, TimelineEntry, ActionItem, SupportRequest, KnowledgeEntry)
    ]
    data["incident"].refresh_from_db()
    assert data["incident"].status == "open"
    assert data["incident"].owner.username == "member"


def test_incident_lifecycle_over_the_api(as_role, data, team):
    client = as_role("member")
    response = client.post(
        f"{BASE}/incidents/",
        {
            "title": "RucioInjector 401s",
            "kind": "system_failure",
            "severity": "high",
            "components": ["JobAccountant"],
            "reporter_team": "P&R",
            "links": ["https://grafana.example.org/d/1"],
            "related": [data["incident"].pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"] == "member"
    assert body["components"] == ["JobAccountant"]
    url = f"{BASE}/incidents/{body['id']}/"
    client.post(url + "status/", {"status": "resolved", "note": "Token renewed."}, format="json")
    reopened = client.post(url + "status/", {"status": "open", "note": "Again."}, format="json")
    assert reopened.json()["status"] == "open"
    timeline = client.get(url + "timeline/").json()["results"]
    assert [entry["kind"] for entry in timeline] == ["status", "status", "status"]


def test_incident_filters(as_role, data, team, lead):
    other = ComponentFactory(team=team, name="RucioInjector")
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        old = incidents.incident_open(
            team=team, title="Old", kind="bug_discovery", created_by=lead, components=[other]
        )
    IncidentFactory(title="Elsewhere")
    client = as_role("member")

    def ids(query):
        return [row["id"] for row in client.get(f"{BASE}/incidents/?{query}").json()["results"]]

    assert ids("") == [data["incident"].pk, old.pk]
    assert ids("kind=bug_discovery") == [old.pk]
    assert ids("status=open&owner=lead") == [old.pk]
    assert ids("component=RucioInjector") == [old.pk]
    assert ids("detected_before=2026-03-02T00:00:00Z") == [old.pk]
    assert ids("detected_after=2026-03-02T00:00:00Z") == [data["incident"].pk]
    assert ids("active=false") == []
    assert client.get(f"{BASE}/incidents/?kind=volcano").status_code == 400


def test_action_item_filters(as_role, team, member, lead):
    late = ActionItemFactory(team=team, owner=member, due_on=dt.date(2020, 1, 1))
    mine_later = ActionItemFactory(team=team, owner=member, due_on=dt.date(2100, 1, 1))
    leads = ActionItemFactory(team=team, owner=lead, source="meeting")
    ActionItemFactory(team=team, status="done", due_on=dt.date(2020, 1, 1))
    client = as_role("member")

    def ids(query):
        return {row["id"] for row in client.get(f"{BASE}/action-items/?{query}").json()["results"]}

    assert ids("mine=true") == {late.pk, mine_later.pk}
    assert ids("overdue=true") == {late.pk}
    assert ids("owner=lead") == {leads.pk}
    assert ids("source=meeting") == {leads.pk}
    response = client.get(f"{BASE}/action-items/{late.pk}/").json()
    assert response["is_overdue"] is True


def test_knowledge_search(as_role, team):
    KnowledgeEntryFactory(team=team, title="JobAccountant stuck", symptom="Backlog grows")
    KnowledgeEntryFactory(team=team, title="Rucio token", symptom="401 from Rucio")
    client = as_role("member")
    titles = [row["title"] for row in client.get(f"{BASE}/knowledge/?q=backlog").json()["results"]]
    assert titles == ["JobAccountant stuck"]


def test_stats_endpoint_counts_per_week(as_role, team, member):
    with time_machine.travel(dt.datetime(2027, 3, 31, 12, tzinfo=UTC), tick=False):
        SupportRequestFactory(
            team=team,
            asked_at=dt.datetime(2027, 3, 29, 8, tzinfo=UTC),
            first_response_at=dt.datetime(2027, 3, 29, 8, 30, tzinfo=UTC),
        )
        rows = as_role("member").get(f"{BASE}/support-requests/stats/?by=week").json()
    assert rows[-1]["period"] == "2027-W13"
    assert rows[-1]["asked"] == 1
    assert rows[-1]["median_response_seconds"] == 1800
    assert rows[-1]["start"] == "2027-03-28T22:00:00Z"  # Monday 00:00 in Zurich (CEST)
