"""Every write to duties and the access checklist. Who may edit the lists (a lead) is
guarded by the callers with `team_access(...).require(...)`; who may tick a duty (the
shifter on duty, an expert for an expert-only duty) is a rule, checked here."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from duties.models import AccessGrant, AccessRequirement, Duty, DutyCheck
from duties.selectors import duty_occurrence_get
from meetings.models import MeetingSeries
from shifts.models import Override, Rotation, Shift
from teams.access import team_access
from teams.models import Team
from teams.timezones import zone
from teams.updates import model_update

DUTY_FIELDS = [
    "title",
    "instructions",
    "cadence",
    "meeting_series",
    "expert_only",
    "position",
    "is_active",
]
REQUIREMENT_FIELDS = ["title", "instructions", "required", "position"]


def _check_series(*, rotation: Rotation, cadence: str, series: MeetingSeries | None) -> None:
    if cadence == Duty.Cadence.AT_MEETING:
        if series is None:
            raise ValidationError({"meeting_series": "Say which meeting series this duty follows."})
        if series.team_id != rotation.team_id:
            raise ValidationError({"meeting_series": "Not a meeting series of this team."})
    elif series is not None:
        raise ValidationError(
            {"meeting_series": "Only a duty 'at each meeting' follows a meeting series."}
        )


def _unknown(model: str, data: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown {model} fields: {', '.join(sorted(unknown))}.")


@transaction.atomic
def duty_create(*, rotation: Rotation, title: str, cadence: str, **fields: Any) -> Duty:
    _unknown("duty", fields, DUTY_FIELDS)
    duty = Duty(rotation=rotation, title=title, cadence=cadence, **fields)
    _check_series(rotation=rotation, cadence=cadence, series=duty.meeting_series)
    duty.full_clean()
    duty.save()
    return duty


@transaction.atomic
def duty_update(*, duty: Duty, data: dict[str, Any]) -> Duty:
    cadence = data.get("cadence", duty.cadence)
    series = data.get("meeting_series", duty.meeting_series)
    _check_series(rotation=duty.rotation, cadence=cadence, series=series)
    duty, _ = model_update(instance=duty, fields=DUTY_FIELDS, data=data)
    return duty


@transaction.atomic
def duty_delete(*, duty: Duty) -> None:
    duty.delete()


def _is_on_shift(*, shift: Shift, user: User) -> bool:
    return shift.assignee_id == user.pk or Override.objects.filter(shift=shift, user=user).exists()


@transaction.atomic
def duty_check_record(
    *,
    duty: Duty,
    shift: Shift,
    occurs_on: dt.date,
    actor: User,
    state: str = DutyCheck.State.DONE,
    note: str = "",
    now: dt.datetime | None = None,
) -> DutyCheck:
    """Tick (or skip) a duty's occurrence: only the shifter on duty (the assignee or a
    person covering part of the shift) may, and an expert-only duty needs an expert.
    Ticking again changes the state and note of the same check."""
    now = now or timezone.now()
    if duty.rotation_id != shift.rotation_id:
        raise ValidationError({"duty": "Not a duty of this shift's rotation."})
    if not _is_on_shift(shift=shift, user=actor):
        raise PermissionDenied("Only the shifter on duty ticks this shift's duties.")
    if duty.expert_only and not team_access(user=actor, team=shift.team).is_expert:
        raise PermissionDenied("An expert-only duty: an expert runs it and ticks it.")
    if state not in DutyCheck.State.values:
        raise ValidationError({"state": f"Unknown state {state!r}: done or skipped."})
    if not duty.is_active:
        raise ValidationError({"duty": "This duty is no longer active."})
    if duty_occurrence_get(shift=shift, duty=duty, on=occurs_on) is None:
        raise ValidationError(
            {"occurs_on": f"{duty.title} is not due on {occurs_on} in this shift."}
        )
    if occurs_on > now.astimezone(zone(shift.team.time_zone)).date():
        raise ValidationError({"occurs_on": "That day has not come yet."})
    check = (
        DutyCheck.objects.select_for_update()
        .filter(duty=duty, shift=shift, occurs_on=occurs_on)
        .first()
    )
    if check is None:
        check = DutyCheck(duty=duty, shift=shift, occurs_on=occurs_on)
    check.state = state
    check.note = note.strip()
    check.done_by = actor
    check.done_at = now
    check.full_clean(validate_unique=False, validate_constraints=False)
    check.save()
    return check


@transaction.atomic
def duty_check_delete(*, check: DutyCheck, actor: User) -> None:
    """Untick: the shifter on duty takes a tick back."""
    if not _is_on_shift(shift=check.shift, user=actor):
        raise PermissionDenied("Only the shifter on duty ticks this shift's duties.")
    check.delete()


@transaction.atomic
def access_requirement_create(*, team: Team, title: str, **fields: Any) -> AccessRequirement:
    _unknown("checklist item", fields, REQUIREMENT_FIELDS)
    if AccessRequirement.objects.filter(team=team, title=title).exists():
        raise ValidationError({"title": "The checklist already has an item with this title."})
    requirement = AccessRequirement(team=team, title=title, **fields)
    requirement.full_clean(validate_unique=False, validate_constraints=False)
    requirement.save()
    return requirement


@transaction.atomic
def access_requirement_update(
    *, requirement: AccessRequirement, data: dict[str, Any]
) -> AccessRequirement:
    title = data.get("title")
    if (
        title is not None
        and AccessRequirement.objects.filter(team_id=requirement.team_id, title=title)
        .exclude(pk=requirement.pk)
        .exists()
    ):
        raise ValidationError({"title": "The checklist already has an item with this title."})
    requirement, _ = model_update(
        instance=requirement, fields=REQUIREMENT_FIELDS, data=data, validate_unique=False
    )
    return requirement


@transaction.atomic
def access_requirement_delete(*, requirement: AccessRequirement) -> None:
    requirement.delete()


@transaction.atomic
def access_grant_tick(
    *, requirement: AccessRequirement, user: User, now: dt.datetime | None = None
) -> AccessGrant:
    """A person says they have an item (idempotent)."""
    grant, _ = AccessGrant.objects.get_or_create(
        requirement=requirement, user=user, defaults={"ticked_at": now or timezone.now()}
    )
    return grant


@transaction.atomic
def access_grant_untick(*, grant: AccessGrant) -> None:
    grant.delete()


@transaction.atomic
def access_grant_confirm(
    *, grant: AccessGrant, lead: User, now: dt.datetime | None = None
) -> AccessGrant:
    """A lead confirms a person really has the item (idempotent)."""
    if grant.confirmed_at is None:
        grant.confirmed_by = lead
        grant.confirmed_at = now or timezone.now()
        grant.save(update_fields=["confirmed_by", "confirmed_at"])
    return grant
