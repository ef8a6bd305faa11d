"""Action items created, done and overdue in a period, and those whose GitHub issue was
reopened in it (regressed). Two queries."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from github_sync.models import IssueLink
from handover.period import PeriodQuery, local_day
from handover.sections.incidents import SECTION_LIMIT
from incidents.models import ActionItem
from teams.selectors import person_name


@dataclass(frozen=True)
class ActionItemLine:
    id: int
    title: str
    url: str
    owner: str
    status: str
    due_on: dt.date | None
    source: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    github: str = ""  # the reopened issue, for a regressed item


@dataclass(frozen=True)
class ActionItemsSection:
    created: tuple[ActionItemLine, ...]
    done: tuple[ActionItemLine, ...]
    overdue: tuple[ActionItemLine, ...]
    regressed: tuple[ActionItemLine, ...]


def action_item_line(item: ActionItem, slug: str, *, github: str = "") -> ActionItemLine:
    return ActionItemLine(
        id=item.pk,
        title=item.title,
        url=reverse("incidents:action-item-edit", kwargs={"slug": slug, "pk": item.pk}),
        owner=person_name(item.owner) if item.owner else "",
        status=item.get_status_display(),
        due_on=item.due_on,
        source=item.source_label or item.get_source_display(),
        created_at=item.created_at,
        closed_at=item.closed_at,
        github=github,
    )


def action_items_section(period: PeriodQuery) -> ActionItemsSection:
    """Overdue: open at `as_of` and due before that day in the team's zone."""
    start, end = period.start_at, period.end_at
    today = local_day(period.as_of, period.tz)
    rows = (
        ActionItem.objects.filter(team=period.team)
        .filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(status=ActionItem.Status.DONE, closed_at__gte=start, closed_at__lt=end)
            | Q(status=ActionItem.Status.OPEN, due_on__lt=today)
        )
        .select_related("owner")
        .order_by("created_at", "pk")[: SECTION_LIMIT * 3]
    )
    created, done, overdue = [], [], []
    slug = period.team.slug
    for item in rows:
        line = action_item_line(item, slug)
        if start <= item.created_at < end:
            created.append(line)
        closed_at = item.closed_at
        if item.status == ActionItem.Status.DONE and closed_at and start <= closed_at < end:
            done.append(line)
        if item.status == ActionItem.Status.OPEN and item.due_on and item.due_on < today:
            overdue.append(line)
    overdue.sort(key=lambda line: (line.due_on or today, line.id))
    regressions = (
        IssueLink.objects.filter(
            team=period.team,
            action_item__isnull=False,
            issue__regression_at__gte=start,
            issue__regression_at__lt=end,
        )
        .select_related("action_item__owner", "issue")
        .order_by("issue__regression_at", "pk")[:SECTION_LIMIT]
    )
    regressed = [
        action_item_line(link.action_item, slug, github=link.issue.reference)
        for link in regressions
        if link.action_item is not None and link.issue is not None
    ]
    return ActionItemsSection(
        created=tuple(created[:SECTION_LIMIT]),
        done=tuple(done[:SECTION_LIMIT]),
        overdue=tuple(overdue[:SECTION_LIMIT]),
        regressed=tuple(regressed),
    )
