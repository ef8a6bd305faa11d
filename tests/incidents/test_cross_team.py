"""Another team's records and people are never reachable, nor described, through ours
(issue 10 §3): an id or a username from elsewhere gets the answer an unknown one gets,
and no response names or describes the foreign record."""

import pytest
from django.core.exceptions import ValidationError

from incidents.models import ActionItem, Incident, KnowledgeEntry, SupportRequest
from incidents.services import action_items, incidents
from tests.incidents.factories import (
    ActionItemFactory,
    ComponentFactory,
    IncidentFactory,
    KnowledgeEntryFactory,
    SupportRequestFactory,
)
from tests.teams.factories import MembershipFactory

SECRETS = ["Backlog in WorkQueueManager", "Renew the proxy by hand", "SecretComponent", "Zebulon"]
UNKNOWN_ID = 999_999


@pytest.fixture
def wmcore(db):
    """A private team with a record of each kind and a member, all secret to ops."""
    stranger = MembershipFactory(
        team__slug="wmcore", team__name="WMCore", user__username="stranger"
    )
    stranger.user.first_name = "Zebulon"
    stranger.user.save()
    team = stranger.team
    return {
        "incident": IncidentFactory(team=team, title="Backlog in WorkQueueManager"),
        "kb": KnowledgeEntryFactory(team=team, title="Renew the proxy by hand"),
        "component": ComponentFactory(team=team, name="SecretComponent"),
        "stranger": stranger.user,
    }


@pytest.fixture
def ours(team, member):
    return {
        "incident": IncidentFactory(team=team, title="Ours", owner=member),
        "support": SupportRequestFactory(team=team),
        "action": ActionItemFactory(team=team, owner=member),
        "kb": KnowledgeEntryFactory(team=team),
    }


def counts():
    return [m.objects.count() for m in (Incident, SupportRequest, ActionItem, KnowledgeEntry)]


def assert_no_secret(content: bytes, *, sent: object = None) -> None:
    """Nothing of wmcore's shows, except the value the caller sent themselves."""
    text = content.decode()
    for secret in SECRETS:
        if secret != sent:
            assert secret not in text, secret


# (method, path, field, payload with `{}` where the foreign or unknown value goes)
API_CASES = [
    ("post", "/incidents/", "related", {"title": "x", "kind": "on_demand", "related": ["{}"]}),
    ("patch", "/incidents/{incident}/", "related", {"related": ["{}"]}),
    (
        "post",
        "/incidents/",
        "components",
        {"title": "x", "kind": "on_demand", "components": ["{}"]},
    ),
    ("patch", "/incidents/{incident}/", "components", {"components": ["{}"]}),
    ("post", "/incidents/", "owner", {"title": "x", "kind": "on_demand", "owner": "{}"}),
    ("post", "/incidents/", "reporter", {"title": "x", "kind": "on_demand", "reporter": "{}"}),
    ("patch", "/incidents/{incident}/", "reporter", {"reporter": "{}"}),
    ("post", "/incidents/{incident}/transfer/", "owner", {"owner": "{}"}),
    (
        "post",
        "/support-requests/",
        "incident",
        {"asked_by": "P&R", "question": "?", "incident": "{}"},
    ),
    ("patch", "/support-requests/{support}/", "incident", {"incident": "{}"}),
    (
        "post",
        "/support-requests/",
        "handled_by",
        {"asked_by": "P&R", "question": "?", "handled_by": "{}"},
    ),
    ("patch", "/support-requests/{support}/", "handled_by", {"handled_by": "{}"}),
    ("post", "/action-items/", "incident", {"title": "x", "incident": "{}"}),
    ("patch", "/action-items/{action}/", "incident", {"incident": "{}"}),
    ("post", "/action-items/", "owner", {"title": "x", "owner": "{}"}),
    ("patch", "/action-items/{action}/", "owner", {"owner": "{}"}),
    ("post", "/knowledge/", "components", {"title": "x", "symptom": "y", "components": ["{}"]}),
    ("patch", "/knowledge/{kb}/", "components", {"components": ["{}"]}),
]


def foreign_value(field, wmcore):
    if field == "components":
        return wmcore["component"].name, "NoSuchComponent"
    if field in ("owner", "reporter", "handled_by"):
        return wmcore["stranger"].username, "nosuchuser"
    return wmcore["incident"].pk, UNKNOWN_ID


def fill(payload, value):
    def one(item):
        return value if item == "{}" else item

    return {
        key: [one(item) for item in item_or_list]
        if isinstance(item_or_list, list)
        else one(item_or_list)
        for key, item_or_list in payload.items()
    }


@pytest.mark.parametrize(("method", "path", "field", "payload"), API_CASES)
def test_api_refuses_another_teams_records_like_unknown_ones(
    api_as, member, ours, wmcore, method, path, field, payload
):
    client = api_as(member)
    url = "/api/v1/teams/ops" + path.format(
        incident=ours["incident"].pk,
        support=ours["support"].pk,
        action=ours["action"].pk,
        kb=ours["kb"].pk,
    )
    foreign, unknown = foreign_value(field, wmcore)
    before = counts()
    response = getattr(client, method)(url, fill(payload, foreign), format="json")
    assert response.status_code == 400, response.content
    assert_no_secret(response.content, sent=foreign)
    unknown_response = getattr(client, method)(url, fill(payload, unknown), format="json")
    # Word for word the answer to an id or name that exists nowhere.
    assert response.json() == {
        key: [message.replace(str(unknown), str(foreign)) for message in messages]
        for key, messages in unknown_response.json().items()
    }
    assert "does not exist" in response.json()[field][0]
    assert counts() == before
    ours["incident"].refresh_from_db()
    assert list(ours["incident"].related.all()) == []
    assert ours["incident"].owner.username == "member"


