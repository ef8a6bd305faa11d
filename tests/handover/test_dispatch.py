"""The weekly handover email through a real SMTP server: what it says (both parts,
headers, link), who gets it, and that it goes exactly once per shift whatever happens
(a duplicate beat, a second caller, a lost task, a broker down at the time)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from handover import dispatch, services
from handover.emails import email_key
from handover.models import HandoverDispatch
from outbox import claims
from outbox import tasks as outbox_tasks
from outbox.models import OutboundEmail
from outbox.services import email_message_id
from shifts.models import Shift
from shifts.services import swaps
from tests.handover.dispatching import deliver_all, handover_messages, parts, run_beat, subject, utc
from tests.shifts.factories import people, rotation

ZURICH = ZoneInfo("Europe/Zurich")
PLANNED = utc(2027, 1, 1, 12)
HANDOVER = dt.datetime(2027, 1, 18, 9, tzinfo=ZURICH)  # the end of crew[1]'s shift


@pytest.fixture
def crew(team):
    crew = people(team, 4)
    for person, name in zip(crew, ["Anna", "Bob", "Carol", "Dave"], strict=True):
        person.first_name, person.last_name = name, "Ops"
        person.save()
    return crew


@pytest.fixture
def shift(team, crew, settings):
    settings.SITE_URL = "https://shiftdesk.example.org"
    settings.DEFAULT_FROM_EMAIL = "Shiftdesk <shiftdesk@example.org>"
    team.mailing_list = "ops-list@example.org"
    team.save()
    rotation(team, crew, now=PLANNED)
    return Shift.objects.get(team=team, end_at=HANDOVER)


def test_the_email_reads_well_in_both_parts_with_list_headers(shift, crew, smtp_server):
    note = services.handover_note_get_or_draft(shift=shift)
    services.handover_note_update(
        note=note, user=crew[1], version=1, data={"watch_out_for": "The **tape** queue"}
    )
    services.handover_note_finalise(note=note, user=crew[1], now=utc(2027, 1, 18, 7))
    record, created = dispatch.handover_dispatch_send(
        shift=shift, now=HANDOVER + dt.timedelta(minutes=1), via="schedule"
    )
    assert created
    assert record.recipients == [
        "ops-list@example.org",
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
        "p3@example.org",
    ]
    deliver_all()
    (message,) = smtp_server.messages
    assert subject(message) == ("[Ops] Handover Mon 11 Jan to Mon 18 Jan 2027: Bob Ops → Carol Ops")
    assert message["List-Id"] == "Ops <ops.shiftdesk.shiftdesk.example.org>"
    assert message["Message-ID"] == email_message_id(key=email_key(shift_id=shift.pk))
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = parts(message)["text/plain"], parts(message)["text/html"]
    url = f"https://shiftdesk.example.org/handover/ops/shifts/{shift.pk}/"
    assert "Finalised by Bob Ops, Mon 18 Jan 2027 08:00 CET." in text
    assert "handover Mon 18 Jan 2027 09:00 CET." in text
    assert "The **tape** queue" in text
    assert f"The note: {url}" in text
    assert "DRAFT" not in text + html
    assert f'href="{url}"' in html
    assert "<strong>tape</strong>" in html
    assert "Times in Europe/Zurich." in html
    record.refresh_from_db()
    assert record.state == "sent"


def test_a_draft_goes_out_marked_as_a_draft(shift, smtp_server):
    dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    deliver_all()
    (message,) = smtp_server.messages
    assert subject(message).endswith("Carol Ops — DRAFT, not finalised")
    assert "*** DRAFT — not finalised ***" in parts(message)["text/plain"]
    assert "not finalised" in parts(message)["text/html"]
    assert HandoverDispatch.objects.get().was_draft


def test_a_duplicate_beat_and_the_command_twice_send_one_email(shift, monkeypatch, smtp_server):
    with time_machine.travel(HANDOVER - dt.timedelta(seconds=1)):
        run_beat(monkeypatch)
    assert not HandoverDispatch.objects.filter(shift=shift).exists()  # not due yet
    assert HandoverDispatch.objects.count() == 1  # the shift before, a week ago
    with time_machine.travel(HANDOVER + dt.timedelta(seconds=20)):
        run_beat(monkeypatch)
        run_beat(monkeypatch)
    call_command("send_handover_emails", "--at", HANDOVER.isoformat())
    call_command("send_handover_emails", "--team", "ops", "--at", "2027-01-18T09:00")
    deliver_all()
    deliver_all()
    assert HandoverDispatch.objects.count() == OutboundEmail.objects.count() == 2
    (message,) = handover_messages(smtp_server, shift)
    assert len(message["To"].split(",")) == 5
    assert "sent late" not in subject(message)


def test_the_command_sends_what_is_due_at_the_instant_once(shift, capsys, smtp_server):
    call_command("send_handover_emails", "--team", "ops", "--at", "2027-01-18T09:00+01:00")
    first = capsys.readouterr().out
    call_command("send_handover_emails", "--team", "ops", "--at", "2027-01-18T09:00+01:00")
    second = capsys.readouterr().out
    assert f"Ops, shift #{shift.pk}: handover email to 5 recipient(s)." in first
    assert second == "No handover email due at 2027-01-18T09:00:00+01:00.\n"
    deliver_all()
    assert len(smtp_server.messages) == 1
    assert HandoverDispatch.objects.get().via == "command"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--at", "next monday"], "is not an ISO datetime"),
        (["--at", "0001-01-01T00:00+00:00"], "between 1970-01-01 and 2200-12-31"),
        (["--at", "2027-01-18T09:00"], "has no UTC offset"),
        (["--team", "ops", "--at", "2027-03-28T02:30"], "does not exist in Europe/Zurich"),
        (["--team", "ops", "--at", "2027-10-31T02:30"], "happens twice in Europe/Zurich"),
        (["--team", "nope"], "No team 'nope'."),
    ],
)
def test_bad_command_options_are_clear_errors(shift, arguments, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("send_handover_emails", *arguments)
    assert not HandoverDispatch.objects.exists()


def test_a_lost_task_is_sent_by_the_sweep_once(shift, monkeypatch, smtp_server):
    """The worker died between recording the email and sending it: the outbox row is
    there, its task never ran; the sweep sends it once, the next beat adds nothing."""
    dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    email = OutboundEmail.objects.get()
    assert email.sent_at is None
    swept: list[int] = []
    monkeypatch.setattr(outbox_tasks.email_send, "delay", swept.append)
    with time_machine.travel(email.created_at + claims.SWEEP_GRACE + dt.timedelta(seconds=1)):
        outbox_tasks.email_sweep()
        run_beat(monkeypatch)
    assert swept == [email.pk]
    outbox_tasks.email_send(email.pk)
    outbox_tasks.email_send(email.pk)
    assert len(smtp_server.messages) == 1
    assert HandoverDispatch.objects.count() == 1


def test_after_the_broker_was_down_the_catch_up_sends_it_marked_late(
    shift, monkeypatch, smtp_server
):
    # Nothing ran at 09:00 (no beat task could be queued); things recover at 11:30.
    with time_machine.travel(HANDOVER + dt.timedelta(hours=2, minutes=30)):
        run_beat(monkeypatch)
    deliver_all()
    (message,) = smtp_server.messages
    assert subject(message).endswith("(sent late)")
    text = parts(message)["text/plain"]
    assert text.startswith(
        "Sent late: the mail system was down at Mon 18 Jan 2027 09:00 CET, the handover time;"
        " sent Mon 18 Jan 2027 11:30 CET."
    )
    assert "Sent late: the mail system was down" in parts(message)["text/html"]
    assert HandoverDispatch.objects.get().late


def test_older_than_the_catch_up_window_is_not_sent(shift, monkeypatch):
    with time_machine.travel(HANDOVER + dispatch.CATCH_UP + dt.timedelta(minutes=1)):
        run_beat(monkeypatch)
    assert not HandoverDispatch.objects.filter(shift=shift).exists()


def test_recipients_after_a_swap_include_the_effective_people(team, shift, crew, smtp_server):
    stranger = people(team, 1, prefix="x")[0]  # a member outside the rotation
    following = Shift.objects.get(team=team, start_at=shift.end_at)
    swap = swaps.swap_request_create(requester=crew[2], shift=following, recipient=stranger)
    swaps.swap_request_accept(swap=swap, actor=stranger)
    record, _ = dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    assert "x0@example.org" in record.recipients
    deliver_all()
    (message,) = handover_messages(smtp_server, shift)
    assert "x0@example.org" in message["To"]
    assert "→ " in subject(message)
    assert subject(message).split("→ ")[1].startswith(stranger.get_full_name() or "x0")


def test_without_a_mailing_list_the_rotation_gets_it(team, shift):
    team.mailing_list = ""
    team.save()
    record, _ = dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    assert record.recipients == [f"p{n}@example.org" for n in range(4)]


def test_with_nobody_to_send_to_it_says_so_and_sends_nothing(team, shift, crew, smtp_server):
    team.mailing_list = ""
    team.save()
    for person in crew:
        person.email = ""
        person.save()
    record, _ = dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    assert (record.state, record.email) == ("no-recipients", None)
    assert not OutboundEmail.objects.exists()
    again, created = dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    assert (again.pk, created) == (record.pk, False)
    assert smtp_server.messages == []
