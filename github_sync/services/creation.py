"""Opening a GitHub issue for an action item or an incident, exactly once.

1. `issue_create_request` writes an `IssueLink` (status creating, a fresh
   `creation_key`) and commits it; the task is queued after the commit. A second
   request for the same item and repository (a double click, two tabs, a script run
   twice) finds that row (the database enforces one per item and repository) and
   returns it: never a second issue.
2. `issue_create_run` (the task) claims the row with a lease (one worker at a time;
   a killed worker's lease runs out), then, outside any transaction, calls GitHub:
   - the first attempt creates the issue, its body carrying `<!-- shiftdesk:<key> -->`;
   - every later attempt (after a 502, a dropped connection, a timeout, a killed
     worker: whatever may have created it) first looks for the marker among the
     issues created since the first attempt, and creates only if it is not there;
   - a rate limit releases the row with a countdown (the task is re-queued, no
     worker sleeps); 5xx and timeouts retry with backoff up to
     GITHUB_CREATE_MAX_ATTEMPTS, then the row is failed with the reason; any other
     4xx fails it at once. A failed row goes back to creating on Retry.
3. A periodic sweep re-queues rows whose task was lost.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from github_sync import selectors
from github_sync.client import (
    GitHubClient,
    GitHubError,
    RateLimited,
    RemoteIssue,
    Unavailable,
)
from github_sync.models import IssueLink, new_creation_key
from github_sync.services.issues import (
    issue_apply_remote,
    sync_error_record,
    sync_requests_record,
)
from incidents.models import ActionItem, Incident
from teams.enqueue import enqueue_on_commit
from teams.models import Profile, github_login_validator

MARKER_MARGIN = dt.timedelta(minutes=5)  # clock skew between us and GitHub
SWEEP_GRACE = dt.timedelta(minutes=1)
MAX_TITLE = 256
MAX_BODY = 60_000
MAX_LABELS = 20


def repository_check(*, team_repositories: list[str], repository: str) -> str:
    """The team's own spelling of `repository`, or a ValidationError naming nothing else."""
    wanted = (repository or "").strip().lower()
    for name in team_repositories:
        if name.lower() == wanted:
            return name
    raise ValidationError({"repository": "Not one of this team's GitHub repositories."})


def target_field(target: ActionItem | Incident) -> str:
    return "action_item" if isinstance(target, ActionItem) else "incident"


def creation_for(*, target: ActionItem | Incident, repository: str) -> IssueLink | None:
    return (
        selectors.links_queryset()
        .filter(
            **{target_field(target): target},
            repository__iexact=repository,
            creation_key__isnull=False,
        )
        .first()
    )


def default_body(*, target: ActionItem | Incident) -> str:
    if isinstance(target, ActionItem):
        return target.details
    return target.summary


def default_assignee(*, target: ActionItem | Incident) -> str:
    if target.owner_id is None:
        return ""
    login = Profile.objects.filter(user_id=target.owner_id).values_list("github_login", flat=True)
    return login.first() or ""


def _body_with_backlink(*, target: ActionItem | Incident, body: str, key: str) -> str:
    kind = "action item" if isinstance(target, ActionItem) else "incident"
    url = f"{settings.SITE_URL}{target.get_absolute_url()}"
    backlink = f"Opened from Shiftdesk {kind} [{target}]({url})."
    parts = [body.strip(), "---", backlink, f"<!-- shiftdesk:{key} -->"]
    return "\n\n".join(part for part in parts if part)


def issue_create_request(
    *,
    target: ActionItem | Incident,
    repository: str,
    by: User | None,
    title: str = "",
    body: str | None = None,
    labels: list[str] | None = None,
    assignee: str | None = None,
) -> tuple[IssueLink, bool]:
    """Record the issue to open for `target` in `repository` and queue it: `(link, new)`.

    Idempotent per item and repository: when one exists (creating, created or failed)
    it is returned unchanged with `new` false.
    """
    repository = repository_check(
        team_repositories=selectors.team_repositories(team=target.team), repository=repository
    )
    existing = creation_for(target=target, repository=repository)
    if existing is not None:
        return existing, False
    title = (title or target.title).strip()
    body = default_body(target=target) if body is None else body
    labels = [label.strip() for label in labels or [] if label and label.strip()]
    assignee = default_assignee(target=target) if assignee is None else assignee.strip()
    errors: dict[str, str] = {}
    if not title or len(title) > MAX_TITLE:
        errors["title"] = f"A title of 1 to {MAX_TITLE} characters."
    if len(body) > MAX_BODY:
        errors["body"] = f"At most {MAX_BODY} characters."
    if len(labels) > MAX_LABELS or any(len(label) > 50 for label in labels):
        errors["labels"] = f"At most {MAX_LABELS} labels of 50 characters."
    if assignee:
        try:
            github_login_validator(assignee)
        except ValidationError:
            errors["assignee"] = "Not a valid GitHub login."
    if errors:
        raise ValidationError(errors)
    key = new_creation_key()
    try:
        with transaction.atomic():
            link = IssueLink.objects.create(
                team=target.team,
                **{target_field(target): target},
                repository=repository,
                status=IssueLink.Status.CREATING,
                creation_key=key,
                request={
                    "title": title,
                    "body": _body_with_backlink(target=target, body=body, key=key),
                    "labels": labels,
                    "assignees": [assignee] if assignee else [],
                },
                created_by=by,
            )
            _queue(link.pk)
    except IntegrityError:
        # A concurrent request won the unique (item, repository): return its row.
        existing = creation_for(target=target, repository=repository)
        if existing is None:
            raise
        return existing, False
    return link, True


