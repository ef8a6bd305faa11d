"""A week before a shift, whoever is on it without the required access gets one email
(outbox key `access-reminder:<user>:<shift>`), at the same wall-clock time a week
before in the team's zone, across DST."""

import datetime as dt

import pytest
import time_machine

from duties import reminders, services, tasks
from outbox.models import OutboundEmail
from outbox.services import email_send
from tests.duties.factories import UTC
from tests.shifts.factories import rotation
from tests.teams.factories import MembershipFactory, TeamFactory


@pytest.mark.parametrize(
    ("zone_name", "monday", "before_utc"),
    [
        # Monday 29 March 09:00 CEST is 07:00 UTC; a week before is Monday 22 March
        # 09:00 CET = 08:00 UTC (169 hours earlier, not 168).
        ("Europe/Zurich", dt.date(2027, 3, 29), dt.datetime(2027, 3, 22, 8, 0, tzinfo=UTC)),
        # Monday 15 March 09:00 CDT is 14:00 UTC; a week before is 15:00 UTC (CST).
        ("America/Chicago", dt.date(2027, 3, 15), dt.datetime(2027, 3, 8, 15, 0, tzinfo=UTC)),
    ],
)
def test_one_reminder_a_local_week_before(
    db, zone_name, monday, before_utc, monkeypatch, django_capture_on_commit_callbacks
):
    team = TeamFactory(time_zone=zone_name)
    newcomer = MembershipFactory(team=team, user__username="newcomer").user
    ready = MembershipFactory(team=team, user__username="ready").user
    key = services.access_requirement_create(team=team, title="SSH key registered")
    services.access_grant_tick(requirement=key, user=ready)
    with time_machine.travel(before_utc - dt.timedelta(days=30), tick=False):
        rot = rotation(team, [newcomer, ready], now=before_utc, start_on=monday)
    shift = rot.shifts.get(slot=0)
    assert reminders.reminders_due(now=before_utc - dt.timedelta(minutes=1)) == []
    due = reminders.reminders_due(now=before_utc)
    assert due == [reminders.Due(user_id=newcomer.pk, shift_id=shift.pk)]
    queued: list[tuple[int, int]] = []
    monkeypatch.setattr(tasks.access_reminder_send, "delay", lambda *ids: queued.append(ids))
    with time_machine.travel(before_utc, tick=False):
        tasks.access_reminders_fanout()
    assert queued == [(newcomer.pk, shift.pk)]
    for _ in range(2):  # the hourly beat runs again, a task is redelivered: one email
        with django_capture_on_commit_callbacks():
            tasks.access_reminder_send(newcomer.pk, shift.pk)
    email = OutboundEmail.objects.get()
    assert email.key == f"access-reminder:{newcomer.pk}:{shift.pk}"
    assert email.to == ["newcomer@example.org"]
    assert "SSH key registered" in email.text_body
    assert "09:00" in email.text_body


def test_nobody_is_reminded_once_they_tick(db):
    team = TeamFactory(time_zone="Europe/Zurich")
    person = MembershipFactory(team=team).user
    item = services.access_requirement_create(team=team, title="CERN account")
    now = dt.datetime(2027, 5, 3, 12, tzinfo=UTC)
    rotation(team, [person], now=now, start_on=dt.date(2027, 5, 10))
    assert len(reminders.reminders_due(now=now)) == 1
    services.access_grant_tick(requirement=item, user=person)
    assert reminders.reminders_due(now=now) == []
    assert reminders.access_reminder_send(user_id=person.pk, shift_id=1) is None


def test_the_reminder_reaches_a_real_smtp_server(db, smtp_server):
    team = TeamFactory(time_zone="America/Chicago", name="WMCore")
    person = MembershipFactory(team=team, user__username="dave").user
    services.access_requirement_create(team=team, title="Operator role in CRIC")
    now = dt.datetime(2027, 5, 3, 16, tzinfo=UTC)
    rot = rotation(team, [person], now=now, start_on=dt.date(2027, 5, 10))
    email = reminders.access_reminder_send(user_id=person.pk, shift_id=rot.shifts.get(slot=0).pk)
    assert email is not None
    email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.sent_at is not None
    (message,) = smtp_server.messages
    assert message["To"] == "dave@example.org"
    assert "Operator role in CRIC" in message.get_payload(decode=True).decode()
