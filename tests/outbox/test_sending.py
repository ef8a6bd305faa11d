"""Sending through a real SMTP server: a stable Message-ID, no transaction held during
the SMTP exchange, exactly once under concurrent senders, and crashed claims retried."""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection, connections

from outbox import claims, services, tasks
from outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)


def queued(key="digest:7:2027-03-29") -> OutboundEmail:
    return OutboundEmail.objects.create(
        key=key, to=["bob@example.org"], subject="Overdue", text_body="Two items are overdue."
    )


def in_thread(target, *args):
    """Run `target(*args)` in a thread with its own database connection."""

    def run():
        try:
            target(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_every_attempt_carries_the_same_message_id(smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Shiftdesk <shiftdesk@ops.example.org>"
    email = queued()
    tasks.email_send(email.pk)
    # A copy resent after a crash between SMTP and the database (simulated: unmark it).
    OutboundEmail.objects.filter(pk=email.pk).update(sent_at=None)
    tasks.email_send(email.pk)

    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"] == services.email_message_id(key=email.key)
    assert first["Message-ID"].endswith("@ops.example.org>")
    assert first["X-Shiftdesk-Key"] == email.key
    assert services.email_message_id(key="digest:8:2027-03-29") != first["Message-ID"]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2
    assert email.claimed_until is None


def test_other_writes_go_through_while_the_mail_server_is_slow(smtp_server):
    email = queued()
    other = queued(key="other")
    smtp_server.hold()
    sender = in_thread(tasks.email_send, email.pk)
    assert smtp_server.in_data.wait(10), "the sender never reached the SMTP DATA step"

    def write():
        # On SQLite any write needs the one write lock; on PostgreSQL the same row's lock.
        OutboundEmail.objects.filter(pk=email.pk).update(last_error="touched meanwhile")
        OutboundEmail.objects.filter(pk=other.pk).update(subject="edited meanwhile")

    writer = in_thread(write)
    writer.join(5)
    assert not writer.is_alive(), "a write waited for the SMTP exchange: a transaction is open"
    assert not connection.in_atomic_block
    smtp_server.release()
    sender.join(10)
    email.refresh_from_db()
    assert email.sent_at is not None
    assert OutboundEmail.objects.get(pk=other.pk).subject == "edited meanwhile"


def test_two_concurrent_senders_send_it_once(smtp_server):
    email = queued()
    smtp_server.hold()
    start = threading.Barrier(2)

    def send():
        start.wait(5)
        services.email_send(email_id=email.pk)

    senders = [in_thread(send), in_thread(send)]
    assert smtp_server.in_data.wait(10)
    time.sleep(0.5)  # give the second sender every chance to reach the server too
    smtp_server.release()
    for sender in senders:
        sender.join(10)
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1


def test_the_sweep_takes_over_a_claim_whose_sender_died(smtp_server, monkeypatch):
    email = queued()
    now = dt.datetime.now(tz=dt.UTC)
    # A sender claimed it and died before sending (or before recording that it sent).
    OutboundEmail.objects.filter(pk=email.pk).update(
        claim_token="dead", claimed_until=now + claims.CLAIM_DURATION, attempts=1
    )
    swept: list[int] = []
    monkeypatch.setattr(tasks.email_send, "delay", swept.append)
    with time_machine.travel(now + dt.timedelta(minutes=5)):
        tasks.email_sweep()
        tasks.email_send(email.pk)  # a stray task for it changes nothing while the claim lives
    assert swept == []
    assert smtp_server.messages == []

    with time_machine.travel(now + claims.CLAIM_DURATION + dt.timedelta(seconds=1)):
        tasks.email_sweep()
        assert swept == [email.pk]
        tasks.email_send(email.pk)
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2
    assert email.claim_token == ""


def test_extra_headers_go_out_but_never_replace_the_message_id(smtp_server):
    email, _ = services.email_queue(
        key="handover-email:1",
        to=["ops@example.org"],
        subject="Handover",
        text_body="Plain",
        html_body="<p>Rich</p>",
        headers={"List-Id": "Ops <ops.shiftdesk.example.org>", "Message-ID": "<forged@x>"},
    )
    assert email.headers == {"List-Id": "Ops <ops.shiftdesk.example.org>"}
    tasks.email_send(email.pk)
    (message,) = smtp_server.messages
    assert message["List-Id"] == "Ops <ops.shiftdesk.example.org>"
    assert message["Message-ID"] == services.email_message_id(key="handover-email:1")
    assert message.get_all("Message-ID") == [message["Message-ID"]]
    assert [part.get_content_type() for part in message.walk()][1:] == ["text/plain", "text/html"]
