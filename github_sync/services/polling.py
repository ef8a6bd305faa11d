"""Polling a repository: one conditional listing of the issues updated since a cursor.

The listing is newest-updated first, `state=all`, 100 per page, and its first page is
sent with `If-None-Match` (the ETag of the previous answer to the same URL): an
unchanged repository costs one request, answered 304 (which GitHub does not count
against the rate limit). K changed issues cost about ⌈K/100⌉ pages (at most
1 + ⌈K/100⌉ with the overlap). Pull requests in the listing are skipped; only issues
someone linked are stored; no issue is fetched one by one and no count is asked for.

After a listing with changes the cursor moves to the newest `updated_at` seen minus
GITHUB_POLL_OVERLAP_SECONDS (same-second updates are never missed), so the next poll
asks a new URL (one 200) and the ones after it are 304s again.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from github_sync.client import GitHubClient, GitHubError, RateLimited, RemoteIssue
from github_sync.models import GitHubIssue, RepositorySync
from github_sync.services.issues import (
    issue_apply_remote,
    sync_error_record,
    sync_record_get,
    sync_requests_record,
)


@dataclass(frozen=True)
class PollResult:
    repository: str
    result: str
    requests: int = 0
    changed: int = 0
    pull_requests_skipped: int = 0
    retry_in: int | None = None

    def __str__(self) -> str:
        return (
            f"{self.repository}: {self.result}, {self.requests} request(s), "
            f"{self.changed} linked issue(s) updated"
        )


def repository_poll(
    *, repository: str, client: GitHubClient | None = None, now: dt.datetime | None = None
) -> PollResult:
    """Poll one repository now (skipped while a rate limit's countdown runs)."""
    now = now or timezone.now()
    sync = sync_record_get(repository=repository)
    if sync.next_poll_at and sync.next_poll_at > now:
        wait = int((sync.next_poll_at - now).total_seconds()) + 1
        return PollResult(repository, "skipped: rate limited", retry_in=wait)
    client = client or GitHubClient.from_settings()
    fields: dict[str, object] = {"last_poll_at": now}
    try:
        listing = client.list_issues_since(repository, since=sync.cursor_at, etag=sync.etag)
    except RateLimited as error:
        fields |= {
            "last_poll_result": RepositorySync.Result.RATE_LIMITED,
            "next_poll_at": now + dt.timedelta(seconds=error.retry_after),
        }
        return _finish(
            sync,
            client,
            fields,
            PollResult(
                repository, "rate limited", client.requests_made, retry_in=error.retry_after
            ),
            error=str(error),
        )
    except GitHubError as error:
        fields["last_poll_result"] = RepositorySync.Result.ERROR
        return _finish(
            sync,
            client,
            fields,
            PollResult(repository, "error", client.requests_made),
            error=str(error),
        )
    if listing.not_modified:
        fields |= {"last_poll_result": RepositorySync.Result.NOT_MODIFIED, "last_poll_changed": 0}
        return _finish(sync, client, fields, PollResult(repository, "not modified", 1))
    changed = _apply(repository, listing.issues, now=now)
    newest = max((i.updated_at for i in listing.issues if i.updated_at), default=None)
    if newest is not None and not listing.truncated:
        overlap = dt.timedelta(seconds=settings.GITHUB_POLL_OVERLAP_SECONDS)
        cursor = newest - overlap
        if sync.cursor_at is None or cursor > sync.cursor_at:
            fields["cursor_at"] = cursor
    fields |= {
        "etag": "" if "cursor_at" in fields or listing.truncated else listing.etag[:200],
        "last_poll_result": RepositorySync.Result.CHANGED,
        "last_poll_changed": changed,
        "next_poll_at": None,
    }
    result = PollResult(
        repository, "changed", client.requests_made, changed, listing.pull_requests_skipped
    )
    return _finish(sync, client, fields, result)


def _apply(repository: str, issues: list[RemoteIssue], *, now: dt.datetime) -> int:
    """Apply the listed issues that someone linked (one query to find them)."""
    numbers = [issue.number for issue in issues]
    known = dict(
        GitHubIssue.objects.in_repository(repository)
        .filter(number__in=numbers, links__isnull=False)
        .values_list("number", "github_updated_at")
        .distinct()
    )
    changed = 0
    for remote in issues:
        if remote.number not in known:
            continue
        stored = known[remote.number]
        if stored is not None and remote.updated_at is not None and remote.updated_at < stored:
            continue  # older than what a webhook brought
        if issue_apply_remote(remote=remote, now=now) is not None:
            changed += 1
    return changed


def _finish(
    sync: RepositorySync,
    client: GitHubClient,
    fields: dict[str, object],
    result: PollResult,
    *,
    error: str = "",
) -> PollResult:
    fields["last_poll_requests"] = client.requests_made
    RepositorySync.objects.filter(pk=sync.pk).update(**fields)
    sync_requests_record(repository=sync.repository, client=client)
    if error:
        sync_error_record(repository=sync.repository, operation="poll", message=error)
    return result


def issue_refresh(*, issue_id: int, client: GitHubClient | None = None) -> GitHubIssue | None:
    """Fetch one linked issue (a link made while GitHub was away, or a migrated one)."""
    issue = GitHubIssue.objects.filter(pk=issue_id).first()
    if issue is None:
        return None
    client = client or GitHubClient.from_settings()
    try:
        remote = client.get_issue(issue.repository, issue.number)
    except GitHubError as error:
        sync_error_record(repository=issue.repository, operation="fetch", message=str(error))
        return issue
    finally:
        sync_requests_record(repository=issue.repository, client=client)
    return issue_apply_remote(remote=remote)


def issues_unsynced_ids(*, limit: int = 50) -> list[int]:
    """Linked issues never fetched (the sweep fetches them a few at a time)."""
    return list(
        GitHubIssue.objects.filter(synced_at__isnull=True, deleted_at__isnull=True)
        .filter(~Q(links=None))
        .values_list("pk", flat=True)
        .distinct()[:limit]
    )
