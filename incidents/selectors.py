"""Reads shared by pages, the API and the dashboard: eager loading and access checks."""

import bisect
import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from incidents.models import (
    ActionItem,
    Component,
    Incident,
    KnowledgeEntry,
    SupportRequest,
    TimelineEntry,
)
from incidents.working_hours import (
    format_working_time,
    working_deadline,
    working_time_between,
)
from teams.models import Team
from teams.search import text_search
from teams.selectors import AnyUser, teams_for_user
from teams.timezones import zone

KNOWLEDGE_SEARCH_FIELDS = ["title", "symptom", "diagnosis", "mitigation"]


def components_for_team(*, team: Team) -> QuerySet[Component]:
    return Component.objects.filter(team=team).order_by("name")


# Incidents --------------------------------------------------------------------


def incident_list(*, team: Team, filters: dict[str, Any] | None = None) -> QuerySet[Incident]:
    """A team's incidents, newest first, with what a list row shows loaded up front.

    `filters`: kind, status (or "active" for not resolved), severity, owner (user id),
    component (id), since / until (detection time).
    """
    qs = (
        Incident.objects.filter(team=team)
        .select_related("owner", "reporter", "team")
        .prefetch_related(Prefetch("components", queryset=Component.objects.order_by("name")))
    )
    filters = filters or {}
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status") == "active":
        qs = qs.open()
    elif filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("severity"):
        qs = qs.filter(severity=filters["severity"])
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("component"):
        qs = qs.filter(components__id=filters["component"])
    if filters.get("since"):
        qs = qs.filter(detected_at__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(detected_at__lt=filters["until"])
    return qs.order_by("-detected_at", "-pk")


def incident_get(*, team: Team, pk: int) -> Incident:
    """One incident with its timeline, links and related records loaded."""
    qs = (
        Incident.objects.filter(team=team)
        .select_related("owner", "reporter", "team", "created_by")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.order_by("name")),
            Prefetch(
                "timeline",
                queryset=TimelineEntry.objects.select_related("author").prefetch_related(
                    "revisions__edited_by"
                ),
            ),
            Prefetch("related", queryset=Incident.objects.select_related("team")),
            Prefetch("knowledge_entries", queryset=KnowledgeEntry.objects.select_related("team")),
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "team")),
        )
    )
    return get_object_or_404(qs, pk=pk)


def incidents_open_for_teams(*, teams: QuerySet[Team]) -> QuerySet[Incident]:
    """Open incidents of `teams`, newest first: sliced (the dashboard's newest 20), read in
    order from the partial index `incident_open_newest`, never a sort of every open one."""
    return (
        Incident.objects.open()
        .filter(team__in=teams)
        .select_related("owner", "team")
        .order_by("-detected_at", "-pk")
    )


# Timeline ---------------------------------------------------------------------


def timeline_entry_get(*, incident: Incident, pk: int) -> TimelineEntry:
    return get_object_or_404(
        TimelineEntry.objects.filter(incident=incident).select_related("author"), pk=pk
    )


# Support requests -------------------------------------------------------------


