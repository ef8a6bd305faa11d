"""Every write about rotations, shifts, overrides, swaps and unavailability."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from outbox.services import email_queue
from shifts.models import (
    Override,
    Participant,
    Rotation,
    Shift,
    ShiftEvent,
    SwapRequest,
    Unavailability,
)
from shifts.rotation import assign, initial_queue
from teams.ical import IcsError, parse_periods
from teams.models import Membership, Team
from teams.selectors import membership_role, role_at_least, user_display_zone_name
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
    return user.is_staff or role_at_least(
        membership_role(user=user, team=team), Membership.Role.LEAD
    )


def _check_members(*, team: Team, users: Sequence[User], field: str) -> None:
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


def _name(user: User | None) -> str:
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
    _check_members(team=rotation.team, users=participants, field="participants")
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
    _check_members(team=shift.team, users=[assignee], field="assignee")
    previous = shift.assignee
    shift.assignee = assignee
    shift.origin = Shift.Origin.MANUAL
    shift.save(update_fields=["assignee", "origin"])
    ShiftEvent.objects.create(
        shift=shift,
        kind=ShiftEvent.Kind.REASSIGNED,
        actor=actor,
        description=f"Set by hand: {_name(assignee)} instead of {_name(previous)}.",
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
        raise ValidationError({"user": f"{_name(user)} is already on this shift."})
    if not (
        is_team_lead(user=created_by, team=team) or created_by.pk in (user.pk, shift.assignee_id)
    ):
        raise PermissionDenied("Only the people on the shift or a lead may arrange cover.")
    _check_members(team=team, users=[user], field="user")
    clash = (
        shift.overrides.select_related("user")
        .filter(start_at__lt=end_at, end_at__gt=start_at)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start_at": f"This overlaps the cover by {_name(clash.user)} from "
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
        description=f"{_name(user)} covers {_local(start_at, team)} to {_local(end_at, team)}"
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
        description=f"Cover by {_name(override.user)} from "
        f"{_local(override.start_at, shift.team)} removed.",
    )
    override.delete()


# --- Swap requests --------------------------------------------------------------------


def _notify(*, key: str, user: User, subject: str, body: str) -> None:
    if user.email:
        email_queue(key=f"{key}:{user.pk}", to=[user.email], subject=subject, text_body=body)


def _describe(shift: Shift, user: User) -> str:
    viewer_zone = zone(user_display_zone_name(user=user))
    start = shift.start_at.astimezone(viewer_zone)
    end = shift.end_at.astimezone(viewer_zone)
    when = f"{start:%a %d %b %Y %H:%M} to {end:%a %d %b %Y %H:%M}"
    return f"{shift.rotation.name}: {when} ({viewer_zone.key})"


@transaction.atomic
def swap_request_create(
    *,
    requester: User,
    shift: Shift,
    recipient: User,
    counter_shift: Shift | None = None,
    message: str = "",
    now: dt.datetime | None = None,
) -> SwapRequest:
    """Offer my future shift to a teammate, for nothing (give-away) or for one of theirs."""
    now = now or timezone.now()
    team = shift.team
    if shift.assignee_id != requester.pk:
        raise ValidationError({"shift": "You can only offer a shift you are on."})
    if shift.start_at <= now:
        raise ValidationError(
            {"shift": "This shift has already started; past shifts cannot be swapped."}
        )
    if recipient.pk == requester.pk:
        raise ValidationError({"recipient": "Propose the swap to someone else."})
    _check_members(team=team, users=[recipient], field="recipient")
    if counter_shift is not None:
        if counter_shift.rotation_id != shift.rotation_id:
            raise ValidationError({"counter_shift": "Both shifts must be in the same rotation."})
        if counter_shift.assignee_id != recipient.pk:
            raise ValidationError({"counter_shift": f"{_name(recipient)} is not on that shift."})
        if counter_shift.start_at <= now:
            raise ValidationError(
                {"counter_shift": "That shift has already started; past shifts cannot be swapped."}
            )
    swap = SwapRequest.objects.create(
        team=team,
        requester=requester,
        recipient=recipient,
        shift=shift,
        counter_shift=counter_shift,
        message=message,
    )
    offer = f"{_name(requester)} asks you to take their shift\n  {_describe(shift, recipient)}\n"
    if counter_shift is not None:
        offer += f"in exchange for yours\n  {_describe(counter_shift, recipient)}\n"
    if message:
        offer += f"\nMessage: {message}\n"
    _notify(
        key=f"swap-requested:{swap.pk}",
        user=recipient,
        subject=f"[{team.name}] Shift swap request from {_name(requester)}",
        body=offer + "\nAccept or decline it on the team's schedule page.",
    )
    return swap


def _locked_pending(swap: SwapRequest) -> SwapRequest:
    """Re-read the request under a row lock: a concurrent decision waits, then sees its result."""
    locked = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("team", "requester", "recipient")
        .get(pk=swap.pk)
    )
    if locked.status != SwapRequest.Status.PENDING:
        raise ValidationError(
            f"This swap request was already {locked.get_status_display().lower()}."
        )
    return locked


@transaction.atomic
def swap_request_accept(
    *, swap: SwapRequest, actor: User, now: dt.datetime | None = None
) -> SwapRequest:
    """The recipient (or a lead for them) accepts: the shifts change hands atomically.

    Two concurrent accepts cannot both win: the request row is locked (PostgreSQL) or the
    transaction is IMMEDIATE (SQLite); the second sees "already accepted".
    """
    now = now or timezone.now()
    swap = _locked_pending(swap)
    if actor.pk != swap.recipient_id and not is_team_lead(user=actor, team=swap.team):
        raise PermissionDenied("Only the person asked, or a lead, may accept this swap.")
    ids = [swap.shift_id] + ([swap.counter_shift_id] if swap.counter_shift_id else [])
    shifts = {
        shift.pk: shift
        for shift in Shift.objects.select_for_update(of=("self",))
        .select_related("rotation")
        .filter(pk__in=ids)
    }
    shift = shifts[swap.shift_id]
    counter = shifts.get(swap.counter_shift_id) if swap.counter_shift_id else None
    if shift.assignee_id != swap.requester_id or (
        counter and counter.assignee_id != swap.recipient_id
    ):
        raise ValidationError("The shifts have changed hands since this request was made.")
    if shift.start_at <= now or (counter and counter.start_at <= now):
        raise ValidationError(
            "A shift in this request has already started; past shifts cannot be swapped."
        )
    requester, recipient = swap.requester, swap.recipient
    shift.assignee_id, shift.origin = recipient.pk, Shift.Origin.SWAPPED
    changed = [shift]
    events = [
        ShiftEvent(
            shift=shift,
            kind=ShiftEvent.Kind.SWAPPED,
            actor=actor,
            description=f"{_name(requester)} handed this shift to {_name(recipient)}"
            f" (swap #{swap.pk}).",
        )
    ]
    if counter is not None:
        counter.assignee_id, counter.origin = requester.pk, Shift.Origin.SWAPPED
        changed.append(counter)
        events.append(
            ShiftEvent(
                shift=counter,
                kind=ShiftEvent.Kind.SWAPPED,
                actor=actor,
                description=f"{_name(recipient)} handed this shift to {_name(requester)}"
                f" (swap #{swap.pk}).",
            )
        )
    Shift.objects.bulk_update(changed, ["assignee", "origin"])
    ShiftEvent.objects.bulk_create(events)
    swap.status = SwapRequest.Status.ACCEPTED
    swap.decided_at = now
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_at", "decided_by"])
    by = "" if actor.pk == recipient.pk else f" ({_name(actor)} decided for {_name(recipient)})"
    for person in (requester, recipient):
        body = f"The swap between {_name(requester)} and {_name(recipient)} was accepted{by}.\n\n"
        body += f"{_name(recipient)} now has\n  {_describe(shift, person)}\n"
        if counter is not None:
            body += f"{_name(requester)} now has\n  {_describe(counter, person)}\n"
        _notify(
            key=f"swap-accepted:{swap.pk}",
            user=person,
            subject=f"[{swap.team.name}] Shift swap accepted",
            body=body,
        )
    return swap


@transaction.atomic
def swap_request_decline(
    *, swap: SwapRequest, actor: User, now: dt.datetime | None = None
) -> SwapRequest:
    swap = _locked_pending(swap)
    if actor.pk != swap.recipient_id and not is_team_lead(user=actor, team=swap.team):
        raise PermissionDenied("Only the person asked, or a lead, may decline this swap.")
    swap.status = SwapRequest.Status.DECLINED
    swap.decided_at = now or timezone.now()
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_at", "decided_by"])
    _notify(
        key=f"swap-declined:{swap.pk}",
        user=swap.requester,
        subject=f"[{swap.team.name}] Shift swap declined",
        body=f"{_name(actor)} declined your swap request #{swap.pk} to {_name(swap.recipient)}.",
    )
    return swap


@transaction.atomic
def swap_request_cancel(
    *, swap: SwapRequest, actor: User, now: dt.datetime | None = None
) -> SwapRequest:
    swap = _locked_pending(swap)
    if actor.pk != swap.requester_id:
        raise PermissionDenied("Only the person who asked may cancel this swap request.")
    swap.status = SwapRequest.Status.CANCELLED
    swap.decided_at = now or timezone.now()
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_at", "decided_by"])
    return swap


# --- Unavailability -------------------------------------------------------------------


def _replan_team(*, team: Team, now: dt.datetime | None) -> None:
    for rotation in Rotation.objects.active().filter(team=team):
        rotation_generate(rotation=rotation, now=now)


@transaction.atomic
def unavailability_create(
    *,
    team: Team,
    actor: User,
    user: User | None,
    starts_on: dt.date,
    ends_on: dt.date,
    kind: str = Unavailability.Kind.VACATION,
    note: str = "",
    now: dt.datetime | None = None,
    replan: bool = True,
) -> Unavailability:
    """Record leave (members for themselves, leads for anyone) or a team public holiday
    (leads); future shifts are planned again around it (unless the caller does it once
    for several periods: `replan=False`)."""
    if kind not in Unavailability.Kind.values:
        raise ValidationError({"kind": f"Unknown kind {kind!r}."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end is before the start."})
    is_lead = is_team_lead(user=actor, team=team)
    if kind == Unavailability.Kind.PUBLIC_HOLIDAY:
        if user is not None:
            raise ValidationError(
                {"user": "A public holiday applies to the whole team; leave the person empty."}
            )
        if not is_lead:
            raise PermissionDenied("Only a lead may enter public holidays.")
    else:
        if user is None:
            raise ValidationError({"user": "Say who is unavailable."})
        if user.pk != actor.pk and not is_lead:
            raise PermissionDenied("Only a lead may enter someone else's unavailability.")
        _check_members(team=team, users=[user], field="user")
    period = Unavailability(
        team=team, user=user, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note
    )
    period.full_clean()
    period.save()
    if user is not None and replan:
        _replan_team(team=team, now=now)
    return period


@dataclass(frozen=True)
class ImportedDays:
    """A period read from an .ics file as whole days in the team's zone (inclusive)."""

    starts_on: dt.date
    ends_on: dt.date
    summary: str


