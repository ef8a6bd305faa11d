"""The lead's month in a real browser: types a summary (autosaved), reloads, finds it
there, publishes; the published page shows it as sent."""

import datetime as dt

import pytest

from outbox.models import OutboundEmail
from statusreports.models import StatusReport
from teams.models import Membership
from tests.conftest import ARTIFACTS, browser_login
from tests.incidents.factories import IncidentFactory
from tests.statusreports.factories import monthly, report_of
from tests.teams.factories import PASSWORD, MembershipFactory, TeamFactory

SUMMARY = "Quiet month: **2.3.5** shipped, one tape outage."


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lead_writes_reloads_and_publishes(page, screenshot):
    team = TeamFactory(slug="wmcore", name="WMCore", time_zone="Europe/Zurich",
                       mailing_list="wmcore-dev@example.org")  # fmt: skip
    MembershipFactory(team=team, user__username="alice", role=Membership.Role.LEAD)
    monthly(team, stakeholders=["funding@example.org"])
    # Last month in the team's zone, whatever day the test runs.
    today = dt.datetime.now(dt.UTC).date()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    IncidentFactory(team=team, title="Tape outage", detected_at=dt.datetime.combine(
        month + dt.timedelta(days=9), dt.time(8), tzinfo=dt.UTC))  # fmt: skip
    report = report_of(team, month)
    url = f"/status-reports/wmcore/{month:%Y-%m}/"

    browser_login(page, "alice", PASSWORD)
    page.goto("/status-reports/wmcore/")
    page.click(f"tr[data-month='{month:%Y-%m}'] a")
    page.wait_for_url(f"**{url}")
    page.fill("#id_summary", "")
    page.locator("#id_summary").press_sequentially(SUMMARY)
    page.wait_for_selector("#summary-form[data-state='saved']")
    assert page.locator("#autosave-status").inner_text().startswith("Saved")
    screenshot("statusreports-draft")

    page.reload()
    page.wait_for_selector("#summary-form[data-state='saved']")
    assert page.locator("#id_summary").input_value() == SUMMARY
    assert "Tape outage" in page.locator("#month").inner_text()

    page.click("#publish")
    page.wait_for_selector("#published")
    published = page.locator("#published")
    assert "Kept as it was sent." in published.inner_text()
    assert published.locator("strong", has_text="2.3.5").count() == 1
    path = screenshot("statusreports-published")
    assert path.exists()
    assert path.parent == ARTIFACTS / "screenshots"

    report.refresh_from_db()
    assert report.state == StatusReport.State.PUBLISHED
    assert report.summary == SUMMARY
    email = OutboundEmail.objects.get(key=f"status-report-published:{report.pk}")
    assert email.to == ["funding@example.org", "wmcore-dev@example.org"]
