"""Storing what GitHub says of an issue, and the state policy GitHub → Shiftdesk.

Whatever brings the news (a poll, a webhook, a create, a link), it goes through
`issue_apply_remote`, which ignores news older than what is stored and acts only on a
*transition* it sees:

- closed as completed → the linked open action items are done (once all their issues
  are closed); closed as not planned or duplicate → they are dropped;
- reopened after being closed → the items are reopened, the issue is flagged as a
  regression, and each owner is emailed once for that reopening (outbox key).

Shiftdesk never writes to GitHub here.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from github_sync.client import GitHubClient, RemoteIssue, redact
from github_sync.models import GitHubIssue, IssueLink, RepositorySync, SyncError
from incidents.models import ActionItem
from incidents.services import action_items as incident_services
from outbox.services import email_queue
from teams.selectors import person_name

logger = logging.getLogger(__name__)

DROPPING_REASONS = {GitHubIssue.StateReason.NOT_PLANNED, GitHubIssue.StateReason.DUPLICATE}
KEEP_ERRORS = 500


def issue_apply_remote(
    *, remote: RemoteIssue, create: bool = False, now: dt.datetime | None = None
) -> GitHubIssue | None:
    """Store `remote` on its GitHubIssue row (made when `create`) and apply the policy.

    Returns None for an issue nobody linked (and `create` false). News older than the
    stored `github_updated_at` changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        issue = (
            GitHubIssue.objects.select_for_update()
            .in_repository(remote.repository)
            .filter(number=remote.number)
            .first()
        )
        if issue is None:
            if not create:
                return None
            issue = GitHubIssue(repository=remote.repository, number=remote.number)
        elif (
            issue.github_updated_at
            and remote.updated_at
            and remote.updated_at < issue.github_updated_at
        ):
            return issue
        previous = issue.state if issue.pk and issue.synced_at else None
        issue.title = remote.title
        issue.state = remote.state
        issue.state_reason = (
            remote.state_reason if remote.state_reason in GitHubIssue.StateReason.values else ""
        )
        issue.labels = list(remote.labels)
        issue.assignees = list(remote.assignees)
        issue.html_url = remote.html_url[:500]
        issue.comments = remote.comments
        issue.github_created_at = remote.created_at
        issue.github_updated_at = remote.updated_at
        issue.github_closed_at = remote.closed_at
        issue.closed_by_login = remote.closed_by if remote.state == "closed" else ""
        issue.synced_at = now
        closed_now = reopened_now = False
        if remote.state == GitHubIssue.State.CLOSED:
            closed_now = previous == GitHubIssue.State.OPEN
            issue.was_closed = True
            issue.is_regression = False
        elif previous == GitHubIssue.State.CLOSED:
            reopened_now = True
            issue.reopen_count += 1
            issue.is_regression = True
            issue.regression_at = now
        elif previous is None and remote.state_reason == GitHubIssue.StateReason.REOPENED:
            # First seen open with GitHub's "reopened": it was closed before.
            issue.was_closed = True
            issue.is_regression = True
            issue.regression_at = issue.regression_at or now
        issue.full_clean(validate_unique=False, validate_constraints=False)
        issue.save()
        if closed_now:
            _items_close(issue)
        if reopened_now:
            _items_reopen(issue)
    return issue


def _items_close(issue: GitHubIssue) -> None:
    links = IssueLink.objects.filter(issue=issue, action_item__isnull=False).select_related(
        "action_item"
    )
    for link in links:
        item = link.action_item
        if item is None or item.status != ActionItem.Status.OPEN:
            continue
        still_open = (
            IssueLink.objects.filter(action_item=item, issue__state=GitHubIssue.State.OPEN)
            .exclude(issue=issue)
            .exists()
        )
        if still_open:
            continue  # done when its last issue closes
        status = (
            ActionItem.Status.DROPPED
            if issue.state_reason in DROPPING_REASONS
            else ActionItem.Status.DONE
        )
        incident_services.action_item_update(action_item=item, status=status)