def support_request_list(
    *, team: Team, filters: dict[str, Any] | None = None
) -> QuerySet[SupportRequest]:
    qs = SupportRequest.objects.filter(team=team).select_related("handled_by", "team", "incident")
    filters = filters or {}
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("handled_by"):
        qs = qs.filter(handled_by_id=filters["handled_by"])
    if filters.get("unanswered"):
        qs = qs.filter(first_response_at__isnull=True)
    if filters.get("since"):
        qs = qs.filter(asked_at__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(asked_at__lt=filters["until"])
    return qs.order_by("-asked_at", "-pk")


@dataclass(frozen=True)
class WaitingRequest:
    """A support request nobody has answered yet, and how long it has waited."""

    request: SupportRequest
    age: dt.timedelta
    working_age: dt.timedelta
    due_at: dt.datetime

    @property
    def working_age_text(self) -> str:
        return format_working_time(self.working_age)

    @property
    def is_overdue(self) -> bool:
        return self.working_age >= dt.timedelta(hours=self.request.team.support_target_hours)


def waiting_request(*, request: SupportRequest, team: Team, now: dt.datetime) -> WaitingRequest:
    """The ages of one waiting request: wall clock and working hours in the team's zone."""
    tz = zone(team.time_zone)
    return WaitingRequest(
        request=request,
        age=max(now - request.asked_at, dt.timedelta()),
        working_age=working_time_between(request.asked_at, now, tz=tz),
        due_at=working_deadline(request.asked_at, team.support_target_hours, tz=tz),
    )


def support_requests_waiting(*, team: Team, now: dt.datetime) -> list[WaitingRequest]:
    """The team's requests neither answered nor resolved, asked before `now`, oldest
    first, each with its ages and its due time by the team's response target: one query."""
    return support_requests_waiting_for_teams(team_ids=[team.pk], now=now)


def support_requests_waiting_for_teams(
    *, team_ids: list[int], now: dt.datetime, limit: int = 100
) -> list[WaitingRequest]:
    """`support_requests_waiting` of several teams at once (the shifter's dashboard)."""
    if not team_ids:
        return []
    rows = (
        SupportRequest.objects.filter(
            team_id__in=team_ids,
            first_response_at__isnull=True,
            resolved_at__isnull=True,
            asked_at__lte=now,
        )
        .select_related("team", "handled_by")
        .order_by("asked_at", "pk")[:limit]
    )
    return [waiting_request(request=row, team=row.team, now=now) for row in rows]


@dataclass
class ResponseStats:
    """Response and resolution times of the requests asked in one period."""

    label: str
    start: dt.datetime
    end: dt.datetime
    asked: int = 0
    answered: int = 0
    resolved: int = 0
    response_times: list[dt.timedelta] = field(default_factory=list)
    resolution_times: list[dt.timedelta] = field(default_factory=list)

    @property
    def median_response(self) -> dt.timedelta | None:
        return _median(self.response_times)

    @property
    def max_response(self) -> dt.timedelta | None:
        return max(self.response_times) if self.response_times else None

    @property
    def median_resolution(self) -> dt.timedelta | None:
        return _median(self.resolution_times)


def _median(values: list[dt.timedelta]) -> dt.timedelta | None:
    if not values:
        return None
    return dt.timedelta(seconds=statistics.median(v.total_seconds() for v in values))


def periods_in_zone(
    *, zone_name: str, first_day: dt.date, last_day: dt.date, by: str
) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """Calendar days or ISO weeks (Monday to Monday) in `zone_name` as (label, start, end) in UTC.

    Boundaries are local midnights, so a DST week is 167 or 169 hours long.
    """
    tz = zone(zone_name)
    if by == "week":
        day = first_day - dt.timedelta(days=first_day.weekday())
        step = dt.timedelta(days=7)
    else:
        day = first_day
        step = dt.timedelta(days=1)
    periods = []
    while day <= last_day:
        # In UTC: Python compares and subtracts same-zone datetimes by wall clock.
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        end = dt.datetime.combine(day + step, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        year, week, _ = day.isocalendar()
        label = f"{year}-W{week:02d}" if by == "week" else day.isoformat()
        periods.append((label, start, end))
        day += step
    return periods


def support_response_stats(
    *, team: Team, periods: list[tuple[str, dt.datetime, dt.datetime]]
) -> list[ResponseStats]:
    """Per period (a day, a week, or a shift's (start, end)), the requests asked in it
    and how fast they were answered and resolved. One query for all periods."""
    stats = [ResponseStats(label=label, start=start, end=end) for label, start, end in periods]
    if not stats:
        return stats
    ordered = sorted(stats, key=lambda period: period.start)
    starts = [period.start for period in ordered]
    longest = max(period.end - period.start for period in ordered)
    rows = SupportRequest.objects.filter(
        team=team, asked_at__gte=starts[0], asked_at__lt=max(s.end for s in stats)
    ).values_list("asked_at", "first_response_at", "resolved_at")
    for asked_at, first_response_at, resolved_at in rows:  # aware UTC values
        # Periods may overlap or leave gaps: walk back from the last one starting before
        # the question until none that early can still contain it.
        for period in reversed(ordered[: bisect.bisect_right(starts, asked_at)]):
            if asked_at - period.start >= longest:
                break
            if asked_at >= period.end:
                continue
            period.asked += 1
            if first_response_at is not None:
                period.answered += 1
                period.response_times.append(first_response_at - asked_at)
            if resolved_at is not None:
                period.resolved += 1
                period.resolution_times.append(resolved_at - asked_at)
    return stats


# Action items -----------------------------------------------------------------


def action_item_list(
    *,
    team: Team,
    user: AnyUser,
    filters: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> QuerySet[ActionItem]:
    """A team's action items. `filters`: mine, overdue, owner, source, status, incident."""
    qs = ActionItem.objects.filter(team=team).select_related("owner", "team", "incident__team")
    filters = filters or {}
    if filters.get("mine"):
        qs = qs.filter(owner_id=user.pk)
    if filters.get("overdue"):
        qs = qs.overdue(today=today)
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("incident"):
        qs = qs.filter(incident_id=filters["incident"])
    # Open items first, soonest due first, undated ones last (on every database), in the
    # order of the `action_item_list_order` index.
    return qs.order_by("list_group", "due_on", "pk")


def action_item_get(*, team: Team, pk: int) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.filter(team=team).select_related("owner", "team", "incident"), pk=pk
    )


def action_items_open_for_user(*, user: AnyUser) -> QuerySet[ActionItem]:
    """The user's open items in their teams, overdue first (by due date)."""
    return (
        ActionItem.objects.open()
        .filter(owner_id=user.pk, team__in=teams_for_user(user=user))
        .select_related("team")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def overdue_owner_ids(*, latest_day: dt.date) -> list[int]:
    """Owners with an open item due before `latest_day` (the latest local date on Earth)."""
    return list(
        ActionItem.objects.overdue(today=latest_day)
        .filter(owner__isnull=False, owner__is_active=True)
        .order_by()
        .values_list("owner_id", flat=True)
        .distinct()
    )


def action_items_overdue_for_user(*, user: User, today: dt.date) -> QuerySet[ActionItem]:
    """Overdue items of the user in teams they are still an active member of."""
    return (
        ActionItem.objects.overdue(today=today)
        .filter(
            owner=user,
            team__memberships__user=user,
            team__memberships__is_active=True,
        )
        .select_related("team")
        .order_by("due_on", "pk")
    )


# Knowledge base ---------------------------------------------------------------


def knowledge_entry_list(
    *, team: Team, query: str = "", component: int | None = None
) -> QuerySet[KnowledgeEntry]:
    qs = (
        KnowledgeEntry.objects.filter(team=team)
        .select_related("team")
        .prefetch_related(Prefetch("components", queryset=Component.objects.order_by("name")))
    )
    if component:
        qs = qs.filter(components__id=component)
    if query.strip():
        return text_search(qs, query=query, fields=KNOWLEDGE_SEARCH_FIELDS)
    return qs.order_by("title", "pk")


def knowledge_entry_get(*, team: Team, pk: int) -> KnowledgeEntry:
    qs = (
        KnowledgeEntry.objects.filter(team=team)
        .select_related("team", "source_incident", "created_by")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.order_by("name")),
            Prefetch("incidents", queryset=Incident.objects.select_related("team")),
        )
    )
    return get_object_or_404(qs, pk=pk)


def local_now(*, team: Team) -> dt.datetime:
    return timezone.now().astimezone(zone(team.time_zone))
