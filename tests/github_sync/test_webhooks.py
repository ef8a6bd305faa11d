"""POST /github/webhook/: signed, deduplicated by delivery, answered fast, done by a task."""

import json

import pytest

from github_sync import tasks
from github_sync.models import GitHubIssue, WebhookDelivery
from github_sync.services import deliveries
from incidents.models import ActionItem
from outbox.models import OutboundEmail
from tests.github_sync.conftest import payload, sign
from tests.github_sync.factories import GitHubIssueFactory, IssueLinkFactory
from tests.incidents.factories import ActionItemFactory


@pytest.fixture
def linked(db, item):
    issue = GitHubIssueFactory(
        repository="ops/service", number=7, state="open", github_updated_at=None
    )
    return IssueLinkFactory(issue=issue, action_item=item)


def deliver(post_webhook, event, name, django_capture_on_commit_callbacks, queued, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(event, payload(name), **kwargs)
    for task, args, _ in list(queued):
        if task == "webhook_process":
            tasks.webhook_process(*args)
    queued.clear()
    return response


@pytest.fixture
def send(post_webhook, django_capture_on_commit_callbacks, queued):
    def run(name, event="issues", **kwargs):
        return deliver(
            post_webhook, event, name, django_capture_on_commit_callbacks, queued, **kwargs
        )

    return run


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc", "garbage"])
def test_a_bad_or_missing_signature_is_403_and_changes_nothing(
    post_webhook, linked, signature, queued
):
    response = post_webhook("issues", payload("issues.closed"), signature=signature)
    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0
    assert queued == []
    linked.issue.refresh_from_db()
    assert linked.issue.state == "open"


def test_a_body_signed_with_another_secret_is_refused(post_webhook, linked):
    body = json.dumps(payload("issues.closed")).encode()
    response = post_webhook("issues", payload("issues.closed"), signature=sign(body, "other"))
    assert response.status_code == 403


def test_without_a_configured_secret_everything_is_refused(post_webhook, linked, settings):
    settings.GITHUB_WEBHOOK_SECRET = ""
    response = post_webhook("issues", payload("issues.closed"), signature=sign(b"x", ""))
    assert response.status_code == 403


def test_the_webhook_needs_no_login_and_answers_before_any_work(
    post_webhook, linked, queued, django_capture_on_commit_callbacks
):
    """The answer only stores the delivery and queues it: the work is the worker's."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook("issues", payload("issues.closed"))
    assert response.status_code == 202
    assert response.json() == {"result": "queued"}
    delivery = WebhookDelivery.objects.get()
    assert queued == [("webhook_process", (delivery.pk,), None)]
    linked.issue.refresh_from_db()
    assert linked.issue.state == "open"  # not processed yet


def test_ping_is_answered(post_webhook, db):
    response = post_webhook("ping", payload("ping"))
    assert response.status_code == 200
    assert response.json() == {"result": "pong"}


def test_a_redelivery_is_ignored(send, linked):
    assert send("issues.closed", delivery="abc-1").json() == {"result": "queued"}
    assert send("issues.closed", delivery="abc-1").json() == {"result": "ignored: redelivery"}
    assert WebhookDelivery.objects.count() == 1


def test_events_for_issues_nobody_linked_are_ignored(send, db, item):
    response = send("issues.closed")
    assert response.json() == {"result": "ignored: issue not linked"}
    assert WebhookDelivery.objects.count() == 0
    assert GitHubIssue.objects.count() == 0


def test_a_bad_body_is_400(post_webhook, db, client):
    body = b"not json"
    response = client.post(
        "/github/webhook/",
        body,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="issues",
        HTTP_X_GITHUB_DELIVERY="d1",
        HTTP_X_HUB_SIGNATURE_256=sign(body),
    )
    assert response.status_code == 400


def test_opened_edited_labeled_assigned_update_the_issue(send, linked):
    send("issues.opened")
    send("issues.edited")
    issue = GitHubIssue.objects.get()
    assert issue.title == "JobAccountant crashes on an empty FWJR"
    send("issues.labeled")
    issue.refresh_from_db()
    assert issue.labels == ["bug", "urgent"]
    send("issues.unlabeled")
    send("issues.assigned")
    issue.refresh_from_db()
    assert issue.labels == []
    assert issue.assignees == ["bob-gh", "alice-gh"]
    send("issues.unassigned")
    issue.refresh_from_db()
    assert issue.assignees == []
    assert issue.github_updated_at.isoformat() == "2027-03-29T07:28:00+00:00"  # UTC


def test_an_older_delivery_does_not_overwrite_newer_data(send, linked):
    send("issues.unassigned")  # 07:28
    send("issues.labeled")  # 07:25, arrives late
    issue = GitHubIssue.objects.get()
    assert issue.labels == []


def test_issue_comment_refreshes_the_issue(send, linked):
    send("issue_comment.created", event="issue_comment")
    issue = GitHubIssue.objects.get()
    assert issue.comments == 1


def test_closed_as_completed_marks_the_item_done(send, linked):
    send("issues.opened")
    send("issues.closed")
    item = ActionItem.objects.get()
    assert item.status == ActionItem.Status.DONE
    assert item.closed_at is not None
    issue = GitHubIssue.objects.get()
    assert issue.state_label == "closed: completed"
    assert issue.was_closed


def test_closed_as_not_planned_drops_the_item(send, linked):
    send("issues.opened")
    send("issues.closed.not_planned")
    assert ActionItem.objects.get().status == ActionItem.Status.DROPPED
    assert GitHubIssue.objects.get().state_label == "closed: not planned"


def test_an_item_with_two_issues_is_done_when_the_last_closes(send, linked, item):
    IssueLinkFactory(action_item=item, issue=GitHubIssueFactory(number=8, state="open"))
    send("issues.opened")
    send("issues.closed")
    assert ActionItem.objects.get().status == ActionItem.Status.OPEN


def test_reopened_after_close_reopens_flags_and_emails_the_owner_once(send, linked, item):
    send("issues.opened")
    send("issues.closed")
    send("issues.reopened")
    send("issues.reopened", delivery="another-id-same-event")  # nothing new
    item.refresh_from_db()
    issue = GitHubIssue.objects.get()
    assert item.status == ActionItem.Status.OPEN
    assert issue.is_regression
    assert issue.reopen_count == 1
    [email] = OutboundEmail.objects.all()
    assert email.to == [item.owner.email]
    assert "Regression" in email.subject
    assert "ops/service#7" in email.subject

    from github_sync import selectors

    assert [link.pk for link in selectors.regressions_for_teams(teams=[item.team])] == [linked.pk]


def test_deleted_and_transferred(send, linked):
    send("issues.opened")
    send("issues.transferred")
    issue = GitHubIssue.objects.get()
    assert (issue.repository, issue.number) == ("ops/platform", 31)
    assert issue.transferred_from == "ops/service#7"


def test_deleted_marks_the_issue(send, linked):
    send("issues.deleted")
    issue = GitHubIssue.objects.get()
    assert issue.deleted_at is not None
    assert issue.state_label == "deleted"


def test_a_lost_task_is_swept(post_webhook, linked, django_capture_on_commit_callbacks, queued):
    import datetime as dt

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        post_webhook("issues", payload("issues.closed"))
    queued.clear()  # the task was lost
    delivery = WebhookDelivery.objects.get()
    assert deliveries.deliveries_pending_ids() == []  # not before the grace period
    later = timezone.now() + dt.timedelta(minutes=2)
    assert deliveries.deliveries_pending_ids(now=later) == [delivery.pk]
    tasks.webhook_process(delivery.pk)
    tasks.webhook_process(delivery.pk)  # twice: no harm
    delivery.refresh_from_db()
    assert delivery.processed_at is not None
    assert ActionItem.objects.get().status == ActionItem.Status.DONE


def test_other_items_are_untouched(send, linked, gh_team):
    other = ActionItemFactory(team=gh_team)
    send("issues.opened")
    send("issues.closed")
    other.refresh_from_db()
    assert other.status == ActionItem.Status.OPEN
