"""The handover note page: drafted summary, saving without JavaScript (and the autosave
answers), conflicts and bad values that keep every typed character, finalise and
acknowledge, the shift page's link, the dashboard panel and the reminder."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from handover import reminders, services, tasks
from handover.models import HandoverNote
from outbox.models import OutboundEmail
from shifts.models import Shift
from tests.handover.factories import busy_period
from tests.shifts.factories import people, rotation

ZURICH = ZoneInfo("Europe/Zurich")
START = dt.datetime(2027, 1, 11, 9, tzinfo=ZURICH)
END = dt.datetime(2027, 1, 18, 9, tzinfo=ZURICH)
DURING = START + dt.timedelta(days=2)


@pytest.fixture
def crew(team):
    return people(team, 4)


@pytest.fixture
def shift(team, crew):
    rotation(team, crew, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    return Shift.objects.get(team=team, start_at=START)


def url(shift, action=""):
    return f"/handover/ops/shifts/{shift.pk}/{action}"


@pytest.mark.parametrize("scale", [1, 3])
def test_page_drafts_and_shows_the_summary(
    user_client, team, crew, shift, scale, django_assert_num_queries
):
    busy_period(team, start=START, end=END, people=crew, shift=shift, scale=scale)
    with time_machine.travel(END - dt.timedelta(hours=1), tick=False):
        client = user_client(crew[1])
        client.get(url(shift))  # drafts the note
        # session, user, profile zone, team access (2), shift, note in a savepoint (2 +
        # 1), people from the schedule (3), summary (19: 17 + the duties), the weekly
        # email's state (2)
        with django_assert_num_queries(33):
            page = client.get(url(shift)).content.decode()
    assert "DRAFT — not finalised" in page
    assert 'id="finalise"' in page
    assert 'id="acknowledge"' not in page
    assert "Old outage" in page
    assert "Restart the agent after the patch" in page
    assert "Still waiting for a response (2)" in page
    assert 'name="ongoing_debugging"' in page
    assert HandoverNote.objects.filter(shift=shift).count() == 1


@pytest.mark.parametrize(("who", "code"), [("outsider", 404), ("anonymous", 302)])
def test_strangers_never_see_it(client, user_client, outsider, shift, who, code):
    response = (user_client(outsider) if who == "outsider" else client).get(url(shift))
    assert response.status_code == code
    assert not HandoverNote.objects.exists()


def test_plain_post_saves_and_redirects(user_client, crew, shift):
    client = user_client(crew[1])
    client.get(url(shift))
    response = client.post(
        url(shift), {"version": 1, "ongoing_debugging": "Chasing the leak", "watch_out_for": ""}
    )
    assert response.status_code == 302
    note = HandoverNote.objects.get(shift=shift)
    assert (note.version, note.ongoing_debugging, note.updated_by) == (
        2,
        "Chasing the leak",
        crew[1],
    )


def test_conflict_keeps_what_was_typed_and_shows_what_is_stored(user_client, crew, shift):
    client = user_client(crew[1])
    client.get(url(shift))
    note = HandoverNote.objects.get(shift=shift)
    services.handover_note_update(note=note, user=crew[0], version=1, data={"next_week": "theirs"})
    response = client.post(url(shift), {"version": 1, "next_week": "mine, typed for an hour"})
    page = response.content.decode()
    assert response.status_code == 409
    assert 'id="conflict"' in page
    assert "mine, typed for an hour</textarea>" in page
    assert '<pre class="stored">theirs</pre>' in page
    assert 'name="version" value="2"' in page  # saving again means "mine over theirs"
    again = client.post(url(shift), {"version": 2, "next_week": "mine, typed for an hour"})
    assert again.status_code == 302
    assert HandoverNote.objects.get(shift=shift).next_week == "mine, typed for an hour"


def test_bad_value_keeps_every_typed_value(user_client, crew, shift):
    client = user_client(crew[1])
    client.get(url(shift))
    response = client.post(
        url(shift), {"version": 1, "watch_out_for": "keep me", "next_week": "x" * 50_001}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "keep me</textarea>" in page
    assert "at most 50000 characters" in page
    assert HandoverNote.objects.get(shift=shift).version == 1


def test_autosave_answers_json(user_client, crew, shift):
    client = user_client(crew[1])
    client.get(url(shift))
    ok = client.post(url(shift), {"version": 1, "next_week": "a"}, HTTP_X_AUTOSAVE="1")
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.post(url(shift), {"version": 1, "next_week": "b"}, HTTP_X_AUTOSAVE="1")
    assert stale.status_code == 409
    assert stale.json()["current"]["next_week"] == "a"
    bad = client.post(url(shift), {"version": "x", "next_week": "c"}, HTTP_X_AUTOSAVE="1")
    assert bad.status_code == 400
    assert "version" in bad.json()["errors"]


def test_finalise_and_acknowledge_are_recorded_and_shown(user_client, crew, shift):
    user_client(crew[1]).get(url(shift))
    denied = user_client(crew[2]).post(url(shift, "finalise/"))
    assert denied.status_code == 403
    assert "Only the outgoing shifter or a team lead" in denied.content.decode()
    with time_machine.travel(END - dt.timedelta(minutes=30), tick=False):
        assert user_client(crew[1]).post(url(shift, "finalise/")).status_code == 302
    with time_machine.travel(END + dt.timedelta(minutes=30), tick=False):
        assert user_client(crew[2]).post(url(shift, "acknowledge/")).status_code == 302
        page = user_client(crew[0]).get(url(shift)).content.decode()
    assert "DRAFT" not in page
    assert "Finalised by" in page
    assert "Mon 18 Jan 2027 08:30" in page
    assert "Acknowledged by" in page
    assert "Mon 18 Jan 2027 09:30" in page
    assert 'id="finalise"' not in page
    assert 'id="acknowledge"' not in page


def test_the_shift_page_links_to_the_note(user_client, crew, shift):
    page = user_client(crew[0]).get(f"/shifts/ops/shifts/{shift.pk}/").content.decode()
    assert f'href="/handover/ops/shifts/{shift.pk}/"' in page
    assert "not started" in page
    user_client(crew[1]).post(url(shift, "finalise/"))
    page = user_client(crew[0]).get(f"/shifts/ops/shifts/{shift.pk}/").content.decode()
    assert ">finalised<" in page


def test_dashboard_shows_your_note_and_what_you_inherit(user_client, crew, shift):
    with time_machine.travel(DURING, tick=False):
        mine = user_client(crew[1]).get("/").content.decode()
        heir = user_client(crew[2]).get("/").content.decode()
        other = user_client(crew[3]).get("/").content.decode()
    assert "Your handover note" in mine
    assert "not started" in mine
    assert f'href="/handover/ops/shifts/{shift.pk}/"' in mine
    assert "You take over" in heir
    assert 'class="handover-mine"' not in heir
    assert 'id="handover-panel"' not in other


def test_ack_reminder_is_sent_once_after_the_hours(user_client, crew, shift, settings):
    settings.HANDOVER_ACK_REMINDER_HOURS = 4
    with time_machine.travel(END - dt.timedelta(hours=1), tick=False):
        user_client(crew[1]).post(url(shift, "finalise/"))
    with time_machine.travel(END + dt.timedelta(hours=3, minutes=59), tick=False):
        assert reminders.ack_reminders_due_ids() == []
    with time_machine.travel(END + dt.timedelta(hours=4), tick=False):
        note = HandoverNote.objects.get(shift=shift)
        assert reminders.ack_reminders_due_ids() == [note.pk]
        tasks.ack_reminder_send(note.pk)
        tasks.ack_reminder_send(note.pk)  # a duplicate run changes nothing
        tasks.ack_reminders_sweep()
    email = OutboundEmail.objects.get()
    assert email.key == f"handover-ack-reminder:{note.pk}"
    assert email.to == [crew[2].email]
    assert "Please acknowledge the handover note of Mon 18 Jan 2027 09:00 CET" in email.subject
    assert f"/handover/ops/shifts/{shift.pk}/" in email.text_body
    assert HandoverNote.objects.get(pk=note.pk).ack_reminder_sent_at is not None


def test_no_reminder_once_acknowledged(user_client, crew, shift):
    user_client(crew[1]).post(url(shift, "finalise/"))
    user_client(crew[2]).post(url(shift, "acknowledge/"))
    with time_machine.travel(END + dt.timedelta(days=1), tick=False):
        assert reminders.ack_reminders_due_ids() == []
        assert reminders.ack_reminder_send(note_id=HandoverNote.objects.get().pk) is False
    assert not OutboundEmail.objects.exists()
