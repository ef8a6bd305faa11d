import datetime as dt
import smtplib

import time_machine
from django.core import mail

from outbox import services, tasks
from outbox.models import OutboundEmail


def queue(key="digest:1", **kwargs):
    fields = {"to": ["bob@example.org"], "subject": "Overdue", "text_body": "text", **kwargs}
    return services.email_queue(key=key, **fields)


def test_same_key_is_one_email_sent_once(db, django_capture_on_commit_callbacks, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(tasks.email_send, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        email, created = queue(html_body="<p>html</p>")
        again, created_again = queue(subject="a different subject")
    assert created
    assert not created_again
    assert again.pk == email.pk
    assert sent == [email.pk]
    tasks.email_send(email.pk)
    tasks.email_send(email.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Overdue"
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["X-Shiftdesk-Key"] == "digest:1"


def test_smtp_failure_is_kept_and_the_sweep_sends_it_later(db, monkeypatch):
    email, _ = queue()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        tasks.email_send(email.pk)
    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1
    assert "gone" in email.last_error

    queued: list[int] = []
    monkeypatch.setattr(tasks.email_send, "delay", queued.append)
    tasks.email_sweep()
    assert queued == []  # too fresh: its own task may still be on the way
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=5)):
        tasks.email_sweep()
    assert queued == [email.pk]
    tasks.email_send(email.pk)
    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(mail.outbox) == 1


def test_no_recipients_sends_nothing(db):
    email, _ = queue(to=["", ""])
    tasks.email_send(email.pk)
    assert OutboundEmail.objects.get().to == []
    assert mail.outbox == []
