"""Every write about one shift: setting who is on it by hand, and covers (overrides)."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shifts.models import Override, Shift, ShiftEvent
from shifts.selectors.leave import leave_clash_message, leave_overlapping
from shifts.services.rotations import team_time
from teams.access import team_access
from teams.cache_versions import team_cache_invalidate
from teams.selectors import person_name, team_members_check


@transaction.atomic
def shift_assign(
    *, shift: Shift, assignee: User, actor: User, now: dt.datetime | None = None
) -> Shift:
    """A lead sets who is on a future shift by hand; planning will not change it again."""
    now = now or timezone.now()
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("team", "assignee")
        .get(pk=shift.pk)
    )
    if shift.start_at <= now:
        raise ValidationError({"assignee": "This shift has started; past shifts are history."})
    team_members_check(team=shift.team, users=[assignee], field="assignee")
    previous = shift.assignee
    shift.assignee = assignee
    shift.origin = Shift.Origin.MANUAL
    shift.save(update_fields=["assignee", "origin"])
    ShiftEvent.objects.create(
        shift=shift,
        kind=ShiftEvent.Kind.REASSIGNED,
        actor=actor,
        description=f"Set by hand: {person_name(assignee)} instead of {person_name(previous)}.",
    )
    team_cache_invalidate(team_id=shift.team_id)
    return shift


@transaction.atomic
def override_create(
    *,
    shift: Shift,
    user: User,
    start_at: dt.datetime,
    end_at: dt.datetime,
    created_by: User,
    reason: str = "",
) -> Override:
    """`user` covers [start_at, end_at) of the shift; covers of one shift never overlap."""
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("team", "assignee")
        .get(pk=shift.pk)
    )
    team = shift.team
    if end_at <= start_at:
        raise ValidationError({"end_at": "The end must be after the start."})
    if start_at < shift.start_at or end_at > shift.end_at:
        raise ValidationError(
            {
                "start_at": "A cover must lie within the shift, "
                f"{team_time(shift.start_at, team)} to {team_time(shift.end_at, team)}."
            }
        )
    if user.pk == shift.assignee_id:
        raise ValidationError({"user": f"{person_name(user)} is already on this shift."})
    if not (
        team_access(user=created_by, team=team).is_lead
        or created_by.pk in (user.pk, shift.assignee_id)
    ):
        raise PermissionDenied("Only the people on the shift or a lead may arrange cover.")
    team_members_check(team=team, users=[user], field="user")
    away = leave_overlapping(team=team, user_id=user.pk, start_at=start_at, end_at=end_at)
    if away is not None:
        whose = "your" if user.pk == created_by.pk else f"{person_name(user)}'s"
        raise ValidationError({"user": leave_clash_message(period=away, whose=whose)})
    clash = (
        shift.overrides.select_related("user")
        .filter(start_at__lt=end_at, end_at__gt=start_at)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start_at": f"This overlaps the cover by {person_name(clash.user)} from "
                f"{team_time(clash.start_at, team)} to {team_time(clash.end_at, team)}; "
                "change or remove that one first."
            }
        )
    override = Override.objects.create(
        shift=shift,
        user=user,
        start_at=start_at,
        end_at=end_at,
        reason=reason,
        created_by=created_by,
    )
    ShiftEvent.objects.create(
        shift=shift,
        kind=ShiftEvent.Kind.OVERRIDE_ADDED,
        actor=created_by,
        description=f"{person_name(user)} covers {team_time(start_at, team)}"
        f" to {team_time(end_at, team)}" + (f": {reason}" if reason else "."),
    )
    team_cache_invalidate(team_id=team.pk)
    return override


@transaction.atomic
def override_delete(*, override: Override, actor: User) -> None:
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("team")
        .get(pk=override.shift_id)
    )
    if not (
        team_access(user=actor, team=shift.team).is_lead
        or actor.pk in (override.user_id, shift.assignee_id)
    ):
        raise PermissionDenied("Only the people on the shift or a lead may remove cover.")
    ShiftEvent.objects.create(
        shift=shift,
        kind=ShiftEvent.Kind.OVERRIDE_REMOVED,
        actor=actor,
        description=f"Cover by {person_name(override.user)} from "
        f"{team_time(override.start_at, shift.team)} removed.",
    )
    override.delete()
    team_cache_invalidate(team_id=shift.team_id)
