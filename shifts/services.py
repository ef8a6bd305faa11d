"""Every write about rotations, their shifts and overrides (swaps: shifts.swap_requests;
leave: shifts.leave)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shifts.models import (
    Override,
    Participant,
    Rotation,
    Shift,
    ShiftEvent,
    Unavailability,
)
from shifts.rotation import assign, initial_queue
from teams.access import team_access
from teams.models import Membership, Team
from teams.timezones import zone

ROTATION_FIELDS = frozenset(
    {
        "name",
        "period_days",
        "handover_weekday",
        "handover_time",
        "start_on",
        "horizon_weeks",
        "is_active",
    }
)


@dataclass(frozen=True)
class GenerationResult:
    created: int
    updated: int
    deleted: int


def is_team_lead(*, user: User, team: Team) -> bool:
    return team_access(user=user, team=team).is_lead


def check_members(*, team: Team, users: Sequence[User], field: str) -> None:
    ids = {user.pk for user in users}
    members = set(
        Membership.objects.active()
        .filter(team=team, user_id__in=ids)
        .values_list("user_id", flat=True)
    )
    strangers = sorted(user.get_username() for user in users if user.pk not in members)
    if strangers:
        raise ValidationError({field: f"Not a member of {team.name}: {', '.join(strangers)}."})


def _local(instant: dt.datetime, team: Team) -> str:
    return f"{instant.astimezone(zone(team.time_zone)):%a %d %b %Y %H:%M} ({team.time_zone})"


def name_of(user: User | None) -> str:
    if user is None:
        return "nobody"
    return user.get_full_name() or user.get_username()


# --- Rotations and generation ---------------------------------------------------------


@transaction.atomic
def rotation_create(
    *, team: Team, participants: Sequence[User], now: dt.datetime | None = None, **fields: object
) -> Rotation:
    """Create a rotation with its ordered participants and plan its shifts."""
    unknown = set(fields) - ROTATION_FIELDS
    if unknown:
        raise ValidationError(f"Unknown rotation fields: {', '.join(sorted(unknown))}.")
    if Rotation.objects.filter(team=team, name=fields.get("name", "Developer on shift")).exists():
        raise ValidationError({"name": "The team already has a rotation with this name."})
    rotation = Rotation(team=team, **fields)
    rotation.full_clean()
    rotation.save()
    rotation_set_participants(rotation=rotation, participants=participants, now=now)
    return rotation


@transaction.atomic
def rotation_update(
    *, rotation: Rotation, now: dt.datetime | None = None, **fields: object
) -> Rotation:
    """Change a rotation; future shifts nobody changed by hand are planned again."""
    unknown = set(fields) - ROTATION_FIELDS
    if unknown:
        raise ValidationError(f"Unknown rotation fields: {', '.join(sorted(unknown))}.")
    new_name = fields.get("name", rotation.name)
    if (
        Rotation.objects.filter(team_id=rotation.team_id, name=new_name)
        .exclude(pk=rotation.pk)
        .exists()
    ):
        raise ValidationError({"name": "The team already has a rotation with this name."})
    for name, value in fields.items():
        setattr(rotation, name, value)
    rotation.full_clean()
    rotation.save()
    rotation_generate(rotation=rotation, now=now)
    return rotation


@transaction.atomic
def rotation_set_participants(
    *, rotation: Rotation, participants: Sequence[User], now: dt.datetime | None = None
) -> Rotation:
    """Set who takes turns, in order (adding, removing and reordering are all this)."""
    if not participants:
        raise ValidationError({"participants": "A rotation needs at least one participant."})
    if len({user.pk for user in participants}) != len(participants):
        raise ValidationError({"participants": "Each person can appear only once."})
    check_members(team=rotation.team, users=participants, field="participants")
    rotation.participants.all().delete()
    Participant.objects.bulk_create(
        Participant(rotation=rotation, user=user, position=position)
        for position, user in enumerate(participants)
    )
    rotation_generate(rotation=rotation, now=now)
    return rotation


@transaction.atomic
def rotation_generate(*, rotation: Rotation, now: dt.datetime | None = None) -> GenerationResult:
    """Materialise the rotation's shifts up to its horizon; running it again changes nothing.

    Shifts that have started are history: never rewritten (only the current one's end
    follows a changed handover time). Future shifts are planned again from the rotation,
    its participants and their unavailability; shifts changed by hand (swapped, set by
    hand) keep their person. A new rotation starting in the past gets its past shifts.
    A fixed number of queries, whatever the number of shifts (bulk writes).
    """
    now = now or timezone.now()
    rotation = (
        Rotation.objects.select_for_update(of=("self",)).select_related("team").get(pk=rotation.pk)
    )
    team = rotation.team
    rule = rotation.rule()
    participants = list(
        rotation.participants.order_by("position").values_list("user_id", flat=True)
    )
    current = rotation.shifts.filter(start_at__lte=now).order_by("-slot").first()
    first = current.slot + 1 if current else 0
    until = now + dt.timedelta(weeks=rotation.horizon_weeks)
    slots = rule.slots(first, until) if rotation.is_active and participants else []
    existing = {shift.slot: shift for shift in rotation.shifts.filter(slot__gte=first)}

    last_served = dict(
        rotation.shifts.filter(slot__lt=first, assignee__isnull=False)
        .values("assignee_id")
        .annotate(last=Max("slot"))
        .values_list("assignee_id", "last")
    )
    away: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    if slots:
        tz = zone(team.time_zone)
        span_start = slots[0][1].astimezone(tz).date() - dt.timedelta(days=1)
        span_end = slots[-1][2].astimezone(tz).date() + dt.timedelta(days=1)
        for period in Unavailability.objects.filter(
            team=team, user_id__in=participants, ends_on__gte=span_start, starts_on__lte=span_end
        ):
            if period.user_id is not None:
                away[period.user_id].append(period.bounds(tz))

    def is_available(person: int, start: dt.datetime, end: dt.datetime) -> bool:
        return not any(a_start < end and start < a_end for a_start, a_end in away[person])

    fixed = {
        slot: shift.assignee_id
        for slot, shift in existing.items()
        if shift.is_hand_changed and shift.assignee_id is not None
    }
    plan = assign(
        initial_queue(participants, last_served), slots, is_available=is_available, fixed=fixed
    )

    to_create: list[Shift] = []
    to_update: list[Shift] = []
    events: list[ShiftEvent] = []
    for index, start, end in slots:
        shift = existing.pop(index, None)
        if shift is None:
            to_create.append(
                Shift(
                    rotation=rotation,
                    team=team,
                    slot=index,
                    assignee_id=plan[index],
                    start_at=start,
                    end_at=end,
                )
            )
            continue
        changes = []
        if (shift.start_at, shift.end_at) != (start, end):
            changes.append(
                ShiftEvent(
                    shift=shift,
                    kind=ShiftEvent.Kind.RETIMED,
                    description=f"Now {_local(start, team)} to {_local(end, team)}"
                    " (rotation changed).",
                )
            )
            shift.start_at, shift.end_at = start, end
        if not shift.is_hand_changed and shift.assignee_id != plan[index]:
            changes.append(
                ShiftEvent(
                    shift=shift,
                    kind=ShiftEvent.Kind.REASSIGNED,
                    description="Planned again after a change of the rotation"
                    " or of someone's availability.",
                )
            )
            shift.assignee_id = plan[index]
        if changes:
            to_update.append(shift)
            events.extend(changes)
    if (
        current is not None
        and slots
        and current.end_at != slots[0][1]
        and slots[0][1] > current.start_at
    ):
        current.end_at = slots[0][1]
        to_update.append(current)
        events.append(
            ShiftEvent(
                shift=current,
                kind=ShiftEvent.Kind.RETIMED,
                description=f"Now ends {_local(current.end_at, team)} (rotation changed).",
            )
        )
    stale = [shift.pk for shift in existing.values() if not shift.is_hand_changed]

    Shift.objects.bulk_create(to_create, batch_size=1000)
    Shift.objects.bulk_update(to_update, ["assignee", "start_at", "end_at"], batch_size=1000)
    ShiftEvent.objects.bulk_create(events, batch_size=1000)
    if stale:
        Shift.objects.filter(pk__in=stale).delete()
    return GenerationResult(created=len(to_create), updated=len(to_update), deleted=len(stale))


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
    check_members(team=shift.team, users=[assignee], field="assignee")
    previous = shift.assignee
    shift.assignee = assignee
    shift.origin = Shift.Origin.MANUAL
    shift.save(update_fields=["assignee", "origin"])
    ShiftEvent.objects.create(
        shift=shift,
        kind=ShiftEvent.Kind.REASSIGNED,
        actor=actor,
        description=f"Set by hand: {name_of(assignee)} instead of {name_of(previous)}.",
    )
    return shift


# --- Overrides ------------------------------------------------------------------------


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
                f"{_local(shift.start_at, team)} to {_local(shift.end_at, team)}."
            }
        )
    if user.pk == shift.assignee_id:
        raise ValidationError({"user": f"{name_of(user)} is already on this shift."})
    if not (
        is_team_lead(user=created_by, team=team) or created_by.pk in (user.pk, shift.assignee_id)
    ):
        raise PermissionDenied("Only the people on the shift or a lead may arrange cover.")
    check_members(team=team, users=[user], field="user")
    clash = (
        shift.overrides.select_related("user")
        .filter(start_at__lt=end_at, end_at__gt=start_at)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start_at": f"This overlaps the cover by {name_of(clash.user)} from "
                f"{_local(clash.start_at, team)} to {_local(clash.end_at, team)}; "
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
        description=f"{name_of(user)} covers {_local(start_at, team)} to {_local(end_at, team)}"
        + (f": {reason}" if reason else "."),
    )
    return override


@transaction.atomic
def override_delete(*, override: Override, actor: User) -> None:
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("team")
        .get(pk=override.shift_id)
    )
    if not (
        is_team_lead(user=actor, team=shift.team)
        or actor.pk in (override.user_id, shift.assignee_id)
    ):
        raise PermissionDenied("Only the people on the shift or a lead may remove cover.")
    ShiftEvent.objects.create(
        shift=shift,
        kind=ShiftEvent.Kind.OVERRIDE_REMOVED,
        actor=actor,
        description=f"Cover by {name_of(override.user)} from "
        f"{_local(override.start_at, shift.team)} removed.",
    )
    override.delete()
