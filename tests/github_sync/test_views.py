"""The pages: an item's issues, create and link forms, Retry, the status page; the
partial and `links_for_items` keep a constant query count."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from github_sync import selectors
from github_sync.models import IssueLink
from github_sync.services import creation
from incidents.models import ActionItem
from tests.github_sync.conftest import REPO
from tests.github_sync.factories import GitHubIssueFactory, IssueLinkFactory
from tests.incidents.factories import ActionItemFactory, IncidentFactory


def page(item, suffix=""):
    return f"/github/teams/{item.team.slug}/action-items/{item.pk}/{suffix}"


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("anonymous", 302, 302), ("outsider", 404, 404), ("member", 200, 200), ("lead", 200, 200)],
)
def test_permission_matrix_on_the_pages(client, request, item, settings, who, read, write):
    settings.GITHUB_API_URL = "http://127.0.0.1:9"  # templates unavailable: still a page
    settings.GITHUB_TIMEOUT_SECONDS = 1
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(page(item)).status_code == read
    assert client.get(page(item, "link/")).status_code == write


@pytest.mark.parametrize(
    ("who", "code"), [("anonymous", 302), ("outsider", 404), ("member", 403), ("lead", 200)]
)
def test_the_status_page_is_for_leads(client, request, gh_team, who, code):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(f"/github/teams/{gh_team.slug}/").status_code == code


@pytest.mark.django_db(transaction=True)
def test_create_form_offers_templates_and_double_submit_is_one_issue(
    client, member, item, fake_github, queued
):
    client.force_login(member)
    response = client.get(page(item, "create/"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bug report" in body  # the repository's issue template
    assert "Fix the JobAccountant crash" in body  # title prefilled
    response = client.get(page(item, "create/") + f"?repository={REPO}&template=bug_report.md")
    assert "**What happened**" in response.content.decode()

    form = {"repository": REPO, "title": "Fix it", "body": "Details", "labels": "bug, urgent"}
    first = client.post(page(item, "create/"), form)
    second = client.post(page(item, "create/"), form)
    assert first.status_code == second.status_code == 302
    assert IssueLink.objects.count() == 1
    assert [name for name, *_ in queued] == ["issue_create"]

    shown = client.get(page(item)).content.decode()
    assert "creating…" in shown
    assert 'hx-trigger="every 3s"' in shown
    creation.issue_create_run(link_id=IssueLink.objects.get().pk)
    shown = client.get(page(item, "links/")).content.decode()
    assert f"{REPO}#1" in shown
    assert "every 3s" not in shown
    [issue] = fake_github.issues(REPO)
    assert [label["name"] for label in issue["labels"]] == ["bug", "urgent"]


@pytest.mark.django_db(transaction=True)
def test_link_form(client, member, gh_team, fake_github, queued, owner):
    incident = IncidentFactory(team=gh_team, owner=owner)
    fake_github.add_issue(REPO, title="Existing one")
    client.force_login(member)
    base = f"/github/teams/{gh_team.slug}/incidents/{incident.pk}/"
    response = client.post(base + "link/", {"reference": "other/repo#1"})
    assert "Not one of this team" in response.content.decode()
    response = client.post(base + "link/", {"reference": f"{REPO}#1"})
    assert response.status_code == 302
    assert "Existing one" in client.get(base).content.decode()


def test_failed_shows_the_reason_and_retry_works(client, member, item, queued):
    link, _ = creation.issue_create_request(target=item, repository=REPO, by=member)
    IssueLink.objects.filter(pk=link.pk).update(status="failed", failure_reason="GitHub 500")
    client.force_login(member)
    body = client.get(page(item)).content.decode()
    assert "failed" in body
    assert "GitHub 500" in body
    assert "Retry" in body
    response = client.post(f"/github/links/{link.pk}/retry/", {"next": page(item)})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "creating"


def test_retry_of_another_teams_link_is_404(client, outsider, item, queued):
    link, _ = creation.issue_create_request(target=item, repository=REPO, by=None)
    client.force_login(outsider)
    assert client.post(f"/github/links/{link.pk}/retry/").status_code == 404


def test_status_page_shows_repositories_pending_failed_and_errors(client, lead, item, queued):
    from github_sync.models import RepositorySync, SyncError

    RepositorySync.objects.create(repository=REPO, rate_remaining=4999, rate_limit=5000)
    SyncError.objects.create(repository=REPO, operation="poll", message="GitHub 502")
    creation.issue_create_request(target=item, repository=REPO, by=lead)
    client.force_login(lead)
    body = client.get(f"/github/teams/{item.team.slug}/").content.decode()
    assert REPO in body
    assert "4999 of 5000" in body
    assert "GitHub 502" in body
    assert "creating…" in body


def test_links_for_items_is_one_query_and_the_partial_renders_every_state(gh_team, owner):
    items = [ActionItemFactory(team=gh_team) for _ in range(6)]
    IssueLinkFactory(action_item=items[0], issue=GitHubIssueFactory(number=1, labels=["bug"]))
    IssueLinkFactory(
        action_item=items[1],
        issue=GitHubIssueFactory(number=2, state="closed", state_reason="not_planned"),
    )
    IssueLinkFactory(action_item=items[2], issue=GitHubIssueFactory(number=3, is_regression=True))
    IssueLink.objects.create(
        team=gh_team, action_item=items[3], repository=REPO, status="creating", creation_key="k1"
    )
    IssueLink.objects.create(
        team=gh_team,
        action_item=items[4],
        repository=REPO,
        status="failed",
        creation_key="k2",
        failure_reason="GitHub 500",
    )
    with CaptureQueriesContext(connection) as queries:
        selectors.links_for_items(items)
        html = "".join(
            render_to_string("github_sync/_issue_links.html", {"links": item.github_issue_links})
            for item in items
        )
    assert len(queries) == 1
    for text in [
        "ops/service#1",
        "closed: not planned",
        "regression",
        "creating…",
        "GitHub 500",
        "No GitHub issue.",
        "bug",
    ]:
        assert text in html
    incidents = [IncidentFactory(team=gh_team) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        selectors.links_for_items(incidents)
    assert len(queries) == 1


def test_links_for_items_takes_an_incident_and_its_action_items_in_one_query(gh_team):
    incident = IncidentFactory(team=gh_team)
    items = [ActionItemFactory(team=gh_team, incident=incident) for _ in range(3)]
    IssueLinkFactory(incident=incident, issue=GitHubIssueFactory(number=10))
    IssueLinkFactory(action_item=items[0], issue=GitHubIssueFactory(number=11))
    IssueLinkFactory(action_item=items[0], issue=GitHubIssueFactory(number=12))
    # An action item with the incident's pk must not get the incident's links.
    same_pk = ActionItemFactory(team=gh_team)
    ActionItem.objects.filter(pk=same_pk.pk).update(id=incident.pk + 10_000)
    with CaptureQueriesContext(connection) as queries:
        selectors.links_for_items([incident, *items])
    assert len(queries) == 1
    numbers = [[link.issue.number for link in x.github_issue_links] for x in [incident, *items]]
    assert numbers == [[10], [11, 12], [], []]


@pytest.mark.django_db(transaction=True)
def test_the_forms_go_back_where_they_were_opened_from(client, member, item, fake_github, queued):
    client.force_login(member)
    back = "/incidents/ops/action-items/?mine=on"
    form = client.get(page(item, "create/") + "?next=/incidents/ops/action-items/%3Fmine%3Don")
    assert f'<input type="hidden" name="next" value="{back}">' in (form.content.decode())
    data = {"repository": REPO, "title": "Fix it", "body": "", "labels": "", "assignee": ""}
    response = client.post(page(item, "create/") + f"?next={back}", data)
    assert response.status_code == 302
    assert response.url == back
    linked = fake_github.add_issue(REPO, title="Existing")
    response = client.post(
        page(item, "link/"),
        {"reference": f"{REPO}#{linked['number']}", "next": "https://evil.example/"},
    )
    assert response.url == page(item)  # an outside address is not followed
