"""The dashboard puts every app's panel on one page: its query count must not grow with
the number of rotations, meetings, incidents or action items behind it."""

import datetime as dt

import pytest
import time_machine

from deployments.services import campaigns
from incidents.models import ActionItem
from teams.models import Membership
from tests.deployments.factories import HostFactory
from tests.github_sync.factories import GitHubIssueFactory, IssueLinkFactory
from tests.incidents.factories import ActionItemFactory, IncidentFactory
from tests.meetings.factories import make_series
from tests.shifts.factories import people, rotation
from tests.teams.factories import MembershipFactory, ProfileFactory, TeamFactory

NOW = dt.datetime(2027, 3, 22, 14, 30, tzinfo=dt.UTC)  # a Monday, during a 16:00 CET meeting


def a_team_with_everything(user, size: int):
    team = TeamFactory()
    MembershipFactory(team=team, user=user, role=Membership.Role.LEAD)
    rotation(team, [user, *people(team, 2, prefix=f"{team.slug}-")], now=NOW)
    for number in range(size):
        make_series(team, title=f"Meeting {number}", now=NOW, rrule="FREQ=WEEKLY;BYDAY=MO,FR")
        IncidentFactory(team=team, owner=user)
        item = ActionItemFactory(team=team, owner=user, due_on=dt.date(2027, 3, 1))
        # The GitHub panel: a regression, and an incident with no issue 3 hours on.
        regressed = GitHubIssueFactory(
            title=f"Reopened {team.slug} {number}", is_regression=True, regression_at=NOW
        )
        IssueLinkFactory(action_item=item, issue=regressed)
        IncidentFactory(team=team, owner=user, detected_at=NOW - dt.timedelta(hours=3))
    hosts = [HostFactory(team=team) for _ in range(size)]
    campaigns.campaign_create(team=team, title=f"Drain {team.slug}", by=user, hosts=hosts)
    return team


@pytest.mark.parametrize("size", [1, 8])
def test_dashboard_query_count_is_constant(db, user_client, size, django_assert_num_queries):
    user = MembershipFactory(user__username="viewer").user
    with time_machine.travel(NOW, tick=False):
        for _ in range(2):
            a_team_with_everything(user, size)
        client = user_client(user)
        # 11 + campaigns + GitHub regressions, no issue + handover (shifts now and next, their
        # covers, their notes)
        with django_assert_num_queries(19):
            page = client.get("/").content.decode()
    assert page.count('class="oncall-rotation"') == 2
    assert 'id="meetings-panel"' in page
    assert page.count('class="campaign-panel"') == 2
    assert "Meeting 0" in page
    assert page.count('class="github-regression"') == min(2 * size, 10)
    assert page.count('class="github-missing"') == min(2 * size, 10)
    overdue = ActionItem.objects.filter(owner=user).overdue(today=NOW.date()).count()
    assert overdue == 2 * size


@pytest.mark.parametrize(
    ("zone", "heading", "cell"),
    [
        # Chicago viewer of a Zurich team: their own zone first, the team's after.
        ("America/Chicago", "From (America/Chicago · Europe/Zurich)", "Mon 22 Mar 03:00"),
        # Same zone as the team: named once, times shown once.
        ("Europe/Zurich", "From (Europe/Zurich)", "Mon 22 Mar 09:00"),
    ],
)
def test_oncall_headings_name_the_viewers_zone(db, user_client, zone, heading, cell):
    team = TeamFactory(time_zone="Europe/Zurich")
    viewer = MembershipFactory(team=team, user__username="dave").user
    ProfileFactory(user=viewer, time_zone=zone)
    with time_machine.travel(NOW, tick=False):
        rotation(team, [viewer, *people(team, 1)], now=NOW)
        page = user_client(viewer).get("/").content.decode()
    assert heading in page
    assert "(you ·" not in page
    assert cell in page


def test_github_panel_lists_the_viewers_teams_only(db, user_client, settings):
    settings.GITHUB_SEED_ISSUE_HOURS = 2
    mine, other = TeamFactory(), TeamFactory()
    viewer = MembershipFactory(team=mine, user__username="viewer").user
    with time_machine.travel(NOW, tick=False):
        for team in (mine, other):
            item = ActionItemFactory(team=team, title=f"Item of {team.slug}")
            issue = GitHubIssueFactory(
                repository="ops/service", is_regression=True, regression_at=NOW
            )
            IssueLinkFactory(action_item=item, issue=issue)
            IncidentFactory(
                team=team, title=f"Crash in {team.slug}", detected_at=NOW - dt.timedelta(hours=3)
            )
        IncidentFactory(team=mine, title="Too recent", detected_at=NOW - dt.timedelta(hours=1))
        linked = IncidentFactory(
            team=mine, title="Has its issue", detected_at=NOW - dt.timedelta(hours=3)
        )
        IssueLinkFactory(incident=linked)
        page = user_client(viewer).get("/").content.decode()
    panel = page[page.index('id="github-panel"') : page.index('id="incidents-panel"')]
    assert f"Item of {mine.slug}" in panel
    assert f"Crash in {mine.slug}" in panel
    assert f"/github/teams/{mine.slug}/incidents/" in panel  # Create GitHub issue
    for absent in (
        f"Item of {other.slug}",
        f"Crash in {other.slug}",
        "Too recent",
        "Has its issue",
    ):
        assert absent not in panel


def test_each_team_links_its_checklist_and_status_reports_and_leads_the_chat_settings(
    db, user_client
):
    user = MembershipFactory(user__username="viewer", team__slug="ops").user
    MembershipFactory(user=user, team__slug="dev", role=Membership.Role.LEAD)
    page = user_client(user).get("/").content.decode()
    for slug in ("ops", "dev"):
        assert f'href="/duties/{slug}/access/"' in page
        assert f'href="/status-reports/{slug}/"' in page
    assert 'href="/handover/dev/chat/"' in page
    assert 'href="/handover/ops/chat/"' not in page