def _items_reopen(issue: GitHubIssue) -> None:
    links = IssueLink.objects.filter(issue=issue).select_related(
        "action_item__owner", "incident__owner", "team"
    )
    for link in links:
        item = link.action_item
        if item is not None and item.status != ActionItem.Status.OPEN:
            incident_services.action_item_update(action_item=item, status=ActionItem.Status.OPEN)
        target = link.target
        owner = target.owner
        if owner is None or not owner.email:
            continue
        url = f"{settings.SITE_URL}{target.get_absolute_url()}"
        email_queue(
            key=f"github-regression:{link.pk}:{issue.reopen_count}",
            to=[owner.email],
            subject=f"Regression: {issue.reference} was reopened ({target})",
            text_body=(
                f"Hello {person_name(owner)},\n\n"
                f"GitHub issue {issue.reference} “{issue.title}” was closed and has been "
                f"reopened: it is flagged as a regression.\n\n"
                f"Issue: {issue.html_url}\nIn Shiftdesk: {url}\n"
            ),
        )


def issue_mark_deleted(*, repository: str, number: int, now: dt.datetime | None = None) -> int:
    """The issue was deleted on GitHub: keep the row and its links, show it as deleted."""
    return (
        GitHubIssue.objects.in_repository(repository)
        .filter(number=number, deleted_at__isnull=True)
        .update(deleted_at=now or timezone.now())
    )


@transaction.atomic
def issue_mark_transferred(
    *, repository: str, number: int, new: RemoteIssue, now: dt.datetime | None = None
) -> GitHubIssue | None:
    """The issue moved to another repository: its row (and links) follow it."""
    issue = (
        GitHubIssue.objects.select_for_update()
        .in_repository(repository)
        .filter(number=number)
        .first()
    )
    if issue is None:
        return None
    if GitHubIssue.objects.in_repository(new.repository).filter(number=new.number).exists():
        issue.deleted_at = now or timezone.now()
        issue.save(update_fields=["deleted_at"])
        return issue
    issue.transferred_from = issue.reference
    issue.repository = new.repository
    issue.number = new.number
    issue.html_url = new.html_url[:500]
    issue.save(update_fields=["transferred_from", "repository", "number", "html_url"])
    return issue


# Bookkeeping for the status page ---------------------------------------------------


def sync_record_get(*, repository: str) -> RepositorySync:
    """The repository's sync row, made on first use with a cursor at 'now - overlap'."""
    sync = RepositorySync.objects.filter(repository__iexact=repository).first()
    if sync is not None:
        return sync
    overlap = dt.timedelta(seconds=settings.GITHUB_POLL_OVERLAP_SECONDS)
    with transaction.atomic():
        sync, _ = RepositorySync.objects.get_or_create(
            repository=repository, defaults={"cursor_at": timezone.now() - overlap}
        )
    return sync


def sync_error_record(*, repository: str, operation: str, message: str) -> None:
    """Keep an error for the status page (the last few hundred are kept)."""
    message = redact(message)[:300]
    logger.warning("GitHub %s %s: %s", operation, repository, message)
    SyncError.objects.create(repository=repository, operation=operation, message=message)
    RepositorySync.objects.filter(repository__iexact=repository).update(
        last_error=message, last_error_at=timezone.now()
    )
    stale = SyncError.objects.values_list("pk", flat=True)[KEEP_ERRORS : KEEP_ERRORS + 100]
    if stale:
        SyncError.objects.filter(pk__in=list(stale)).delete()


def sync_requests_record(*, repository: str, client: GitHubClient) -> None:
    """Count the client's requests against the repository (then reset its counter) and
    keep the last rate-limit headers it saw."""
    sync = sync_record_get(repository=repository)
    values: dict[str, object] = {"requests_total": F("requests_total") + client.requests_made}
    rate = client.rate
    if rate.remaining is not None:
        values |= {
            "rate_limit": rate.limit,
            "rate_remaining": rate.remaining,
            "rate_reset_at": rate.reset_at,
        }
    RepositorySync.objects.filter(pk=sync.pk).update(**values)
    client.requests_made = 0