def ics_periods_as_days(*, team: Team, data: bytes, today: dt.date) -> list[ImportedDays]:
    """Read an uploaded .ics file as whole days in the team's zone, from 92 days ago to
    two years ahead; raises IcsError (a message for the user) for unusable files."""
    tz = zone(team.time_zone)
    window_start = dt.datetime.combine(today - dt.timedelta(days=92), dt.time(0), tzinfo=tz)
    window_end = dt.datetime.combine(today + dt.timedelta(days=731), dt.time(0), tzinfo=tz)
    periods = parse_periods(data, zone=tz, window_start=window_start, window_end=window_end)
    days: dict[tuple[dt.date, dt.date, str], ImportedDays] = {}
    for period in periods:
        first = period.start.astimezone(tz).date()
        end = period.end.astimezone(tz)
        last = end.date() - dt.timedelta(days=1) if end.time() == dt.time(0) else end.date()
        summary = period.summary[:200]
        days.setdefault(
            (first, max(first, last), summary),
            ImportedDays(starts_on=first, ends_on=max(first, last), summary=summary),
        )
    if not days:
        raise IcsError(
            f"The file has no events between {window_start:%d %b %Y} and {window_end:%d %b %Y}."
        )
    return sorted(days.values(), key=lambda d: (d.starts_on, d.ends_on, d.summary))


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int


