"""What apps above incidents show with its items (incidents.extensions): github_sync
fills the registry at start-up, so the incident page, the action-item list and the
action-item page show each item's GitHub issues although incidents never imports it."""

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import incidents
from incidents import extensions
from teams.models import Membership, Team
from tests.github_sync.factories import GitHubIssueFactory, IssueLinkFactory
from tests.incidents.factories import ActionItemFactory, IncidentFactory
from tests.teams.factories import MembershipFactory


def test_incidents_never_imports_the_apps_above_it():
    above = {"deployments", "github_sync", "meetings", "shifts", "desk"}
    package = Path(incidents.__file__).parent
    imported = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert not imported & above
    assert [extra.template for extra in extensions.item_extras()] == [
        "github_sync/_item_issues.html"
    ]


@pytest.fixture
def linked(team, member):
    """An incident with its own issue and an action item with a regression."""
    incident = IncidentFactory(team=team, owner=member, title="Backlog in WorkQueue")
    item = ActionItemFactory(team=team, owner=member, incident=incident, title="Add an alert")
    IssueLinkFactory(
        incident=incident,
        issue=GitHubIssueFactory(
            repository="ops/service", number=17, title="WorkQueue backlog", labels=["bug"]
        ),
    )
    IssueLinkFactory(
        action_item=item,
        issue=GitHubIssueFactory(
            repository="ops/service",
            number=23,
            title="Alert on backlog",
            state="open",
            is_regression=True,
            assignees=["bob-gh"],
        ),
    )
    return incident, item


def test_incident_page_shows_its_issues_and_those_of_its_action_items(user_client, member, linked):
    incident, item = linked
    page = user_client(member).get(incident.get_absolute_url()).content.decode()
    assert (
        '<a href="https://github.com/ops/service/issues/17" rel="noopener">ops/service#17</a>'
        in page
    )
    assert "WorkQueue backlog" in page
    assert (
        '<a href="https://github.com/ops/service/issues/23" rel="noopener">ops/service#23</a>'
        in page
    )
    assert "regression" in page
    assert "→ bob-gh" in page
    here = f"?next=/incidents/ops/{incident.pk}/"
    assert f"/github/teams/ops/incidents/{incident.pk}/create/{here}" in page
    assert f"/github/teams/ops/action-items/{item.pk}/link/{here}" in page


def test_action_item_list_and_page_show_the_issues(user_client, member, linked):
    _, item = linked
    client = user_client(member)
    row_page = client.get("/incidents/ops/action-items/").content.decode()
    assert "ops/service#23" in row_page
    assert "Alert on backlog" in row_page
    assert (
        f"/github/teams/ops/action-items/{item.pk}/create/?next=/incidents/ops/action-items/"
        in row_page
    )
    item_page = client.get(f"/incidents/ops/action-items/{item.pk}/").content.decode()
    assert "ops/service#23" in item_page
    assert "Create GitHub issue" in item_page


def test_a_row_swapped_in_by_htmx_shows_its_issues(user_client, member, linked):
    _, item = linked
    response = user_client(member).post(
        f"/incidents/ops/action-items/{item.pk}/status/",
        {"status": "done"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/incidents/ops/action-items/?mine=on",
    )
    row = response.content.decode()
    assert "ops/service#23" in row
    # The buttons come back to the list the row is in, not to the status URL.
    assert "?next=/incidents/ops/action-items/%3Fmine%3Don" in row


def test_an_item_that_needs_an_issue_says_so_until_one_is_linked(user_client, member, team):
    ActionItemFactory(team=team, needs_github_issue=True, title="Ask for an issue")
    page = user_client(member).get("/incidents/ops/action-items/").content.decode()
    assert "issue wanted" in page


@pytest.mark.parametrize(("who", "buttons"), [("member", True), ("reader", False)])
def test_members_get_the_buttons_a_reader_of_an_internal_team_does_not(
    user_client, team, member, outsider, linked, who, buttons
):
    team.visibility = Team.Visibility.INTERNAL
    team.save(update_fields=["visibility"])
    incident, _ = linked
    client = user_client(member if who == "member" else outsider)
    for url in (incident.get_absolute_url(), "/incidents/ops/action-items/"):
        page = client.get(url).content.decode()
        assert "ops/service#23" in page  # everyone who may read sees the issues
        assert ("Create GitHub issue" in page) is buttons
        assert ("Link existing issue" in page) is buttons


def link_rows(team, owner, count, offset):
    """`count` incidents, each with an action item; every one of them with an issue."""
    for n in range(offset, offset + count):
        incident = IncidentFactory(team=team, owner=owner)
        item = ActionItemFactory(team=team, owner=owner, incident=incident)
        IssueLinkFactory(incident=incident, issue=GitHubIssueFactory(number=2 * n + 1))
        IssueLinkFactory(action_item=item, issue=GitHubIssueFactory(number=2 * n + 2))
        if n % 2:
            IssueLinkFactory(action_item=item, issue=GitHubIssueFactory(number=1000 + n))
    return incident


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured), page.content.decode()


@pytest.mark.parametrize(("size", "more"), [(2, 0), (30, 28)])
def test_pages_load_every_link_in_one_query(
    user_client, team, member, monkeypatch, django_assert_num_queries, size, more
):
    """Pinned at two sizes: the action-item list (10 queries) and the incident page with
    its action items (15), each one more than without the links (`links_for_items`)."""
    other = MembershipFactory(team=team, role=Membership.Role.MEMBER).user
    incident = link_rows(team, other, size, 0)
    for n in range(more):  # more action items on one incident
        item = ActionItemFactory(team=team, owner=other, incident=incident)
        IssueLinkFactory(action_item=item, issue=GitHubIssueFactory(number=5000 + n))
    client = user_client(member)
    client.get("/")  # the session and its first-visit writes are not what is counted
    pages = {"/incidents/ops/action-items/": 10, incident.get_absolute_url(): 15}
    for url, count in pages.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
        monkeypatch.setattr(extensions, "_extras", [])
        without, page = queries(client, url)
        assert without == count - 1
        assert "ops/service#" not in page
        monkeypatch.undo()
