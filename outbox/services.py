"""Queue and send email. Every email is a row first; a task sends it after commit, and
a periodic sweep sends whatever a lost task or a down broker left behind.

Sending never holds a database transaction open while it talks to the mail server: a
short write claims the row, the SMTP exchange runs outside any transaction, and another
short write marks it sent. A slow mail server therefore never blocks other writers (on
SQLite, the one write lock).
"""

import datetime as dt
import hashlib
import logging
import uuid
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from outbox.models import OutboundEmail
from teams.enqueue import enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_GRACE = dt.timedelta(minutes=2)
# How long a sender owns an email it claimed. Longer than any send can take (Celery's
# hard time limit is 5 minutes, the SMTP timeout 30 s per step), so a live sender never
# loses its claim; once it expires the sender is presumed dead and the sweep retries.
CLAIM_DURATION = dt.timedelta(minutes=10)


@transaction.atomic
def email_queue(
    *, key: str, to: list[str], subject: str, text_body: str, html_body: str = ""
) -> tuple[OutboundEmail, bool]:
    """Record an email under `key` and send it after commit; `(email, created)`.

    Queueing a key that exists changes nothing: that is what makes digests, reminders
    and notifications exactly-once.
    """
    recipients = sorted({address for address in to if address})
    email, created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": recipients,
            "subject": subject[:300],
            "text_body": text_body,
            "html_body": html_body,
        },
    )
    if created and recipients:
        from outbox.tasks import email_send

        enqueue_on_commit(email_send, email.pk)
    return email, created


def email_message_id(*, key: str) -> str:
    """The Message-ID of the email queued under `key`: the same on every attempt, so a
    copy resent after a crash can be recognised (and dropped) downstream."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "shiftdesk"
    return f"<outbox.{digest}@{domain}>"


def _sendable(*, now: dt.datetime) -> QuerySet[OutboundEmail]:
    """Unsent emails with recipients that nobody holds a live claim on."""
    return (
        OutboundEmail.objects.filter(sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .exclude(to=[])
    )


def email_send(*, email_id: int) -> OutboundEmail | None:
    """Send one queued email unless it was sent already or another sender holds it;
    safe to run twice or concurrently.

    1. Claim: one conditional UPDATE (its own short transaction) stamps a fresh token
       and an expiry on the row if it is unsent and unclaimed. Of two concurrent
       senders only one matches the row; the other returns without sending.
    2. Send over SMTP, outside any transaction.
    3. Mark it sent (or record the error and release the claim) with a second short
       UPDATE, guarded by the token.

    The remaining window: if the process dies (or the database is unreachable) after
    the mail server accepted the message and before step 3 commits, the claim expires
    after CLAIM_DURATION and the sweep sends the email again. That second copy carries
    the same Message-ID (`email_message_id`), so mail servers and clients that
    deduplicate by Message-ID drop it, and a reader can see it is the same message.
    Exactly-once delivery across a crash at that instant is not possible with SMTP.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        _sendable(now=now)
        .filter(pk=email_id)
        .update(claim_token=token, claimed_until=now + CLAIM_DURATION, attempts=F("attempts") + 1)
    )
    if not claimed:
        return OutboundEmail.objects.filter(pk=email_id).first()
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers={"Message-ID": email_message_id(key=email.key), "X-Shiftdesk-Key": email.key},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    mine = OutboundEmail.objects.filter(pk=email_id, claim_token=token)
    try:
        message.send()
    except OSError as error:  # SMTP and connection errors: keep it for the sweep
        last_error = f"{type(error).__name__}: {error}"[:2000]
        mine.update(claim_token="", claimed_until=None, last_error=last_error)
        logger.warning("email %s not sent (attempt %s): %s", email.key, email.attempts, error)
    else:
        if not mine.update(
            sent_at=timezone.now(), claim_token="", claimed_until=None, last_error=""
        ):
            logger.error("email %s was sent after its claim had expired", email.key)
    email.refresh_from_db()
    return email


def emails_pending_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Unsent emails old enough that their own task should have sent them, including
    those whose sender claimed them and then died (the claim has expired)."""
    now = now or timezone.now()
    return list(
        _sendable(now=now)
        .filter(created_at__lte=now - SWEEP_GRACE, attempts__lt=MAX_ATTEMPTS)
        .values_list("pk", flat=True)[:500]
    )
