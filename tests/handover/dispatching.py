"""Helpers of the weekly email tests: a team with a weekly Monday 09:00 rotation, the
email of a shift sent through the real SMTP server, and the parts of a received message."""

import datetime as dt
from email.header import decode_header, make_header
from email.message import Message

from handover import tasks as handover_tasks
from handover.emails import email_key
from outbox import tasks as outbox_tasks
from outbox.models import OutboundEmail
from outbox.services import email_message_id


def run_beat(monkeypatch) -> None:
    """The beat's fan-out, its per-shift tasks run in this process (no broker here)."""
    monkeypatch.setattr(
        handover_tasks.handover_email_dispatch, "delay", handover_tasks.handover_email_dispatch
    )
    handover_tasks.handover_emails_due()


def deliver_all() -> None:
    """What the worker does with the outbox's tasks: send every queued email."""
    for pk in OutboundEmail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True):
        outbox_tasks.email_send(pk)


def parts(message: Message) -> dict[str, str]:
    """{content type: decoded text} of a received multipart message."""
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            found[part.get_content_type()] = payload.decode(part.get_content_charset() or "utf-8")
    return found


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def subject(message: Message) -> str:
    """The Subject as a reader sees it (decoded from its RFC 2047 words)."""
    return str(make_header(decode_header(message["Subject"])))


def handover_messages(smtp_server, shift) -> list[Message]:
    """The received copies of `shift`'s handover email (other emails left out)."""
    wanted = email_message_id(key=email_key(shift_id=shift.pk))
    return [message for message in smtp_server.messages if message["Message-ID"] == wanted]