def test_api_filter_by_another_teams_incident_matches_nothing(api_as, member, team, wmcore):
    ActionItemFactory(team=wmcore["incident"].team, incident=wmcore["incident"])
    mine = ActionItemFactory(team=team, incident=IncidentFactory(team=team))
    client = api_as(member)
    base = "/api/v1/teams/ops/action-items/?incident="
    for incident in (wmcore["incident"].pk, UNKNOWN_ID):
        response = client.get(f"{base}{incident}")
        assert response.status_code == 200
        assert response.json()["results"] == []
        assert_no_secret(response.content)
    assert [row["id"] for row in client.get(f"{base}{mine.incident_id}").json()["results"]] == [
        mine.pk
    ]


# (path, form data with `{}` where the foreign value goes, field of the form)
FORM_CASES = [
    (
        "/incidents/ops/new/",
        {"title": "x", "kind": "on_demand", "severity": "low", "components": "{component}"},
    ),
    (
        "/incidents/ops/new/",
        {"title": "x", "kind": "on_demand", "severity": "low", "owner": "{stranger}"},
    ),
    (
        "/incidents/ops/new/",
        {"title": "x", "kind": "on_demand", "severity": "low", "reporter": "{stranger}"},
    ),
    (
        "/incidents/ops/{incident}/edit/",
        {"title": "x", "kind": "on_demand", "severity": "low", "components": "{component}"},
    ),
    ("/incidents/ops/{incident}/transfer/", {"transfer-owner": "{stranger}"}),
    ("/incidents/ops/{incident}/knowledge/", {"entry": "{kb}"}),
    ("/incidents/ops/{incident}/action-items/", {"title": "x", "owner": "{stranger}"}),
    (
        "/incidents/ops/support/new/",
        {"asked_by": "x", "channel": "slack", "question": "?", "handled_by": "{stranger}"},
    ),
    (
        "/incidents/ops/support/{support}/",
        {"asked_by": "x", "channel": "slack", "question": "?", "handled_by": "{stranger}"},
    ),
    ("/incidents/ops/action-items/new/", {"title": "x", "owner": "{stranger}"}),
    (
        "/incidents/ops/action-items/{action}/",
        {"title": "x", "status": "open", "owner": "{stranger}"},
    ),
    ("/incidents/ops/kb/new/", {"title": "x", "symptom": "y", "components": "{component}"}),
    ("/incidents/ops/kb/{kb}/edit/", {"title": "x", "symptom": "y", "components": "{component}"}),
]


# The forms posted from an incident's page come back on that page, under these names.
DETAIL_PAGE_FORMS = {
    "/transfer/": "transfer_form",
    "/knowledge/": "link_form",
    "/action-items/": "action_form",
}


@pytest.mark.parametrize(("path", "data"), FORM_CASES)
def test_forms_refuse_another_teams_records_without_describing_them(
    user_client, member, ours, wmcore, path, data
):
    names = {
        "incident": ours["incident"].pk,
        "support": ours["support"].pk,
        "action": ours["action"].pk,
        "kb": wmcore["kb"].pk if path.endswith("/knowledge/") else ours["kb"].pk,
        "component": wmcore["component"].pk,
        "stranger": wmcore["stranger"].username,
    }
    before = counts()
    response = user_client(member).post(
        path.format(**names), {key: value.format(**names) for key, value in data.items()}
    )
    assert response.status_code in (200, 400)
    form = next(
        (name for suffix, name in DETAIL_PAGE_FORMS.items() if path.endswith(suffix)), "form"
    )
    # (a field of a prefixed form is posted as "<prefix>-<field>")
    field = next(key for key, value in data.items() if value.startswith("{")).rpartition("-")[2]
    assert field in response.context[form].errors
    assert "not one of the available choices" in response.content.decode()
    assert_no_secret(response.content)
    assert counts() == before
    ours["incident"].refresh_from_db()
    assert ours["incident"].owner.username == "member"
    assert not ours["incident"].knowledge_entries.exists()
    assert not ours["incident"].components.exists()


def test_services_refuse_another_teams_records_without_naming_them(team, member, ours, wmcore):
    checks = [
        lambda: incidents.incident_update(
            incident=ours["incident"], by=member, related=[wmcore["incident"]]
        ),
        lambda: incidents.incident_update(
            incident=ours["incident"], by=member, knowledge_entries=[wmcore["kb"]]
        ),
        lambda: incidents.incident_open(
            team=team,
            title="x",
            kind="on_demand",
            created_by=member,
            components=[wmcore["component"]],
        ),
        lambda: action_items.action_item_update(
            action_item=ours["action"], incident=wmcore["incident"]
        ),
        lambda: action_items.action_item_create(
            team=team, title="x", created_by=member, owner=wmcore["stranger"]
        ),
    ]
    for check in checks:
        with pytest.raises(ValidationError) as caught:
            check()
        assert_no_secret(str(caught.value.message_dict).encode())
