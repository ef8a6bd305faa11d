"""Linking an existing GitHub issue to an action item or an incident.

The issue is fetched first (outside any transaction) so the link shows its title and
state at once; when GitHub is unavailable or rate limited the link is stored anyway
and the issue is fetched by a task.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from github_sync import selectors
from github_sync.client import GitHubClient, GitHubError, RateLimited, Rejected, Unavailable
from github_sync.models import GitHubIssue, IssueLink
from github_sync.services.creation import repository_check, target_field
from github_sync.services.issues import issue_apply_remote, sync_requests_record
from incidents.models import ActionItem, Incident
from teams.enqueue import enqueue_on_commit

SHORT_REFERENCE = re.compile(r"^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#([0-9]{1,9})$")
URL_PATH = re.compile(r"^/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/(issues|pull)/([0-9]{1,9})/?$")
BAD_REFERENCE = "Give owner/repo#number or the issue's GitHub URL."


def github_web_hosts() -> set[str]:
    """The hosts whose issue URLs we accept: github.com, or the Enterprise host."""
    api = urlsplit(settings.GITHUB_API_URL)
    host = api.netloc.lower()
    hosts = {"github.com", "www.github.com"}
    hosts.add(host.removeprefix("api.") if host == "api.github.com" else host)
    return hosts


def parse_issue_reference(reference: str) -> tuple[str, int]:
    """`owner/repo#n` or `https://github.com/owner/repo/issues/n` → (repository, n)."""
    text = (reference or "").strip()
    match = SHORT_REFERENCE.match(text)
    if match:
        return match.group(1), int(match.group(2))
    parts = urlsplit(text)
    if parts.scheme in {"http", "https"} and parts.netloc.lower() in github_web_hosts():
        match = URL_PATH.match(parts.path)
        if match and match.group(2) == "pull":
            raise ValidationError({"link": "That is a pull request; link an issue."})
        if match:
            return match.group(1), int(match.group(3))
    raise ValidationError({"link": BAD_REFERENCE})


def issue_link_existing(
    *,
    target: ActionItem | Incident,
    reference: str,
    by: User | None,
    client: GitHubClient | None = None,
) -> tuple[IssueLink, bool]:
    """Link the referenced issue to `target`: `(link, new)`; linking it twice is one link."""
    repository, number = parse_issue_reference(reference)
    repository = repository_check(
        team_repositories=selectors.team_repositories(team=target.team), repository=repository
    )
    field = target_field(target)
    existing = (
        selectors.links_queryset()
        .filter(**{field: target}, issue__repository__iexact=repository, issue__number=number)
        .first()
    )
    if existing is not None:
        return existing, False
    client = client or GitHubClient.from_settings()
    remote = None
    try:
        remote = client.get_issue(repository, number)
    except Rejected as error:
        if error.status in (404, 410):
            raise ValidationError(
                {"link": "No such issue on GitHub (or Shiftdesk's GitHub account cannot see it)."}
            ) from error
        raise ValidationError({"link": str(error)}) from error
    except (Unavailable, RateLimited):
        remote = None  # stored now, fetched by a task
    except GitHubError as error:
        raise ValidationError({"link": str(error)}) from error
    finally:
        sync_requests_record(repository=repository, client=client)
    if remote is not None and remote.is_pull_request:
        raise ValidationError({"link": "That is a pull request; link an issue."})
    try:
        with transaction.atomic():
            issue = issue_apply_remote(remote=remote, create=True) if remote else None
            if issue is None:
                issue = (
                    GitHubIssue.objects.in_repository(repository).filter(number=number).first()
                ) or GitHubIssue.objects.create(repository=repository, number=number)
            link, created = IssueLink.objects.get_or_create(
                **{field: target},
                issue=issue,
                defaults={
                    "team": target.team,
                    "repository": issue.repository,
                    "status": IssueLink.Status.LINKED,
                    "created_by": by,
                },
            )
            if issue.synced_at is None:
                from github_sync import tasks

                issue_id = issue.pk
                enqueue_on_commit(tasks.issue_refresh, issue_id)
    except IntegrityError:
        link = IssueLink.objects.get(
            **{field: target}, issue__repository__iexact=repository, issue__number=number
        )
        created = False
    return link, created
