"""The claim that makes a send exactly-once under concurrent senders, shared by emails
and webhook posts (`ClaimedSend` rows).

1. Claim: one conditional UPDATE (its own short transaction) stamps a fresh token and an
   expiry on the row if it is unsent and unclaimed. Of two concurrent senders only one
   matches the row; the other gets no claim and does not send.
2. The caller does its network call outside any transaction.
3. `claim_done` or `claim_failed` (another short UPDATE, guarded by the token) marks it
   sent or records the error and releases the claim for the sweep.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from outbox.models import ClaimedSend

MAX_ATTEMPTS = 8
SWEEP_GRACE = dt.timedelta(minutes=2)
# How long a sender owns what it claimed. Longer than any send can take (Celery's hard
# time limit is 5 minutes, the SMTP or HTTP timeout 30 s per step), so a live sender never
# loses its claim; once it expires the sender is presumed dead and the sweep retries.
CLAIM_DURATION = dt.timedelta(minutes=10)

T = TypeVar("T", bound=ClaimedSend)


@dataclass(frozen=True)
class Claim:
    """A live claim on one row: what `claim_done` / `claim_failed` are guarded by."""

    model: type[ClaimedSend]
    pk: int
    token: str


def sendable(queryset: QuerySet[T], *, now: dt.datetime) -> QuerySet[T]:
    """Unsent rows that nobody holds a live claim on."""
    return queryset.filter(sent_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


def claim_take(queryset: QuerySet[T], *, pk: int) -> Claim | None:
    """Claim row `pk` of `queryset` (already narrowed to what may be sent), or None if it
    was sent already or another sender holds it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        sendable(queryset, now=now)
        .filter(pk=pk)
        .update(claim_token=token, claimed_until=now + CLAIM_DURATION, attempts=F("attempts") + 1)
    )
    return Claim(model=queryset.model, pk=pk, token=token) if claimed else None


def _mine(claim: Claim) -> QuerySet[ClaimedSend]:
    return claim.model._default_manager.filter(pk=claim.pk, claim_token=claim.token)


def claim_done(claim: Claim) -> bool:
    """Mark it sent; False if the claim had expired meanwhile (the sweep may resend)."""
    return bool(
        _mine(claim).update(
            sent_at=timezone.now(), claim_token="", claimed_until=None, last_error=""
        )
    )


def claim_failed(claim: Claim, *, error: str) -> None:
    """Record why it failed and release it for the sweep."""
    _mine(claim).update(claim_token="", claimed_until=None, last_error=error[:2000])


def pending_ids(queryset: QuerySet[T], *, now: dt.datetime) -> list[int]:
    """Unsent rows old enough that their own task should have sent them, including
    those whose sender claimed them and then died (the claim has expired)."""
    return list(
        sendable(queryset, now=now)
        .filter(created_at__lte=now - SWEEP_GRACE, attempts__lt=MAX_ATTEMPTS)
        .values_list("pk", flat=True)[:500]
    )
