"""Swap requests: propose, accept (atomically), decline, cancel; both people are emailed."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from outbox.services import email_queue
from shifts.models import Shift, ShiftEvent, SwapRequest
from shifts.selectors.leave import leave_clash_message, leave_overlapping
from teams.access import team_access
from teams.cache_versions import team_cache_invalidate
from teams.selectors import person_name, team_members_check, user_display_zone_name
from teams.timezones import zone


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
    team_members_check(team=team, users=[recipient], field="recipient")
    if counter_shift is not None:
        if counter_shift.rotation_id != shift.rotation_id:
            raise ValidationError({"counter_shift": "Both shifts must be in the same rotation."})
        if counter_shift.assignee_id != recipient.pk:
            raise ValidationError(
                {"counter_shift": f"{person_name(recipient)} is not on that shift."}
            )
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
    offer = (
        f"{person_name(requester)} asks you to take their shift\n  {_describe(shift, recipient)}\n"
    )
    if counter_shift is not None:
        offer += f"in exchange for yours\n  {_describe(counter_shift, recipient)}\n"
    if message:
        offer += f"\nMessage: {message}\n"
    _notify(
        key=f"swap-requested:{swap.pk}",
        user=recipient,
        subject=f"[{team.name}] Shift swap request from {person_name(requester)}",
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


def _check_not_on_leave(
    *, swap: SwapRequest, shift: Shift, counter: Shift | None, actor: User
) -> None:
    """Refuse a swap that gives either person a shift inside their own recorded leave."""
    takes = [(swap.recipient, shift)] + ([(swap.requester, counter)] if counter else [])
    for person, taken in takes:
        period = leave_overlapping(
            team=swap.team, user_id=person.pk, start_at=taken.start_at, end_at=taken.end_at
        )
        if period is not None:
            whose = "your" if person.pk == actor.pk else f"{person_name(person)}'s"
            raise ValidationError(leave_clash_message(period=period, whose=whose))


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
    if actor.pk != swap.recipient_id and not team_access(user=actor, team=swap.team).is_lead:
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
    _check_not_on_leave(swap=swap, shift=shift, counter=counter, actor=actor)
    giver, taker = person_name(requester), person_name(recipient)
    shift.assignee_id, shift.origin = recipient.pk, Shift.Origin.SWAPPED
    changed = [shift]
    events = [
        ShiftEvent(
            shift=shift,
            kind=ShiftEvent.Kind.SWAPPED,
            actor=actor,
            description=f"{giver} handed this shift to {taker} (swap #{swap.pk}).",
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
                description=f"{taker} handed this shift to {giver} (swap #{swap.pk}).",
            )
        )
    Shift.objects.bulk_update(changed, ["assignee", "origin"])
    team_cache_invalidate(team_id=swap.team_id)
    ShiftEvent.objects.bulk_create(events)
    swap.status = SwapRequest.Status.ACCEPTED
    swap.decided_at = now
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_at", "decided_by"])
    by = "" if actor.pk == recipient.pk else f" ({person_name(actor)} decided for {taker})"
    for person in (requester, recipient):
        body = f"The swap between {giver} and {taker} was accepted{by}.\n\n"
        body += f"{taker} now has\n  {_describe(shift, person)}\n"
        if counter is not None:
            body += f"{giver} now has\n  {_describe(counter, person)}\n"
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
    if actor.pk != swap.recipient_id and not team_access(user=actor, team=swap.team).is_lead:
        raise PermissionDenied("Only the person asked, or a lead, may decline this swap.")
    swap.status = SwapRequest.Status.DECLINED
    swap.decided_at = now or timezone.now()
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_at", "decided_by"])
    _notify(
        key=f"swap-declined:{swap.pk}",
        user=swap.requester,
        subject=f"[{swap.team.name}] Shift swap declined",
        body=f"{person_name(actor)} declined your swap request #{swap.pk}"
        f" to {person_name(swap.recipient)}.",
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
