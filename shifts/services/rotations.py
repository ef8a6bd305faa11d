"""Every write about rotations: create, change, set who takes turns, and plan (generate)
their shifts. Writes about one shift: `shifts.services.shifts`; swaps: `.swaps`; leave:
`.leave`."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shifts.models import Participant, Rotation, Shift, ShiftEvent, Unavailability
from shifts.rotation import assign, initial_queue
from shifts.services.moves import ShiftMoves
from teams.cache_versions import team_cache_invalidate
from teams.models import Team
from teams.selectors import team_members_check
from teams.timezones import zone
from teams.updates import model_update

# What a lead sets on a rotation (its form, its API and these services).
ROTATION_FIELDS = (
    "name",
    "period_days",
    "handover_weekday",
    "handover_time",
    "start_on",
    "horizon_weeks",
    "is_active",
)


@dataclass(frozen=True)
class GenerationResult:
    created: int
    updated: int
    deleted: int


def team_time(instant: dt.datetime, team: Team) -> str:
    """An instant as a shift's history and error messages show it: in the team's zone."""
    return f"{instant.astimezone(zone(team.time_zone)):%a %d %b %Y %H:%M} ({team.time_zone})"


def _check_name_free(*, team_id: int, name: str, rotation_pk: int | None = None) -> None:
    others = Rotation.objects.filter(team_id=team_id, name=name)
    if rotation_pk is not None:
        others = others.exclude(pk=rotation_pk)
    if others.exists():
        raise ValidationError({"name": "The team already has a rotation with this name."})


@transaction.atomic
def rotation_create(
    *, team: Team, participants: Sequence[User], now: dt.datetime | None = None, **fields: object
) -> Rotation:
    """Create a rotation with its ordered participants and plan its shifts."""
    unknown = set(fields) - set(ROTATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown rotation fields: {', '.join(sorted(unknown))}.")
    rotation = Rotation(team=team, **fields)
    _check_name_free(team_id=team.pk, name=rotation.name)
    rotation.full_clean()
    rotation.save()
    rotation_set_participants(rotation=rotation, participants=participants, now=now)
    return rotation


@transaction.atomic
def rotation_update(
    *, rotation: Rotation, now: dt.datetime | None = None, **fields: object
) -> Rotation:
    """Change a rotation; future shifts nobody changed by hand are planned again (and
    whoever's shifts moved is emailed)."""
    moves = ShiftMoves(team=rotation.team, now=now)
    _check_name_free(
        team_id=rotation.team_id,
        name=str(fields.get("name", rotation.name)),
        rotation_pk=rotation.pk,
    )
    rotation, changed = model_update(instance=rotation, fields=ROTATION_FIELDS, data=fields)
    if changed:  # its name and whether it is active show in who is on shift
        team_cache_invalidate(team_id=rotation.team_id)
    rotation_generate(rotation=rotation, now=now)
    moves.notify(event=f"rotation-changed:{rotation.pk}:{uuid.uuid4().hex}")
    return rotation


@transaction.atomic
def rotation_set_participants(
    *, rotation: Rotation, participants: Sequence[User], now: dt.datetime | None = None
) -> Rotation:
    """Set who takes turns, in order (adding, removing and reordering are all this);
    whoever's planned shifts moved is emailed."""
    if not participants:
        raise ValidationError({"participants": "A rotation needs at least one participant."})
    if len({user.pk for user in participants}) != len(participants):
        raise ValidationError({"participants": "Each person can appear only once."})
    team_members_check(team=rotation.team, users=participants, field="participants")
    moves = ShiftMoves(team=rotation.team, now=now)
    rotation.participants.all().delete()
    Participant.objects.bulk_create(
        Participant(rotation=rotation, user=user, position=position)
        for position, user in enumerate(participants)
    )
    rotation_generate(rotation=rotation, now=now)
    moves.notify(event=f"rotation-participants:{rotation.pk}:{uuid.uuid4().hex}")
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
                    description=f"Now {team_time(start, team)} to {team_time(end, team)}"
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
                description=f"Now ends {team_time(current.end_at, team)} (rotation changed).",
            )
        )
    stale = [shift.pk for shift in existing.values() if not shift.is_hand_changed]

    Shift.objects.bulk_create(to_create, batch_size=1000)
    Shift.objects.bulk_update(to_update, ["assignee", "start_at", "end_at"], batch_size=1000)
    ShiftEvent.objects.bulk_create(events, batch_size=1000)
    if stale:
        Shift.objects.filter(pk__in=stale).delete()
    if to_create or to_update or stale:
        team_cache_invalidate(team_id=team.pk)
    return GenerationResult(created=len(to_create), updated=len(to_update), deleted=len(stale))
