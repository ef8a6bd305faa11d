"""Exactly one GitHub issue per item and repository, whatever fails and however often."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from github_sync import tasks
from github_sync.client import GitHubClient
from github_sync.models import IssueLink
from github_sync.services import creation
from tests.github_sync.conftest import REPO

pytestmark = pytest.mark.django_db(transaction=True)


def request(item, user=None, **kwargs):
    return creation.issue_create_request(target=item, repository=REPO, by=user, **kwargs)


def issues_in(fake):
    return fake.issues(REPO)


def posts(fake):
    return fake.count(method="POST", path=f"/repos/{REPO}/issues")


def test_one_click_opens_one_issue_with_the_marker_and_a_link_back(fake_github, item, queued):
    link, new = request(item, labels=["bug"])
    assert new
    assert link.status == IssueLink.Status.CREATING
    assert queued == [("issue_create", (link.pk,), None)]

    assert creation.issue_create_run(link_id=link.pk).result == "created"

    link.refresh_from_db()
    [issue] = issues_in(fake_github)
    assert link.status == IssueLink.Status.CREATED
    assert (link.issue.repository, link.issue.number) == (REPO, issue["number"])
    assert issue["title"] == "Fix the JobAccountant crash"
    assert f"<!-- shiftdesk:{link.creation_key} -->" in issue["body"]
    assert "It crashes." in issue["body"]
    assert f"https://shiftdesk.example.org{item.get_absolute_url()}" in issue["body"]
    assert [label["name"] for label in issue["labels"]] == ["bug"]
    assert [person["login"] for person in issue["assignees"]] == ["owner-gh"]  # the owner's
    assert posts(fake_github) == 1


@pytest.mark.parametrize("fault", ["502_after", "drop_after", "timeout_after"])
def test_an_uncertain_failure_after_a_successful_create_finds_the_issue(
    fake_github, item, queued, fault
):
    link, _ = request(item)
    fake_github.inject("create", fault)

    outcome = creation.issue_create_run(link_id=link.pk)

    assert outcome.result == "deferred"
    assert outcome.retry_in == 30
    assert len(issues_in(fake_github)) == 1  # GitHub did create it
    link.refresh_from_db()
    assert link.status == IssueLink.Status.CREATING
    assert link.next_attempt_at is not None

    assert creation.issue_create_run(link_id=link.pk).result == "found"
    assert creation.issue_create_run(link_id=link.pk).result == "done"

    link.refresh_from_db()
    assert len(issues_in(fake_github)) == 1
    assert posts(fake_github) == 1  # never a blind second create
    assert link.status == IssueLink.Status.CREATED
    assert link.issue.number == issues_in(fake_github)[0]["number"]


@pytest.mark.parametrize("fault", ["timeout", "500", "502"])
def test_a_failure_before_the_create_searches_then_creates_once(fake_github, item, queued, fault):
    link, _ = request(item)
    fake_github.inject("create", fault)

    assert creation.issue_create_run(link_id=link.pk).result == "deferred"
    assert issues_in(fake_github) == []
    assert creation.issue_create_run(link_id=link.pk).result == "created"

    assert len(issues_in(fake_github)) == 1
    link.refresh_from_db()
    assert link.status == IssueLink.Status.CREATED


def test_a_secondary_rate_limit_requeues_with_retry_after_and_sleeps_no_worker(
    fake_github, item, queued, monkeypatch
):
    link, _ = request(item)
    queued.clear()
    fake_github.retry_after = 90
    fake_github.inject("create", "secondary_rate_limit")

    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail(f"slept {seconds} s"))
    assert tasks.issue_create(link.pk) == "deferred"

    assert queued == [("issue_create", (link.pk,), 90)]
    link.refresh_from_db()
    assert link.status == IssueLink.Status.CREATING
    assert abs((link.next_attempt_at - timezone.now()).total_seconds() - 90) < 5
    assert link.pk not in creation.creations_due_ids()  # the sweep waits for the countdown
    assert creation.creations_due_ids(now=timezone.now() + dt.timedelta(seconds=91)) == [link.pk]

    assert tasks.issue_create(link.pk) == "created"
    assert len(issues_in(fake_github)) == 1


def test_a_primary_rate_limit_waits_until_the_reset(fake_github, item, queued):
    link, _ = request(item)
    fake_github.retry_after = 300
    fake_github.inject("create", "primary_rate_limit")
    outcome = creation.issue_create_run(link_id=link.pk)
    assert outcome.result == "deferred"
    assert 290 <= outcome.retry_in <= 302


def test_persistent_5xx_fails_with_the_reason_and_retry_creates_once(
    fake_github, item, queued, settings
):
    settings.GITHUB_CREATE_MAX_ATTEMPTS = 3
    link, _ = request(item)
    fake_github.inject("any", "500", times=10)
    results = [creation.issue_create_run(link_id=link.pk).result for _ in range(3)]
    assert results == ["deferred", "deferred", "failed"]
    link.refresh_from_db()
    assert link.status == IssueLink.Status.FAILED
    assert "500" in link.failure_reason
    assert "3 attempts" in link.failure_reason

    fake_github.faults.clear()
    queued.clear()
    link = creation.issue_create_retry(link=link)
    assert link.status == IssueLink.Status.CREATING
    assert queued == [("issue_create", (link.pk,), None)]
    assert creation.issue_create_run(link_id=link.pk).result == "created"
    assert len(issues_in(fake_github)) == 1


def test_a_rejected_create_fails_at_once(fake_github, item, queued, gh_team):
    gh_team.github_repo = "ops/missing"  # not on the fake: 404
    gh_team.save()
    link, _ = creation.issue_create_request(target=item, repository="ops/missing", by=None)
    assert creation.issue_create_run(link_id=link.pk).result == "failed"
    link.refresh_from_db()
    assert link.status == IssueLink.Status.FAILED
    assert "404" in link.failure_reason


def test_double_submit_and_two_tabs_give_one_link_and_one_task(fake_github, item, queued, owner):
    first, new_first = request(item, owner)
    second, new_second = request(item, owner, title="Another title from a second tab")
    assert (new_first, new_second) == (True, False)
    assert first.pk == second.pk
    assert [name for name, *_ in queued] == ["issue_create"]
    creation.issue_create_run(link_id=first.pk)
    third, new_third = request(item, owner)
    assert not new_third
    assert third.status == IssueLink.Status.CREATED
    assert len(issues_in(fake_github)) == 1


def test_two_concurrent_requests_and_two_concurrent_runs_make_one_issue(fake_github, item, queued):
    barrier = threading.Barrier(4)
    links, results, errors = [], [], []

    def click():
        try:
            barrier.wait()
            links.append(request(item)[0].pk)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(links)) == 1
    link_id = links[0]

    def run():
        try:
            barrier.wait()
            results.append(creation.issue_create_run(link_id=link_id).result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count("created") == 1
    assert set(results) <= {"created", "busy", "done"}
    assert len(issues_in(fake_github)) == 1
    assert IssueLink.objects.get().status == IssueLink.Status.CREATED


def test_a_killed_worker_is_swept_and_its_issue_found_not_duplicated(fake_github, item, queued):
    link, _ = request(item)
    now = timezone.now()
    # The worker claimed the row, GitHub created the issue, then the worker died.
    IssueLink.objects.filter(pk=link.pk).update(
        attempts=1,
        first_attempt_at=now - dt.timedelta(minutes=10),
        claimed_until=now - dt.timedelta(minutes=1),
        updated_at=now - dt.timedelta(minutes=10),
    )
    fake_github.add_issue(REPO, title="x", body=f"body\n\n{link.marker}")
    fake_github.add_issue(REPO, title="unrelated", body="<!-- shiftdesk:someoneelse -->")

    assert creation.creations_due_ids() == [link.pk]
    queued.clear()
    tasks.sweep()
    assert ("issue_create", (link.pk,), None) in queued
    assert tasks.issue_create(link.pk) == "found"
    assert posts(fake_github) == 0
    link.refresh_from_db()
    assert link.issue.number == 1


def test_a_claimed_row_is_left_alone_until_its_lease_runs_out(fake_github, item, queued):
    link, _ = request(item)
    IssueLink.objects.filter(pk=link.pk).update(
        claimed_until=timezone.now() + dt.timedelta(minutes=1)
    )
    assert creation.issue_create_run(link_id=link.pk).result == "busy"
    assert posts(fake_github) == 0


def test_no_github_call_inside_a_transaction(fake_github):
    with transaction.atomic(), pytest.raises(RuntimeError, match="inside a database transaction"):
        GitHubClient.from_settings().get_issue(REPO, 1)


def test_an_incident_gets_its_issue_the_same_way(fake_github, gh_team, owner, queued):
    from tests.incidents.factories import IncidentFactory

    incident = IncidentFactory(team=gh_team, owner=owner, title="Backlog in RucioInjector")
    link, _ = creation.issue_create_request(target=incident, repository="OPS/Service", by=None)
    assert link.repository == REPO  # the team's spelling
    creation.issue_create_run(link_id=link.pk)
    link.refresh_from_db()
    assert link.status == IssueLink.Status.CREATED
    assert fake_github.issues(REPO)[0]["title"] == "Backlog in RucioInjector"
