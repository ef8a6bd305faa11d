"""After seed_demo, alice (on shift) sees a drafted handover note, carol inherits it."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from handover.models import HandoverNote

WEDNESDAY = dt.datetime(2027, 3, 24, 11, tzinfo=dt.UTC)


@pytest.mark.parametrize("now", [WEDNESDAY, dt.datetime(2027, 10, 27, 11, tzinfo=dt.UTC)])
@override_settings(DEBUG=True)
def test_seed_demo_drafts_alices_note_once(db, user_client, now):
    with time_machine.travel(now, tick=False):
        call_command("seed_demo")
        call_command("seed_demo")
        note = HandoverNote.objects.select_related("outgoing", "incoming", "shift").get()
        assert (note.outgoing.username, note.incoming.username) == ("alice", "carol")
        assert note.shift.start_at <= now < note.shift.end_at
        assert (note.state, note.version) == ("draft", 2)
        assert "vocms0256" in note.ongoing_debugging
        alice = user_client(note.outgoing)
        assert "Your handover note" in alice.get("/").content.decode()
        page = alice.get(note.get_absolute_url()).content.decode()
    assert "DRAFT — not finalised" in page
    assert 'id="finalise"' in page
