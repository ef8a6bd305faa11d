import datetime as dt

import pytest
from django.utils import timezone

from shifts.models import Shift, SwapRequest
from shifts.services import leave, rotations
from teams.models import Membership
from tests.conftest import browser_login
from tests.teams.factories import PASSWORD, MembershipFactory, ProfileFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_schedule_swap_and_fairness_in_the_browser(page, screenshot):
    alice = MembershipFactory(
        user__username="alice",
        user__first_name="Alice",
        team__slug="wmcore",
        team__name="WMCore",
        role=Membership.Role.LEAD,
    ).user
    team = alice.memberships.get().team
    bob = MembershipFactory(user__username="bob", user__first_name="Bob", team=team).user
    dave = MembershipFactory(user__username="dave", user__first_name="Dave", team=team).user
    ProfileFactory(user=dave, time_zone="America/Chicago")
    today = timezone.localdate()
    rotation = rotations.rotation_create(
        team=team,
        participants=[alice, bob, dave],
        name="Developer on shift",
        start_on=today - dt.timedelta(weeks=8),
    )
    leave.unavailability_create(
        team=team,
        actor=bob,
        user=bob,
        starts_on=today + dt.timedelta(weeks=5),
        ends_on=today + dt.timedelta(weeks=5, days=4),
        note="vacation",
    )

    browser_login(page, "dave", PASSWORD)
    panel = page.locator("#oncall")
    assert panel.get_by_text("Developer on shift").is_visible()
    assert panel.locator("tbody tr").count() == 3
    screenshot("shifts-dashboard")

    page.click("text=Shifts")
    page.click("table.rotations >> text=Developer on shift")
    assert page.locator("#schedule tr.today").count() == 1
    screenshot("shifts-schedule")

    page.click("text=My shifts")
    mine = Shift.objects.filter(
        rotation=rotation, assignee=dave, start_at__gt=timezone.now()
    ).first()
    page.goto(f"/shifts/wmcore/shifts/{mine.pk}/")
    page.select_option("#swap-form select[name=recipient]", label="Bob")
    page.fill("#swap-form input[name=message]", "Family visit")
    page.click("#swap-form button[type=submit]")
    assert page.locator("#swaps").get_by_text("Family visit").is_visible()
    screenshot("shifts-swaps")

    page.click("text=Log out")
    browser_login(page, "bob", PASSWORD)
    page.goto("/shifts/wmcore/swaps/")
    page.click("#swaps >> text=Accept")
    assert page.locator(".message").inner_text() == "Swap accepted: the shifts changed hands."
    assert SwapRequest.objects.get().status == SwapRequest.Status.ACCEPTED
    mine.refresh_from_db()
    assert mine.assignee == bob
    page.goto(f"/shifts/wmcore/shifts/{mine.pk}/")
    assert page.locator("#history").get_by_text("handed this shift to Bob").is_visible()
    screenshot("shifts-shift")

    page.goto("/shifts/wmcore/unavailability/")
    screenshot("shifts-unavailability")
    page.goto(f"/shifts/wmcore/rotations/{rotation.pk}/fairness/")
    assert page.locator("svg.chart > rect.weekday").count() == 3
    assert page.locator("#quarter-chart rect.quarter").count() == 12
    screenshot("shifts-fairness")

    page.click("text=Log out")
    browser_login(page, "alice", PASSWORD)
    page.goto(f"/shifts/wmcore/rotations/{rotation.pk}/edit/")
    page.locator("#participants li").nth(2).locator("button[value=up]").click()
    assert page.locator("#participants li").nth(1).inner_text().startswith("2. Dave")
    screenshot("shifts-rotation-settings")
