"""List pages and list APIs run the same number of queries however many rows there are
(and however many GitHub issues are linked to them)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from github_sync.models import GitHubIssue, IssueLink
from incidents.models import ActionItem, Component, Incident, KnowledgeEntry, SupportRequest
from incidents.selectors import action_item_list, incidents_open_for_teams
from teams.selectors import teams_for_user
from tests.teams.factories import MembershipFactory


def make_rows(team, owners, n):
    components = [Component.objects.get_or_create(team=team, name=f"C{i}")[0] for i in range(3)]
    now = timezone.now()
    incidents = Incident.objects.bulk_create(
        Incident(
            team=team,
            title=f"Incident {i}",
            kind=Incident.Kind.values[i % 4],
            owner=owners[i % len(owners)],
            detected_at=now - dt.timedelta(minutes=i),
        )
        for i in range(n)
    )
    Incident.components.through.objects.bulk_create(
        Incident.components.through(incident=incident, component=components[i % 3])
        for i, incident in enumerate(incidents)
    )
    items = ActionItem.objects.bulk_create(
        ActionItem(
            team=team,
            title=f"Item {i}",
            owner=owners[i % len(owners)],
            incident=incidents[i],
            source="incident",
            due_on=dt.date(2020, 1, 1) if i % 2 else None,
        )
        for i in range(n)
    )
    # Every incident and action item has a GitHub issue (the pages show them).
    first = GitHubIssue.objects.count() + 1
    issues = GitHubIssue.objects.bulk_create(
        GitHubIssue(repository="ops/service", number=first + i, title=f"Issue {i}")
        for i in range(2 * n)
    )
    IssueLink.objects.bulk_create(
        IssueLink(team=team, repository="ops/service", issue=issue, status="linked", **target)
        for issue, target in zip(
            issues,
            [{"incident": incident} for incident in incidents]
            + [{"action_item": item} for item in items],
            strict=True,
        )
    )
    SupportRequest.objects.bulk_create(
        SupportRequest(
            team=team,
            asked_by=f"P{i}",
            question="?",
            asked_at=now - dt.timedelta(hours=i),
            first_response_at=now - dt.timedelta(hours=i) + dt.timedelta(minutes=5),
            handled_by=owners[i % len(owners)],
        )
        for i in range(n)
    )
    entries = KnowledgeEntry.objects.bulk_create(
        KnowledgeEntry(team=team, title=f"Known {i}", symptom="backlog grows") for i in range(n)
    )
    KnowledgeEntry.components.through.objects.bulk_create(
        KnowledgeEntry.components.through(knowledgeentry=entry, component=components[i % 3])
        for i, entry in enumerate(entries)
    )


PAGES = [
    "/incidents/ops/",
    "/incidents/ops/?status=active&kind=system_failure",
    "/incidents/ops/action-items/",
    "/incidents/ops/action-items/?overdue=on",
    "/incidents/ops/support/",
    "/incidents/ops/kb/",
    "/incidents/ops/kb/?q=backlog",
    "/incidents/~mine/",
    "/",
]
APIS = [
    "/api/v1/teams/ops/incidents/?page_size=500",
    "/api/v1/teams/ops/incidents/?component=C0&page_size=500",
    "/api/v1/teams/ops/action-items/?page_size=500",
    "/api/v1/teams/ops/support-requests/?page_size=500",
    "/api/v1/teams/ops/support-requests/stats/?by=day",
    "/api/v1/teams/ops/knowledge/?page_size=500",
    "/api/v1/teams/ops/components/",
]


def count_queries(get, url):
    with CaptureQueriesContext(connection) as captured:
        response = get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("url", PAGES + APIS)
def test_query_count_does_not_grow_with_rows(
    url, team, member, lead, user_client, api_as, django_assert_num_queries
):
    owners = [member, lead, MembershipFactory(team=team).user]
    get = api_as(member).get if url.startswith("/api/") else user_client(member).get
    make_rows(team, owners, 3)
    small = count_queries(get, url)
    make_rows(team, owners, 37)
    with django_assert_num_queries(small):
        assert get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/incidents/ops/", "/api/v1/teams/ops/incidents/?page_size=500", "/"]
)
def test_incident_lists_with_a_thousand_incidents(
    url, team, member, lead, user_client, api_as, django_assert_num_queries
):
    get = api_as(member).get if url.startswith("/api/") else user_client(member).get
    make_rows(team, [member, lead], 3)
    small = count_queries(get, url)
    make_rows(team, [member, lead], 997)
    with django_assert_num_queries(small):
        response = get(url)
    assert response.status_code == 200
    if url.startswith("/api/"):
        assert response.json()["count"] == 1000


def test_the_dashboard_reads_the_newest_open_incidents_from_the_partial_index(team, member, lead):
    make_rows(team, [member, lead], 200)
    Incident.objects.filter(pk__in=Incident.objects.order_by("pk")[:100].values("pk")).update(
        status=Incident.Status.RESOLVED, resolved_at=timezone.now()
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as in production
    panel = incidents_open_for_teams(teams=teams_for_user(user=member))[:20]
    assert "incident_open_newest" in panel.explain()
    newest = Incident.objects.open().order_by("-detected_at", "-pk")[:20]
    assert list(panel) == list(newest)


def test_the_action_item_lists_read_open_items_first_from_their_index(team, member):
    """Years of closed items are not sorted to show the first page: the order is the
    `action_item_list_order` index's (open first, soonest due, undated last)."""
    other = MembershipFactory(user=member).team
    today = dt.date(2027, 1, 13)
    ActionItem.objects.bulk_create(
        ActionItem(
            team=(team, other)[n % 2],
            title=f"Item {n}",
            status=ActionItem.Status.OPEN if n % 10 == 0 else ActionItem.Status.DONE,
            due_on=None if n % 7 == 0 else today + dt.timedelta(days=n % 40 - 20),
        )
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as in production
    first_page = action_item_list(team=team, user=member)[:50]
    assert "action_item_list_order" in first_page.explain()
    items = list(action_item_list(team=team, user=member))
    shown = [(item.status != ActionItem.Status.OPEN, item.due_on or dt.date.max) for item in items]
    assert shown == sorted(shown)
    assert items[0].status == ActionItem.Status.OPEN
    assert list(first_page) == items[:50]
