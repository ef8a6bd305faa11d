"""The support flow in a real browser: the shifter sees waiting requests with their ages
on the dashboard and the support page, the lead sets the response target, and a person
turns a notification off on their profile."""

import datetime as dt

import pytest
from django.utils import timezone

from teams.models import Membership, Profile, Team
from tests.conftest import browser_login
from tests.incidents.factories import SupportRequestFactory
from tests.shifts.factories import rotation
from tests.teams.factories import PASSWORD, MembershipFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_waiting_requests_target_and_opt_out(page, screenshot):
    alice = MembershipFactory(
        user__username="alice", user__first_name="Alice", role=Membership.Role.LEAD,
        team__name="WMCore", team__slug="wmcore",
    )  # fmt: skip
    team = alice.team
    now = timezone.now()
    monday = now.date() - dt.timedelta(days=now.weekday() + 7)
    rotation(team, [alice.user], now=now, start_on=monday)  # alice is always on shift
    SupportRequestFactory(
        team=team, asked_by="Rucio team", asking_team="DM", question="Why are the transfers stuck?",
        asked_at=now - dt.timedelta(days=3),
    )  # fmt: skip
    SupportRequestFactory(
        team=team, asked_by="P&R", question="Can you re-inject workflow X?",
        asked_at=now - dt.timedelta(minutes=20),
    )  # fmt: skip
    browser_login(page, "alice", PASSWORD)

    page.goto("/")
    panel = page.locator("#support-waiting-panel")
    assert panel.locator("tbody tr").count() == 2
    assert "Why are the transfers stuck?" in panel.inner_text()
    assert "past the 4 h target" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    screenshot("dashboard-support-waiting")

    page.goto("/incidents/wmcore/support/")
    assert page.locator("#support-requests tr[data-waiting]").count() == 2
    assert "within 4 working hours" in page.locator("#support-target").inner_text()
    screenshot("support-list-ages")
    page.click("#support-target >> text=change")
    page.wait_for_url("**/teams/wmcore/edit/")
    page.fill("#id_support_target_hours", "0")
    page.click("main button[type=submit]")  # the browser holds it back (min 1)
    assert page.evaluate(
        "document.querySelector('#id_support_target_hours').validity.rangeUnderflow"
    )
    assert page.url.endswith("/teams/wmcore/edit/")
    page.fill("#id_support_target_hours", "16")
    screenshot("team-edit-support-target")
    page.click("main button[type=submit]")
    page.wait_for_url("**/teams/wmcore/")
    assert Team.objects.get(slug="wmcore").support_target_hours == 16

    page.goto("/accounts/profile/")
    assert page.is_checked("#id_notify_shift_moved")
    page.uncheck("#id_notify_shift_moved")
    screenshot("profile-notifications")
    page.click("main form button[type=submit] >> text=Save")
    page.wait_for_url("**/accounts/profile/")
    assert not page.is_checked("#id_notify_shift_moved")
    profile = Profile.objects.get(user=alice.user)
    assert not profile.notify_shift_moved
    assert profile.notify_shift_tomorrow
