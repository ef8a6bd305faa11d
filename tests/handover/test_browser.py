"""The handover note in a real browser: typed, autosaved, kept through a lost connection
and a reload, a conflict resolved; finalised by the outgoing shifter and acknowledged by
the incoming one."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from handover import services
from handover.models import HandoverNote
from shifts.models import Shift
from tests.conftest import browser_login
from tests.handover.factories import busy_period
from tests.shifts.factories import people, rotation
from tests.teams.factories import PASSWORD, TeamFactory


def _current_shift():
    team = TeamFactory(slug="wmcore", name="WMCore", time_zone="Europe/Zurich")
    crew = people(team, 4)
    now = timezone.now()
    rotation(team, crew, now=now, start_on=now.date() - dt.timedelta(days=14))
    shift = Shift.objects.get(team=team, start_at__lte=now, end_at__gt=now)
    following = Shift.objects.get(team=team, start_at=shift.end_at)
    busy_period(team, start=shift.start_at, end=shift.end_at, people=crew, shift=shift)
    return shift, shift.assignee, following.assignee


def _saved(page):
    page.wait_for_selector("#note-form[data-state='saved']")


def _log_out(page):
    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/**")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finalise_as_outgoing_and_acknowledge_as_incoming(page, screenshot):
    shift, outgoing, incoming = _current_shift()
    url = f"/handover/wmcore/shifts/{shift.pk}/"
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved text?" on reload
    browser_login(page, outgoing.username, PASSWORD)
    # The dashboard says what to do.
    assert "Your handover note" in page.locator("#handover-panel").inner_text()
    page.click("#handover-panel a")
    page.wait_for_url(f"**{url}")
    assert "DRAFT — not finalised" in page.locator("#note-state").inner_text()

    page.fill("#id_ongoing_debugging", "Chasing the **JobAccountant** leak on vocms0256.")
    page.locator("#id_watch_out_for").click()  # leaving the field saves it
    _saved(page)
    assert HandoverNote.objects.get(shift=shift).ongoing_debugging.startswith("Chasing")

    # Reloaded: the text is there, from the server.
    page.reload()
    assert page.input_value("#id_ongoing_debugging").startswith("Chasing the **JobAccountant**")

    # The connection drops while typing: kept in the browser, offered back after a reload.
    page.route(re.compile(r".*/handover/.*"), _abort_posts)
    page.fill("#id_watch_out_for", "The tape queue at T1_US_FNAL grows after 18:00.")
    page.locator("#id_next_week").click()
    page.wait_for_selector("#note-form[data-state='error']")
    assert "kept in this browser" in page.locator("#autosave-status").inner_text()
    page.reload()
    page.wait_for_selector("#restore:not([hidden])")
    assert page.input_value("#id_watch_out_for") == ""
    screenshot("handover-restore")
    page.unroute(re.compile(r".*/handover/.*"))
    page.click("#restore-yes")
    _saved(page)
    assert "T1_US_FNAL" in HandoverNote.objects.get(shift=shift).watch_out_for

    # Someone else saves meanwhile: a conflict box, nothing overwritten, then "mine".
    note = HandoverNote.objects.get(shift=shift)
    services.handover_note_update(
        note=note, user=incoming, version=note.version, data={"next_week": "Theirs: release 2.4"}
    )
    page.fill("#id_next_week", "Mine: the Monday meeting moves to 17:00.")
    page.wait_for_selector("#js-conflict:not([hidden])")
    assert "Theirs: release 2.4" in page.locator("#js-conflict-values").inner_text()
    screenshot("handover-conflict")
    page.click("#keep-mine")
    _saved(page)
    assert HandoverNote.objects.get(shift=shift).next_week.startswith("Mine:")

    page.reload()
    page.click("#finalise")
    page.wait_for_selector("#finalised")
    assert "DRAFT" not in page.locator("#note-state").inner_text()
    assert 'id="acknowledge"' not in page.content()
    screenshot("handover-finalised")
    _log_out(page)

    browser_login(page, incoming.username, PASSWORD)
    assert "You take over" in page.locator("#handover-panel").inner_text()
    page.goto(url)
    assert "Mine: the Monday meeting moves to 17:00." in page.input_value("#id_next_week")
    page.click("#acknowledge")
    page.wait_for_selector("#acknowledged")
    state = page.locator("#note-state").inner_text()
    assert "Finalised by" in state
    assert "Acknowledged by" in state
    screenshot("handover-acknowledged")
    note = HandoverNote.objects.get(shift=shift)
    assert (note.finalised_by, note.acknowledged_by) == (outgoing, incoming)


def _abort_posts(route):
    if route.request.method == "POST":
        route.abort()
    else:
        route.continue_()
