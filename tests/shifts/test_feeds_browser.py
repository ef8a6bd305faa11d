import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from shifts.models import Unavailability
from shifts.services import rotations
from teams.models import Membership
from tests.conftest import browser_login
from tests.teams.factories import PASSWORD, MembershipFactory

HOLIDAYS = Path(__file__).parent.parent / "teams" / "ics" / "holidays.ics"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_profile_feeds_and_ics_import_in_the_browser(page, screenshot, tmp_path):
    alice = MembershipFactory(
        user__username="alice",
        user__first_name="Alice",
        team__slug="wmcore",
        team__name="WMCore",
        role=Membership.Role.LEAD,
    ).user
    team = alice.memberships.get().team
    bob = MembershipFactory(user__username="bob", user__first_name="Bob", team=team).user
    rotations.rotation_create(
        team=team,
        participants=[alice, bob],
        start_on=timezone.localdate() - dt.timedelta(weeks=2),
    )

    browser_login(page, "alice", PASSWORD)
    page.goto("/accounts/profile/")
    feeds = page.locator("#feeds")
    for title in ("My shifts and meetings", "WMCore shifts", "WMCore meetings"):
        assert feeds.get_by_text(title, exact=True).is_visible()
    assert feeds.locator("button.copy-link").first.is_visible()
    url = feeds.locator("input.feed-url").first.input_value()
    assert "/feeds/" in url
    assert url.endswith(".ics")
    screenshot("feeds-profile")

    # A year's holidays for the whole team (the fixture's dates shifted to this year).
    year = timezone.localdate().year
    text = HOLIDAYS.read_text().replace("20270326", f"{year + 1}0326")
    text = text.replace("20270327", f"{year + 1}0327")
    upload = tmp_path / "holidays.ics"
    upload.write_text(text)
    page.goto("/shifts/wmcore/unavailability/")
    page.select_option("#id_import-kind", "public_holiday")
    page.select_option("#id_import-user", "")
    page.set_input_files("#id_import-file", str(upload))
    screenshot("feeds-import-form")
    page.click("#import-form button[type=submit]")
    preview = page.locator("#import-preview")
    assert preview.get_by_text("Good Friday").is_visible()
    assert Unavailability.objects.count() == 0
    screenshot("feeds-import-preview")

    page.click("#import-confirm button[type=submit]")
    page.wait_for_url("**/shifts/wmcore/unavailability/")
    assert page.get_by_text("Imported").first.is_visible()
    assert page.locator("#periods").get_by_text("Good Friday").first.is_visible()
    assert Unavailability.objects.filter(kind="public_holiday", user=None).exists()
    screenshot("feeds-import-done")
