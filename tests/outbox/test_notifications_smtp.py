"""Notifications end to end through a real SMTP server (aiosmtpd on 127.0.0.1): the beat
task twice, one message, both parts, the headers and the links parsed back."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from incidents.models import Incident
from incidents.services import incidents
from outbox import tasks as outbox_tasks
from outbox.services import email_message_id
from shifts import tasks as shift_tasks
from shifts.models import Shift
from teams.services import profile_update
from tests.shifts.factories import people, rotation

NOW = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
DUE = dt.datetime(2027, 1, 3, 9, 30, tzinfo=ZoneInfo("Europe/Zurich"))


def parts(message):
    found = {part.get_content_type(): part for part in message.walk()}
    text = found["text/plain"].get_payload(decode=True).decode()
    html = found["text/html"].get_payload(decode=True).decode()
    return text, html


@pytest.mark.django_db(transaction=True)
def test_shift_tomorrow_reaches_the_smtp_server_once(
    smtp_server, team, monkeypatch, django_capture_on_commit_callbacks
):
    crew = people(team, 2)
    rotation(team, crew, now=NOW)
    profile_update(user=crew[0], time_zone="America/Chicago")
    shift = Shift.objects.order_by("start_at").first()
    monkeypatch.setattr(shift_tasks.shift_reminder_send, "delay", shift_tasks.shift_reminder_send)
    monkeypatch.setattr(outbox_tasks.email_send, "delay", outbox_tasks.email_send)
    with time_machine.travel(DUE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            shift_tasks.shift_reminders_fanout()
        with django_capture_on_commit_callbacks(execute=True):
            shift_tasks.shift_reminders_fanout()  # the beat again: nothing new
    [message] = smtp_server.messages
    key = f"shift-tomorrow:{shift.pk}:{crew[0].pk}"
    assert message["To"] == crew[0].email
    assert message["X-Shiftdesk-Key"] == key
    assert message["Message-ID"] == email_message_id(key=key)
    assert re.sub(r"\s+", " ", message["Subject"]) == (  # unfold the long header
        f"[{team.name}] Your shift starts tomorrow, Mon 04 Jan 2027 02:00 (America/Chicago)"
    )
    assert message.is_multipart()
    text, html = parts(message)
    link = f"{settings.SITE_URL}{shift.get_absolute_url()}"
    assert link in text
    assert f'href="{link}"' in html
    assert re.search(r"from Mon 04 Jan 2027 02:00 \(America/Chicago\)", text)
    assert f'href="{settings.SITE_URL}/accounts/profile/"' in html


@pytest.mark.django_db(transaction=True)
def test_handed_over_incident_reaches_the_new_owner(smtp_server, team, member, lead, monkeypatch):
    monkeypatch.setattr(outbox_tasks.email_send, "delay", outbox_tasks.email_send)
    incident = incidents.incident_open(
        team=team, title="Transfers <stuck>", kind=Incident.Kind.SYSTEM_FAILURE, created_by=lead
    )
    incidents.incident_transfer(incident=incident, owner=member, by=lead)
    [message] = smtp_server.messages
    assert message["To"] == member.email
    text, html = parts(message)
    assert "Transfers <stuck>" in text
    assert "Transfers &lt;stuck&gt;" in html  # escaped in the HTML part
    assert f"{settings.SITE_URL}{incident.get_absolute_url()}" in text
