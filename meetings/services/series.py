"""Every write about meeting series and their occurrences (reports: services.reports)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meetings import recurrence
from meetings.models import LONGEST_MEETING_MINUTES, Meeting, MeetingSeries
from teams.bounds import validate_sane_datetime
from teams.models import Team
from teams.selectors import team_members_check
from teams.updates import model_update

SERIES_FIELDS = (
    "title",
    "time_zone",
    "rrule",
    "starts_on",
    "ends_on",
    "start_time",
    "duration_minutes",
    "location",
    "video_url",
    "agenda_url",
    "host",
    "host_team_name",
    "shifter_covers",
    "contact",
    "reminder_hours",
)


def _horizon() -> dt.timedelta:
    return dt.timedelta(days=settings.MEETINGS_HORIZON_DAYS)


def _rule(value: object) -> str:
    """The RRULE normalised, or a ValidationError on `rrule` saying what is wrong."""
    try:
        return recurrence.rule_validate(str(value))
    except ValueError as error:
        raise ValidationError({"rrule": str(error)}) from None


def _check_series_title(*, team: Team, title: str, series: MeetingSeries | None = None) -> None:
    clash = MeetingSeries.objects.filter(team=team, title=title)
    if series is not None:
        clash = clash.exclude(pk=series.pk)
    if clash.exists():
        raise ValidationError({"title": "This team already has a series with this title."})


@transaction.atomic
def series_create(*, team: Team, **fields: Any) -> MeetingSeries:
    """Create a series and materialise its occurrences up to the horizon."""
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown meeting series fields: {', '.join(sorted(unknown))}.")
    if "rrule" in fields:
        fields["rrule"] = _rule(fields["rrule"])
    team_members_check(team=team, users=[fields.get("contact")], field="contact")
    series = MeetingSeries(team=team, **fields)
    series.full_clean(validate_unique=False, validate_constraints=False)
    _check_series_title(team=team, title=series.title)
    series.save()
    meetings_materialize(series=series)
    return series


@transaction.atomic
def series_update(*, series: MeetingSeries, **fields: Any) -> MeetingSeries:
    """Change a series; only future occurrences that were not edited alone (and have no
    report yet) follow the new times."""
    if "rrule" in fields:
        fields["rrule"] = _rule(fields["rrule"])
    if "contact" in fields:
        team_members_check(team=series.team, users=[fields["contact"]], field="contact")
    if "title" in fields:
        _check_series_title(team=series.team, title=fields["title"], series=series)
    series, changed = model_update(
        instance=series, fields=SERIES_FIELDS, data=fields, validate_unique=False
    )
    if not changed:
        return series
    series.sequence += 1
    series.save(update_fields=["sequence", "updated_at"])
    now = timezone.now()
    Meeting.objects.filter(
        series=series, slot_at__gte=now, is_detached=False, report__isnull=True
    ).delete()
    meetings_materialize(series=series, now=now)
    return series


@transaction.atomic
def meetings_materialize(
    *, series: MeetingSeries, now: dt.datetime | None = None, since: dt.datetime | None = None
) -> list[Meeting]:
    """Create the occurrences from `since` (default: now) up to the horizon that do not
    exist yet. Safe to run again: a slot is created once (unique per series)."""
    now = now or timezone.now()
    slots = recurrence.occurrences(
        rule=series.rrule,
        starts_on=series.starts_on,
        start_time=series.start_time,
        zone_name=series.time_zone,
        after=since or now,
        before=now + _horizon(),
        ends_on=series.ends_on,
    )
    existing = set(
        Meeting.objects.filter(series=series, slot_at__in=slots).values_list("slot_at", flat=True)
    )
    created = [
        Meeting(series=series, slot_at=slot, start_at=slot, end_at=slot + series.duration)
        for slot in slots
        if slot not in existing
    ]
    Meeting.objects.bulk_create(created)
    return created


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, note: str = "") -> Meeting:
    if meeting.is_cancelled:
        raise ValidationError("This meeting is already cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.is_detached = True
    meeting.note = note[:300]
    meeting.sequence += 1
    meeting.save(update_fields=["status", "is_detached", "note", "sequence", "updated_at"])
    return meeting


@transaction.atomic
def meeting_restore(*, meeting: Meeting) -> Meeting:
    if not meeting.is_cancelled:
        raise ValidationError("This meeting is not cancelled.")
    meeting.status = Meeting.Status.SCHEDULED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    return meeting


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    start_at: dt.datetime,
    duration_minutes: int | None = None,
    note: str = "",
) -> Meeting:
    """Move one occurrence (and optionally change its length) without touching the series."""
    if timezone.is_naive(start_at):
        raise ValidationError({"start_at": "Give the new start with its time zone."})
    try:
        validate_sane_datetime(start_at)
    except ValidationError as error:
        raise ValidationError({"start_at": error.messages}) from None
    minutes = duration_minutes or int((meeting.end_at - meeting.start_at).total_seconds() // 60)
    if not 1 <= minutes <= LONGEST_MEETING_MINUTES:
        raise ValidationError({"duration_minutes": "A meeting lasts 1 minute to 24 hours."})
    if meeting.is_cancelled:
        raise ValidationError("Restore the meeting before moving it.")
    meeting.start_at = start_at
    meeting.end_at = start_at + dt.timedelta(minutes=minutes)
    meeting.is_detached = True
    if note:
        meeting.note = note[:300]
    meeting.sequence += 1
    meeting.save(
        update_fields=["start_at", "end_at", "is_detached", "note", "sequence", "updated_at"]
    )
    return meeting
