"""Reads shared by the pages, the API, the tasks and (later) the pages of other apps.

For other pages: `links_for_items(items)` loads the GitHub links of a list of action
items or incidents in one query and sets `item.github_issue_links` on each, which
`{% include "github_sync/_issue_links.html" with links=item.github_issue_links %}`
renders. `incidents_missing_issue(...)` and `regressions_for_teams(...)` feed a dashboard.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from github_sync.models import GitHubIssue, IssueLink, RepositorySync, SyncError, TeamRepository
from incidents.models import ActionItem, Incident
from teams.models import Team

LINKS_ATTRIBUTE = "github_issue_links"
SEED_KINDS = (
    Incident.Kind.ON_DEMAND,
    Incident.Kind.SYSTEM_FAILURE,
    Incident.Kind.BUG_DISCOVERY,
)
SEED_LOOKBACK = dt.timedelta(days=14)

Item = TypeVar("Item", bound=ActionItem | Incident)


def team_repositories(*, team: Team) -> list[str]:
    """The repositories the team may file and link issues in: its default one first."""
    names = [team.github_repo] if team.github_repo else []
    seen = {name.lower() for name in names}
    for name in TeamRepository.objects.filter(team=team).values_list("repository", flat=True):
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def links_queryset() -> QuerySet[IssueLink]:
    return IssueLink.objects.with_issue().order_by("created_at", "pk")


def links_for_target(*, target: ActionItem | Incident) -> QuerySet[IssueLink]:
    field_name = "action_item" if isinstance(target, ActionItem) else "incident"
    return links_queryset().filter(**{field_name: target})


def links_for_items(items: Sequence[Item]) -> Sequence[Item]:
    """Set `item.github_issue_links` (a list, oldest first) on every item, in one query.

    `items` are action items, incidents or both (a page's rows, an incident with its
    action items). Pages keep a constant query count however many items and links they
    show.
    """
    if not items:
        return items
    by_target: dict[tuple[bool, int], list[Item]] = defaultdict(list)
    for item in items:
        by_target[isinstance(item, ActionItem), item.pk].append(item)
        setattr(item, LINKS_ATTRIBUTE, [])
    item_ids = [pk for is_item, pk in by_target if is_item]
    incident_ids = [pk for is_item, pk in by_target if not is_item]
    condition = Q(action_item__in=item_ids) | Q(incident__in=incident_ids)
    for link in links_queryset().filter(condition):
        key = (True, link.action_item_id) if link.action_item_id else (False, link.incident_id)
        for item in by_target[key]:  # type: ignore[index]
            getattr(item, LINKS_ATTRIBUTE).append(link)
    return items


def regressions_for_teams(*, teams: Iterable[Team] | QuerySet[Team]) -> QuerySet[IssueLink]:
    """Links whose issue was reopened after being closed and is open now."""
    return (
        links_queryset()
        .filter(team__in=teams, issue__is_regression=True, issue__state=GitHubIssue.State.OPEN)
        .select_related("action_item", "incident", "team")
        .order_by("-issue__regression_at")
    )


def incidents_missing_issue(
    *, teams: Iterable[Team] | QuerySet[Team] | None = None, now: dt.datetime | None = None
) -> QuerySet[Incident]:
    """The seed rule: incidents of a debugging kind (on demand, system failure, bug
    discovery) detected more than GITHUB_SEED_ISSUE_HOURS ago (and within two weeks)
    with no GitHub issue linked to them or to one of their action items."""
    now = now or timezone.now()
    due = now - dt.timedelta(hours=settings.GITHUB_SEED_ISSUE_HOURS)
    queryset = (
        Incident.objects.filter(
            kind__in=SEED_KINDS, detected_at__lte=due, detected_at__gte=now - SEED_LOOKBACK
        )
        .exclude(github_links__isnull=False)
        .exclude(action_items__github_links__isnull=False)
        .select_related("owner", "team")
        .order_by("detected_at", "pk")
    )
    if teams is not None:
        queryset = queryset.filter(team__in=teams)
    return queryset


def repositories_to_poll() -> list[str]:
    """Every repository with at least one linked issue (case-insensitively distinct)."""
    names = (
        GitHubIssue.objects.filter(links__isnull=False, deleted_at__isnull=True)
        .values_list("repository", flat=True)
        .distinct()
        .order_by("repository")
    )
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.lower(), name)
    return list(unique.values())


@dataclass
class RepositoryStatus:
    repository: str
    sync: RepositorySync | None


@dataclass
class SyncStatus:
    repositories: list[RepositoryStatus]
    pending: list[IssueLink] = field(default_factory=list)
    failed: list[IssueLink] = field(default_factory=list)
    errors: list[SyncError] = field(default_factory=list)


def sync_status(*, team: Team) -> SyncStatus:
    """The status page: per repository of the team (its own and those of its links) the
    sync record; the team's pending and failed creations; recent errors. Five queries."""
    names = team_repositories(team=team)
    seen = {name.lower() for name in names}
    for name in IssueLink.objects.filter(team=team).values_list("repository", flat=True).distinct():
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    condition = Q(pk__in=[])
    for name in names:
        condition |= Q(repository__iexact=name)
    syncs = {sync.repository.lower(): sync for sync in RepositorySync.objects.filter(condition)}
    links = list(
        links_queryset()
        .filter(team=team, status__in=[IssueLink.Status.CREATING, IssueLink.Status.FAILED])
        .select_related("action_item", "incident")
    )
    errors = list(SyncError.objects.filter(condition)[:20]) if names else []
    return SyncStatus(
        repositories=[RepositoryStatus(name, syncs.get(name.lower())) for name in names],
        pending=[link for link in links if link.status == IssueLink.Status.CREATING],
        failed=[link for link in links if link.status == IssueLink.Status.FAILED],
        errors=errors,
    )


def link_get(*, team: Team, pk: int) -> IssueLink:
    return get_object_or_404(
        links_queryset().select_related("action_item", "incident"), team=team, pk=pk
    )
