"""Support requests asked in a period with their response times, and those still
waiting for a first response. Three queries."""

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from handover.period import PeriodQuery, hours_between
from handover.sections.incidents import SECTION_LIMIT
from incidents.models import SupportRequest
from incidents.selectors import (
    WaitingRequest,
    support_requests_waiting_for_teams,
    support_response_stats,
)
from teams.selectors import person_name

QUESTION_CHARS = 200


@dataclass(frozen=True)
class SupportLine:
    id: int
    url: str
    asked_by: str
    asking_team: str
    channel: str
    question: str
    asked_at: dt.datetime
    first_response_at: dt.datetime | None
    response_hours: float | None
    handled_by: str
    resolved: bool
    # Still waiting: for how many working hours, and whether past the team's target.
    waiting_for: str = ""
    past_target: bool = False


@dataclass(frozen=True)
class SupportSection:
    asked: int
    answered: int
    resolved: int
    median_response_hours: float | None
    max_response_hours: float | None
    requests: tuple[SupportLine, ...]
    waiting: tuple[SupportLine, ...]


def _line(request: SupportRequest, slug: str) -> SupportLine:
    question = " ".join(request.question.split())
    if len(question) > QUESTION_CHARS:
        question = question[: QUESTION_CHARS - 1] + "…"
    responded = request.first_response_at
    return SupportLine(
        id=request.pk,
        url=reverse("incidents:support-edit", kwargs={"slug": slug, "pk": request.pk}),
        asked_by=request.asked_by,
        asking_team=request.asking_team,
        channel=request.get_channel_display(),
        question=question,
        asked_at=request.asked_at,
        first_response_at=responded,
        response_hours=hours_between(request.asked_at, responded) if responded else None,
        handled_by=person_name(request.handled_by) if request.handled_by else "",
        resolved=request.resolved_at is not None,
    )


def _waiting_line(row: WaitingRequest, slug: str) -> SupportLine:
    return dataclasses.replace(
        _line(row.request, slug), waiting_for=row.working_age_text, past_target=row.is_overdue
    )


def _hours(value: dt.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def support_section(period: PeriodQuery) -> SupportSection:
    team, slug = period.team, period.team.slug
    (stats,) = support_response_stats(
        team=team, periods=[("period", period.start_at, period.end_at)]
    )
    requests = (
        SupportRequest.objects.filter(
            team=team, asked_at__gte=period.start_at, asked_at__lt=period.end_at
        )
        .select_related("handled_by")
        .order_by("asked_at", "pk")[:SECTION_LIMIT]
    )
    waiting = support_requests_waiting_for_teams(
        team_ids=[team.pk], now=period.as_of, limit=SECTION_LIMIT
    )
    return SupportSection(
        asked=stats.asked,
        answered=stats.answered,
        resolved=stats.resolved,
        median_response_hours=_hours(stats.median_response),
        max_response_hours=_hours(stats.max_response),
        requests=tuple(_line(request, slug) for request in requests),
        waiting=tuple(_waiting_line(row, slug) for row in waiting),
    )
