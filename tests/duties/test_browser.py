"""Tick duties with the keyboard on the dashboard (htmx, no reload), then see who did
what, when, on the shift page."""

import datetime as dt

import pytest
from django.utils import timezone

from duties import services
from duties.models import Duty, DutyCheck
from shifts.services import rotations
from teams.models import Membership
from tests.conftest import browser_login
from tests.meetings.factories import make_series
from tests.teams.factories import PASSWORD, MembershipFactory, ProfileFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tick_duties_with_the_keyboard(page, screenshot):
    alice = MembershipFactory(
        user__username="alice",
        user__first_name="Alice",
        team__name="WMCore",
        team__slug="wmcore",
        role=Membership.Role.LEAD,
    )
    team = alice.team
    ProfileFactory(user=alice.user, time_zone="Europe/Zurich")
    # alice alone in the rotation: on shift whatever the day the test runs.
    rotation = rotations.rotation_create(
        team=team, participants=[alice.user], start_on=timezone.localdate() - dt.timedelta(days=8)
    )
    for position, (title, cadence) in enumerate(
        [
            ("Watch #wmcore-support", Duty.Cadence.DAILY),
            ("Monitoring: queue backlogs and disk space", Duty.Cadence.DAILY),
            ("Support the deployment cycle", Duty.Cadence.ONCE_PER_SHIFT),
        ]
    ):
        services.duty_create(
            rotation=rotation,
            title=title,
            cadence=cadence,
            position=position,
            instructions="See [WMStats](https://cmsweb.example.org/wmstats/).",
        )
    browser_login(page, "alice", PASSWORD)
    panel = page.locator("#duties-panel")
    assert panel.locator(".duty-row.state-due").count() >= 2
    screenshot("duties-dashboard-before")

    # Keyboard only: focus the first note, type, Enter ticks it (htmx swaps the row).
    page.evaluate("window.notReloaded = true")
    first_note = panel.locator(".duty-row.state-due input[name=note]").first
    first_note.focus()
    page.keyboard.type("JobSubmitter backlog 12k, watching")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#duties-panel .duty-row.state-done').length === 1"
    )
    # The next one: Tab from its note to "Done", Space presses it.
    panel.locator(".duty-row.state-due input[name=note]").first.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelectorAll('#duties-panel .duty-row.state-done').length === 2"
    )
    assert page.evaluate("window.notReloaded") is True
    assert "JobSubmitter backlog 12k, watching" in panel.locator(".duty-note").inner_text()
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(screenshot("duties-dashboard").parent / "duties-panel.png"))
    assert DutyCheck.objects.filter(done_by=alice.user).count() == 2

    page.click("#duties-panel >> text=the shift's page")
    page.wait_for_selector("#shift-duties")
    table = page.locator("#shift-duties-table")
    assert table.locator("tr.state-done").count() == 2
    assert "JobSubmitter backlog 12k, watching" in table.inner_text()
    assert "alice" in table.locator("tr.state-done").first.inner_text()
    screenshot("duties-shift-page")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lead_adds_a_duty_and_fixes_a_missing_series(page, screenshot):
    lead = MembershipFactory(
        user__username="lena", team__name="WMCore", team__slug="wmcore", role=Membership.Role.LEAD
    )
    rotation = rotations.rotation_create(
        team=lead.team, participants=[lead.user], start_on=timezone.localdate()
    )
    series = make_series(lead.team)
    browser_login(page, "lena", PASSWORD)
    page.goto(f"/duties/wmcore/rotations/{rotation.pk}/")
    form = page.locator("#duty-add-form")
    form.locator("#id_title").fill("Report the week at the WMCore weekly")
    form.locator("#id_instructions").fill("Slides: [template](https://indico.example.org/)")
    form.locator("#id_cadence").select_option(Duty.Cadence.AT_MEETING)
    form.locator("button[type=submit]").click()
    form = page.locator("#duty-add-form")
    assert "Say which meeting series" in form.inner_text()
    assert form.locator("#id_title").input_value() == "Report the week at the WMCore weekly"
    form.locator("#id_meeting_series").select_option(str(series.pk))
    form.locator("#id_expert_only").check()
    form.locator("button[type=submit]").click()
    row = page.locator("#rotation-duties tbody tr").first
    assert "Report the week at the WMCore weekly" in row.inner_text()
    assert "WMCore weekly" in row.inner_text()
    screenshot("duties-rotation-list")
