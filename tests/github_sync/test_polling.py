"""Polling: one conditional request for an unchanged repository, pages only for changes."""

import datetime as dt
import math

import pytest
from django.core.management import call_command
from django.utils import timezone

from github_sync.models import GitHubIssue, IssueLink, RepositorySync
from github_sync.services import polling
from incidents.models import ActionItem
from outbox.models import OutboundEmail
from tests.github_sync.conftest import REPO
from tests.incidents.factories import ActionItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def link_all(fake, team, owner=None):
    """Link every issue of the fake's repository to an action item (as stored rows)."""
    for data in fake.issues(REPO):
        if "pull_request" in data:
            continue
        item = ActionItemFactory(team=team, owner=owner)
        issue = GitHubIssue.objects.create(
            repository=REPO,
            number=data["number"],
            title=data["title"],
            state=data["state"],
            github_updated_at=dt.datetime.fromisoformat(data["updated_at"].replace("Z", "+00:00")),
            synced_at=timezone.now(),
        )
        IssueLink.objects.create(
            team=team, action_item=item, issue=issue, repository=REPO, status="linked"
        )


def old_issues(fake, count, **kwargs):
    """Issues last updated a day ago (before the sync's first cursor)."""
    fake.clock_offset = dt.timedelta(days=-1)
    for n in range(count):
        fake.add_issue(REPO, title=f"Issue {n}", **kwargs)
    fake.clock_offset = dt.timedelta()


def settle(fake):
    """Poll until the repository answers 304 (the first polls store cursor and ETag)."""
    for _ in range(4):
        if polling.repository_poll(repository=REPO).result == "not modified":
            return
    raise AssertionError("never settled")


def poll(fake):
    fake.reset_requests()
    result = polling.repository_poll(repository=REPO)
    return result, fake.count(method="GET")


def test_an_unchanged_repository_costs_one_request_answered_304(fake_github, gh_team):
    old_issues(fake_github, 150)
    link_all(fake_github, gh_team)
    settle(fake_github)

    result, requests = poll(fake_github)

    assert (result.result, requests) == ("not modified", 1)
    assert fake_github.requests[0].status == 304
    assert fake_github.requests[0].headers.get("If-None-Match")
    sync = RepositorySync.objects.get()
    assert sync.last_poll_result == RepositorySync.Result.NOT_MODIFIED
    assert sync.last_poll_requests == 1
    assert sync.rate_remaining is not None


@pytest.mark.parametrize("changed", [1, 99, 100, 101, 250])
def test_k_changed_issues_cost_at_most_1_plus_ceil_k_over_100(fake_github, gh_team, changed):
    old_issues(fake_github, 300)
    link_all(fake_github, gh_team)
    settle(fake_github)
    for number in range(1, changed + 1):
        fake_github.update_issue(REPO, number, title=f"Changed {number}")

    result, requests = poll(fake_github)

    assert requests <= 1 + math.ceil(changed / 100)
    assert result.changed == changed
    assert GitHubIssue.objects.filter(title__startswith="Changed").count() == changed
    # No issue was fetched one by one.
    assert all(r.path == f"/repos/{REPO}/issues" for r in fake_github.requests)
    # The next poll asks from the new cursor (the overlap lists the changed issues
    # again, changing nothing); from then on it is one 304.
    results = []
    for _ in range(2):
        again, requests = poll(fake_github)
        assert requests <= 1 + math.ceil(changed / 100)
        assert again.changed in (0, changed)
        results.append(again.result)
    assert results[-1] == "not modified"


def test_pull_requests_in_the_listing_are_skipped(fake_github, gh_team):
    old_issues(fake_github, 1)
    link_all(fake_github, gh_team)
    settle(fake_github)
    fake_github.advance(600)
    fake_github.add_issue(REPO, title="A pull request", pull_request=True)
    fake_github.update_issue(REPO, 1, state="closed")

    result, _ = poll(fake_github)

    assert result.pull_requests_skipped == 1
    assert GitHubIssue.objects.count() == 1
    assert ActionItem.objects.get().status == ActionItem.Status.DONE


def test_polling_applies_the_state_policy_and_the_regression_once(fake_github, gh_team, owner):
    old_issues(fake_github, 1)
    link_all(fake_github, gh_team, owner)
    settle(fake_github)
    fake_github.advance(600)
    fake_github.update_issue(REPO, 1, state="closed", state_reason="not_planned")
    poll(fake_github)
    assert ActionItem.objects.get().status == ActionItem.Status.DROPPED
    fake_github.advance(600)
    fake_github.update_issue(REPO, 1, state="open")
    poll(fake_github)
    poll(fake_github)
    item = ActionItem.objects.get()
    assert item.status == ActionItem.Status.OPEN
    assert GitHubIssue.objects.get().is_regression
    assert OutboundEmail.objects.filter(key__startswith="github-regression:").count() == 1


def test_a_rate_limited_poll_waits_for_the_reset(fake_github, gh_team):
    fake_github.add_issue(REPO)
    link_all(fake_github, gh_team)
    fake_github.retry_after = 120
    fake_github.inject("list", "secondary_rate_limit")
    result, _ = poll(fake_github)
    assert result.result == "rate limited"
    assert result.retry_in == 120
    result, requests = poll(fake_github)
    assert result.result.startswith("skipped")
    assert requests == 0
    sync = RepositorySync.objects.get()
    assert "secondary rate limit" in sync.last_error


def test_the_command_polls_now(fake_github, gh_team, capsys):
    fake_github.add_issue(REPO)
    link_all(fake_github, gh_team)
    call_command("github_sync", "--repo", REPO)
    call_command("github_sync")
    out = capsys.readouterr().out
    assert out.count(f"{REPO}:") == 2


def test_timestamps_are_stored_in_utc(fake_github, gh_team):
    fake_github.add_issue(REPO)
    link_all(fake_github, gh_team)
    issue = GitHubIssue.objects.get()
    polling.issue_refresh(issue_id=issue.pk)
    issue.refresh_from_db()
    assert issue.github_updated_at.utcoffset() == dt.timedelta(0)
    assert issue.synced_at.tzinfo is not None
