"""Queue and send email. Every email is a row first; a task sends it after commit, and
a periodic sweep sends whatever a lost task or a down broker left behind.

Sending never holds a database transaction open while it talks to the mail server: a
short write claims the row (`outbox.claims`), the SMTP exchange runs outside any
transaction, and another short write marks it sent. A slow mail server therefore never
blocks other writers (on SQLite, the one write lock).
"""

import datetime as dt
import hashlib
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from outbox import claims
from outbox.models import OutboundEmail
from teams.enqueue import enqueue_on_commit

logger = logging.getLogger(__name__)

# Set by the outbox itself on every attempt; extra headers cannot replace them.
OWN_HEADERS = frozenset({"message-id", "x-shiftdesk-key", "from", "to", "subject"})


@transaction.atomic
def email_queue(
    *,
    key: str,
    to: list[str],
    subject: str,
    text_body: str,
    html_body: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[OutboundEmail, bool]:
    """Record an email under `key` and send it after commit; `(email, created)`.

    Queueing a key that exists changes nothing: that is what makes digests, reminders
    and notifications exactly-once. `headers` adds e.g. `List-Id`; the Message-ID always
    comes from the key.
    """
    recipients = sorted({address for address in to if address})
    extra = {
        name: value for name, value in (headers or {}).items() if name.lower() not in OWN_HEADERS
    }
    email, created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": recipients,
            "subject": subject[:300],
            "text_body": text_body,
            "html_body": html_body,
            "headers": extra,
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


def _with_recipients() -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.exclude(to=[])


def email_message(email: OutboundEmail) -> EmailMultiAlternatives:
    """The message as it goes out (the preview of a queued email shows the same)."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers={
            **email.headers,
            "Message-ID": email_message_id(key=email.key),
            "X-Shiftdesk-Key": email.key,
        },
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def email_send(*, email_id: int) -> OutboundEmail | None:
    """Send one queued email unless it was sent already or another sender holds it;
    safe to run twice or concurrently: claim, send over SMTP outside any transaction,
    mark it sent (`outbox.claims`).

    The remaining window: if the process dies (or the database is unreachable) after
    the mail server accepted the message and before it is marked sent, the claim
    expires after CLAIM_DURATION and the sweep sends the email again. That second copy
    carries the same Message-ID (`email_message_id`), so mail servers and clients that
    deduplicate by Message-ID drop it, and a reader can see it is the same message.
    Exactly-once delivery across a crash at that instant is not possible with SMTP.
    """
    claim = claims.claim_take(_with_recipients(), pk=email_id)
    if claim is None:
        return OutboundEmail.objects.filter(pk=email_id).first()
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        email_message(email).send()
    except OSError as error:  # SMTP and connection errors: keep it for the sweep
        claims.claim_failed(claim, error=f"{type(error).__name__}: {error}")
        logger.warning("email %s not sent (attempt %s): %s", email.key, email.attempts, error)
    else:
        if not claims.claim_done(claim):
            logger.error("email %s was sent after its claim had expired", email.key)
    email.refresh_from_db()
    return email


def emails_pending_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Unsent emails old enough that their own task should have sent them, including
    those whose sender claimed them and then died (the claim has expired)."""
    return claims.pending_ids(_with_recipients(), now=now or timezone.now())
