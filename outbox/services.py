"""Queue and send email. Every email is a row first; a task sends it after commit, and
a periodic sweep sends whatever a lost task or a down broker left behind."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_GRACE = dt.timedelta(minutes=2)


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

        transaction.on_commit(lambda: email_send.delay(email.pk))
    return email, created


def email_send(*, email_id: int) -> OutboundEmail | None:
    """Send one queued email unless it was sent already; safe to run twice or concurrently."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None or not email.to:
            return email
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.text_body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            headers={"X-Shiftdesk-Key": email.key},
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        email.attempts += 1
        try:
            message.send()
        except OSError as error:  # SMTP and connection errors: keep it for the sweep
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.save(update_fields=["attempts", "last_error"])
            logger.warning("email %s not sent (attempt %s): %s", email.key, email.attempts, error)
            return email
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "sent_at"])
        return email


def emails_pending_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Unsent emails old enough that their own task should have sent them."""
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    return list(
        OutboundEmail.objects.filter(
            sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        )
        .exclude(to=[])
        .values_list("pk", flat=True)[:500]
    )