def _queue(link_id: int, countdown: int | None = None) -> None:
    from github_sync import tasks

    enqueue_on_commit(tasks.issue_create, link_id, countdown=countdown or None)


@transaction.atomic
def issue_create_retry(*, link: IssueLink) -> IssueLink:
    """Retry a failed creation (the marker is looked for first, as after any attempt)."""
    updated = IssueLink.objects.filter(pk=link.pk, status=IssueLink.Status.FAILED).update(
        status=IssueLink.Status.CREATING,
        failure_reason="",
        claimed_until=None,
        next_attempt_at=None,
        updated_at=timezone.now(),
    )
    if updated:
        _queue(link.pk)
    link.refresh_from_db()
    return link


@dataclass(frozen=True)
class CreateOutcome:
    """What a run did: `created`, `found` (the marker), `busy`, `done` (nothing to do),
    `deferred` (try again in `retry_in` seconds) or `failed`."""

    result: str
    retry_in: int | None = None


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=4 * settings.GITHUB_TIMEOUT_SECONDS + 30)


def issue_create_run(
    *, link_id: int, client: GitHubClient | None = None, now: dt.datetime | None = None
) -> CreateOutcome:
    """Bring one creating link to created (or failed, or deferred). Safe to run twice,
    concurrently, or after a run that died at any point."""
    now = now or timezone.now()
    claimed = (
        IssueLink.objects.filter(pk=link_id, status=IssueLink.Status.CREATING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + _lease(),
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce("first_attempt_at", now),
            next_attempt_at=None,
        )
    )
    if not claimed:
        exists = IssueLink.objects.filter(pk=link_id, status=IssueLink.Status.CREATING).exists()
        return CreateOutcome("busy" if exists else "done")
    link = IssueLink.objects.get(pk=link_id)
    first_attempt_at = link.first_attempt_at or now
    client = client or GitHubClient.from_settings()
    remote: RemoteIssue | None = None
    result = "created"
    try:
        if link.attempts > 1:  # an earlier attempt may have created it
            remote = client.find_issue_with_marker(
                link.repository, marker=link.marker, since=first_attempt_at - MARKER_MARGIN
            )
            result = "found" if remote else result
        if remote is None:
            request = link.request
            remote = client.create_issue(
                link.repository,
                title=request["title"],
                body=request["body"],
                labels=request.get("labels") or [],
                assignees=request.get("assignees") or [],
            )
    except RateLimited as error:
        return _defer(link, error.retry_after, str(error), now=now)
    except Unavailable as error:
        if link.attempts >= settings.GITHUB_CREATE_MAX_ATTEMPTS:
            return _fail(link, f"{error} (after {link.attempts} attempts)")
        return _defer(link, _backoff(link.attempts), str(error), now=now)
    except GitHubError as error:
        return _fail(link, str(error))
    finally:
        sync_requests_record(repository=link.repository, client=client)
    _complete(link, remote)
    return CreateOutcome(result)


def _backoff(attempts: int) -> int:
    return int(min(30 * 2 ** max(attempts - 1, 0), 900))


@transaction.atomic
def _complete(link: IssueLink, remote: RemoteIssue) -> None:
    issue = issue_apply_remote(remote=remote, create=True)
    IssueLink.objects.filter(pk=link.pk).update(
        issue=issue,
        status=IssueLink.Status.CREATED,
        failure_reason="",
        claimed_until=None,
        updated_at=timezone.now(),
    )


def _defer(link: IssueLink, seconds: int, reason: str, *, now: dt.datetime) -> CreateOutcome:
    seconds = max(int(seconds), 1)
    with transaction.atomic():
        IssueLink.objects.filter(pk=link.pk, status=IssueLink.Status.CREATING).update(
            claimed_until=None,
            next_attempt_at=now + dt.timedelta(seconds=seconds),
            updated_at=timezone.now(),
        )
        sync_error_record(repository=link.repository, operation="create", message=reason)
    return CreateOutcome("deferred", retry_in=seconds)


def _fail(link: IssueLink, reason: str) -> CreateOutcome:
    with transaction.atomic():
        sync_error_record(repository=link.repository, operation="create", message=reason)
        IssueLink.objects.filter(pk=link.pk, status=IssueLink.Status.CREATING).update(
            status=IssueLink.Status.FAILED,
            failure_reason=reason[:300],
            claimed_until=None,
            updated_at=timezone.now(),
        )
    return CreateOutcome("failed")


def creations_due_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Creating links whose task was lost (or whose countdown is over)."""
    now = now or timezone.now()
    return list(
        IssueLink.objects.pending()
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(updated_at__lte=now - SWEEP_GRACE) | Q(next_attempt_at__lte=now))
        .values_list("pk", flat=True)[:200]
    )
