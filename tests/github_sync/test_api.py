"""The API: create (202, then 200 for the same item and repository), link, list, retry,
status; the permission matrix; no foreign object named; no secret in any answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from github_sync.models import IssueLink
from github_sync.services import creation
from tests.github_sync.conftest import REPO, TOKEN
from tests.github_sync.factories import GitHubIssueFactory, IssueLinkFactory
from tests.incidents.factories import ActionItemFactory, IncidentFactory


def url(item, suffix=""):
    return f"/api/v1/teams/{item.team.slug}/action-items/{item.pk}/github-issues/{suffix}"


@pytest.fixture
def incident(gh_team, owner):
    return IncidentFactory(team=gh_team, owner=owner)


@pytest.mark.django_db(transaction=True)
def test_create_answers_202_then_200_with_the_same_link(api_as, member, item, fake_github, queued):
    client = api_as(member)
    body = {"create": {"repository": REPO, "labels": ["bug"]}}
    first = client.post(url(item), body, format="json")
    assert first.status_code == 202
    assert first.json()["status"] == "creating"
    second = client.post(url(item), body, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert [name for name, *_ in queued] == ["issue_create"]

    creation.issue_create_run(link_id=first.json()["id"])
    listed = client.get(url(item)).json()["results"]
    assert listed[0]["status"] == "created"
    assert listed[0]["issue"]["reference"] == f"{REPO}#1"
    assert listed[0]["issue"]["state_label"] == "open"
    assert client.post(url(item), body, format="json").status_code == 200
    assert len(fake_github.issues(REPO)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "form", ["{repo}#{n}", "https://github.com/{repo}/issues/{n}", "{base}/{repo}/issues/{n}"]
)
def test_link_by_reference_or_url(api_as, member, item, fake_github, queued, form):
    data = fake_github.add_issue(REPO, title="Existing", labels=["bug"])
    reference = form.format(repo=REPO, n=data["number"], base=fake_github.base_url)
    client = api_as(member)
    response = client.post(url(item), {"link": reference}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["issue"]["title"] == "Existing"
    assert response.json()["status"] == "linked"
    again = client.post(url(item), {"link": reference}, format="json")
    assert again.status_code == 200
    assert IssueLink.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_link_errors_are_400s(api_as, member, item, fake_github, queued):
    client = api_as(member)
    pr = fake_github.add_issue(REPO, pull_request=True)
    for body in [
        {"link": "nonsense"},
        {"link": f"{REPO}#999"},
        {"link": f"{REPO}#{pr['number']}"},
        {"link": f"https://github.com/{REPO}/pull/3"},
        {},
        {"link": f"{REPO}#1", "create": {"repository": REPO}},
    ]:
        response = client.post(url(item), body, format="json")
        assert response.status_code == 400, body


@pytest.mark.django_db(transaction=True)
def test_link_while_github_is_down_stores_it_and_fetches_later(
    api_as, member, item, fake_github, queued
):
    fake_github.add_issue(REPO, title="Later")
    fake_github.inject("get", "502")
    response = api_as(member).post(url(item), {"link": f"{REPO}#1"}, format="json")
    assert response.status_code == 201
    assert response.json()["issue"]["synced_at"] is None
    [(name, (issue_id,), _)] = queued
    assert name == "issue_refresh"
    from github_sync import tasks

    tasks.issue_refresh(issue_id)
    assert api_as(member).get(url(item)).json()["results"][0]["issue"]["title"] == "Later"


@pytest.mark.parametrize("repository", ["other/repo", "ops/elsewhere-secret"])
def test_a_foreign_repository_is_a_400_naming_nothing(api_as, member, item, repository, queued):
    response = api_as(member).post(url(item), {"create": {"repository": repository}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"repository": ["Not one of this team's GitHub repositories."]}
    response = api_as(member).post(url(item), {"link": f"{repository}#1"}, format="json")
    assert response.status_code == 400
    assert repository not in response.content.decode()


def test_extra_team_repositories_are_allowed(api_as, member, item, gh_team, queued):
    from github_sync.models import TeamRepository

    TeamRepository.objects.create(team=gh_team, repository="ops/platform")
    response = api_as(member).post(
        url(item), {"create": {"repository": "ops/platform"}}, format="json"
    )
    assert response.status_code == 202


def test_bad_create_fields_are_400(api_as, member, item, queued):
    for fields in [{"assignee": "not a login!"}, {"labels": ["x" * 60]}, {"title": "x" * 300}]:
        response = api_as(member).post(
            url(item), {"create": {"repository": REPO, **fields}}, format="json"
        )
        assert response.status_code == 400, fields
    assert IssueLink.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("anonymous", 401, 401), ("outsider", 404, 404), ("member", 200, 202), ("lead", 200, 202)],
)
def test_permission_matrix_on_item_links(api_as, request, item, queued, who, read, write):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = api_as(user)
    assert client.get(url(item)).status_code == read
    response = client.post(url(item), {"create": {"repository": REPO}}, format="json")
    assert response.status_code == write


@pytest.mark.parametrize(
    ("who", "code"), [("anonymous", 401), ("outsider", 404), ("member", 403), ("lead", 200)]
)
def test_permission_matrix_on_the_status(api_as, request, gh_team, who, code):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    assert api_as(user).get(f"/api/v1/teams/{gh_team.slug}/github/status/").status_code == code


def test_another_teams_item_is_a_404(api_as, member, gh_team, queued):
    other = ActionItemFactory()
    response = api_as(member).get(
        f"/api/v1/teams/{gh_team.slug}/action-items/{other.pk}/github-issues/"
    )
    assert response.status_code == 404


def test_incident_links_and_retry(api_as, member, incident, queued):
    base = f"/api/v1/teams/{incident.team.slug}/incidents/{incident.pk}/github-issues/"
    response = api_as(member).post(base, {"create": {"repository": REPO}}, format="json")
    assert response.status_code == 202
    link_id = response.json()["id"]
    IssueLink.objects.filter(pk=link_id).update(status="failed", failure_reason="GitHub 500")
    queued.clear()
    response = api_as(member).post(f"{base}{link_id}/retry/")
    assert response.status_code == 200
    assert response.json()["status"] == "creating"


def test_the_list_has_a_constant_query_count(api_as, member, item):
    client = api_as(member)
    counts = []
    for size, start in ((1, 100), (10, 200)):
        IssueLink.objects.all().delete()
        for n in range(size):
            IssueLinkFactory(action_item=item, issue=GitHubIssueFactory(number=start + n))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(item)).json()["count"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_status_api_shows_pending_and_failed(api_as, lead, item, queued):
    creation.issue_create_request(target=item, repository=REPO, by=lead)
    data = api_as(lead).get(f"/api/v1/teams/{item.team.slug}/github/status/").json()
    assert data["repositories"][0]["repository"] == REPO
    assert len(data["pending"]) == 1
    assert data["failed"] == []
    assert TOKEN not in str(data)