@transaction.atomic
def unavailability_import(
    *,
    team: Team,
    actor: User,
    user: User | None,
    kind: str,
    periods: Sequence[ImportedDays],
    now: dt.datetime | None = None,
) -> ImportResult:
    """Create the imported periods in one go (same rules as `unavailability_create`);
    a period already entered with the same person, kind and days is skipped."""
    if not periods:
        raise ValidationError("There is nothing to import.")
    existing = set(
        Unavailability.objects.filter(team=team, user=user, kind=kind).values_list(
            "starts_on", "ends_on"
        )
    )
    created = skipped = 0
    for period in periods:
        if (period.starts_on, period.ends_on) in existing:
            skipped += 1
            continue
        existing.add((period.starts_on, period.ends_on))
        unavailability_create(
            team=team,
            actor=actor,
            user=user,
            kind=kind,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            note=period.summary,
            now=now,
            replan=False,
        )
        created += 1
    if user is not None and created:
        _replan_team(team=team, now=now)
    return ImportResult(created=created, skipped=skipped)


@transaction.atomic
def unavailability_delete(
    *, period: Unavailability, actor: User, now: dt.datetime | None = None
) -> None:
    if period.user_id != actor.pk and not is_team_lead(user=actor, team=period.team):
        raise PermissionDenied("Only a lead may remove someone else's unavailability.")
    team, personal = period.team, period.user_id is not None
    period.delete()
    if personal:
        _replan_team(team=team, now=now)
