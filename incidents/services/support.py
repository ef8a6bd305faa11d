"""Writes about support requests: questions from other teams and when they were answered."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from incidents.models import SupportRequest
from incidents.services.team_records import team_records_check
from teams.models import Team
from teams.selectors import team_members_check
from teams.updates import model_update

SUPPORT_REQUEST_FIELDS = (
    "asked_by",
    "asking_team",
    "channel",
    "link",
    "question",
    "answer",
    "asked_at",
    "first_response_at",
    "resolved_at",
    "handled_by",
    "incident",
)


def _check_people_and_incident(*, team: Team, data: dict[str, Any]) -> None:
    if "handled_by" in data:
        team_members_check(team=team, users=[data["handled_by"]], field="handled_by")
    if data.get("incident") is not None:
        team_records_check(team=team, records=[data["incident"]], field="incident")


def _first_response_at(
    *, answer: str, first_response_at: dt.datetime | None, asked_at: dt.datetime
) -> dt.datetime | None:
    """An answer given without a time counts as answered now (not before the question)."""
    if answer.strip() and first_response_at is None:
        return max(timezone.now(), asked_at)
    return first_response_at


@transaction.atomic
def support_request_create(*, team: Team, created_by: User, **fields: Any) -> SupportRequest:
    _check_people_and_incident(team=team, data=fields)
    request = SupportRequest(team=team, created_by=created_by, **fields)
    request.first_response_at = _first_response_at(
        answer=request.answer,
        first_response_at=request.first_response_at,
        asked_at=request.asked_at,
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def support_request_update(*, support_request: SupportRequest, **fields: Any) -> SupportRequest:
    _check_people_and_incident(team=support_request.team, data=fields)
    first_response_at = _first_response_at(
        answer=fields.get("answer", support_request.answer),
        first_response_at=fields.get("first_response_at", support_request.first_response_at),
        asked_at=fields.get("asked_at", support_request.asked_at),
    )
    data = {**fields, "first_response_at": first_response_at}
    support_request, _ = model_update(
        instance=support_request, fields=SUPPORT_REQUEST_FIELDS, data=data
    )
    return support_request
