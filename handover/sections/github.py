"""The team's GitHub issues (those linked to its action items and incidents) opened,
closed and reopened in a period, from what GitHub sync last saw. One query."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from github_sync.models import GitHubIssue
from handover.period import PeriodQuery
from handover.sections.incidents import SECTION_LIMIT


@dataclass(frozen=True)
class GitHubIssueLine:
    reference: str
    title: str
    url: str
    state: str
    at: dt.datetime  # when it was opened, closed or reopened (the list it is in)


@dataclass(frozen=True)
class GitHubSection:
    opened: tuple[GitHubIssueLine, ...]
    closed: tuple[GitHubIssueLine, ...]
    reopened: tuple[GitHubIssueLine, ...]


def github_section(period: PeriodQuery) -> GitHubSection:
    start, end = period.start_at, period.end_at
    issue_ids = GitHubIssue.objects.filter(links__team=period.team).values("pk")
    rows = (
        GitHubIssue.objects.filter(pk__in=issue_ids, deleted_at__isnull=True)
        .filter(
            Q(github_created_at__gte=start, github_created_at__lt=end)
            | Q(github_closed_at__gte=start, github_closed_at__lt=end)
            | Q(regression_at__gte=start, regression_at__lt=end)
        )
        .order_by("repository", "number")[: SECTION_LIMIT * 3]
    )
    opened: list[GitHubIssueLine] = []
    closed: list[GitHubIssueLine] = []
    reopened: list[GitHubIssueLine] = []
    for issue in rows:

        def line(at: dt.datetime, issue: GitHubIssue = issue) -> GitHubIssueLine:
            return GitHubIssueLine(
                reference=issue.reference,
                title=issue.title,
                url=issue.html_url,
                state=issue.state_label,
                at=at,
            )

        for when, target in (
            (issue.github_created_at, opened),
            (issue.github_closed_at, closed),
            (issue.regression_at, reopened),
        ):
            if when is not None and start <= when < end:
                target.append(line(when))
    return GitHubSection(
        opened=tuple(sorted(opened, key=lambda x: x.at)[:SECTION_LIMIT]),
        closed=tuple(sorted(closed, key=lambda x: x.at)[:SECTION_LIMIT]),
        reopened=tuple(sorted(reopened, key=lambda x: x.at)[:SECTION_LIMIT]),
    )
