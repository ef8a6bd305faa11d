"""The matrix page and the matrix API run the same number of queries however many
hosts and changes there are (pinned at two sizes)."""

import pytest

from deployments.models import Change, HostChange
from deployments.services import campaigns
from tests.deployments.factories import fleet


def grow(team, hosts_per_site, n_changes):
    agents = fleet(team, per_site=hosts_per_site)
    for number in range(n_changes):
        change = Change.objects.create(team=team, title=f"Patch {number}")
        HostChange.objects.bulk_create(
            HostChange(change=change, host=host, state=HostChange.State.values[(i + number) % 4])
            for i, host in enumerate(agents)
        )
    return agents


# url, queries. Pages: session, user and the viewer's zone (4) + team access + their own;
# the API: user (forced) + team access + its own.
CASES = [
    ("/deployments/ops/", 8),  # hosts, open changes, their cells
    ("/deployments/ops/?site=CERN&release=2.3.4", 8),
    ("/api/v1/teams/ops/changes/matrix/", 4),
    ("/api/v1/teams/ops/changes/?page_size=500", 3),
    ("/api/v1/teams/ops/hosts/?page_size=500", 3),
    ("/deployments/ops/changes/", 6),
    ("/deployments/ops/hosts/", 6),
    ("/deployments/ops/campaigns/", 6),
    ("/api/v1/teams/ops/campaigns/", 3),
]


@pytest.mark.parametrize(("hosts_per_site", "n_changes"), [(2, 2), (15, 12)])
@pytest.mark.parametrize(("url", "queries"), CASES)
def test_query_count_does_not_grow(
    team,
    member,
    lead,
    user_client,
    api_as,
    django_assert_num_queries,
    url,
    queries,
    hosts_per_site,
    n_changes,
):
    agents = grow(team, hosts_per_site, n_changes)
    campaigns.campaign_create(team=team, title="Drain", by=lead, hosts=agents)
    get = api_as(member).get if url.startswith("/api/") else user_client(member).get
    with django_assert_num_queries(queries):
        response = get(url)
    assert response.status_code == 200
    if url == "/deployments/ops/":
        body = response.content.decode()
        assert body.count('class="cell state-') == 2 * hosts_per_site * n_changes


@pytest.mark.parametrize("size", [2, 12])
def test_campaign_and_host_pages_do_not_grow(
    team, member, lead, user_client, api_as, django_assert_num_queries, size
):
    agents = grow(team, size, size)
    campaign = campaigns.campaign_create(
        team=team, title="Drain", by=lead, hosts=agents, checklist=[("a", True), ("b", False)]
    )
    client = user_client(member)
    with django_assert_num_queries(9):
        assert client.get(f"/deployments/ops/campaigns/{campaign.pk}/").status_code == 200
    with django_assert_num_queries(5):
        assert api_as(member).get(f"/api/v1/teams/ops/campaigns/{campaign.pk}/").status_code == 200
    with django_assert_num_queries(8):
        assert client.get(f"/deployments/ops/hosts/{agents[0].name}/").status_code == 200
