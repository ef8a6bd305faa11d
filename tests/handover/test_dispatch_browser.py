"""A lead previews the weekly email from the note page, sends it now, sets the chat
webhook; the received email's HTML part is opened in the browser (screenshots)."""

import pytest
from django.utils import timezone

from handover.models import ChatWebhook, HandoverDispatch
from shifts.models import Shift
from teams.models import Membership
from tests.conftest import browser_login
from tests.handover.dispatching import deliver_all, handover_messages, parts
from tests.shifts.factories import people, rotation
from tests.teams.factories import PASSWORD, MembershipFactory

SECRET_URL = "https://hooks.slack.com/services/T0/B0/verySECRETvalue9f3c"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lead_previews_and_sends_the_email_now(page, screenshot, smtp_server, tmp_path):
    alice = MembershipFactory(
        user__username="alice",
        user__first_name="Alice",
        team__name="WMCore",
        team__slug="wmcore",
        team__mailing_list="wmcore-dev@example.org",
        role=Membership.Role.LEAD,
    ).user
    team = alice.memberships.get().team
    rotation(team, [alice, *people(team, 2)], now=timezone.now(), start_on=timezone.localdate())
    shift = Shift.objects.filter(team=team, end_at__gt=timezone.now()).order_by("start_at").first()
    browser_login(page, "alice", PASSWORD)

    page.goto(f"/handover/wmcore/shifts/{shift.pk}/")
    assert "Goes to the mailing list" in page.locator("#dispatch-state").inner_text()
    page.click("#email-preview-link")
    page.wait_for_url("**/email/")
    page.frame_locator("iframe.email-html").locator("text=Open the handover note").wait_for()
    assert "DRAFT, not finalised" in page.locator("#subject").inner_text()
    screenshot("handover-email-preview")
    page.click("#send-now")
    page.wait_for_url("**/email/")
    assert "queued for 4 recipient(s)" in page.locator("main").inner_text()
    assert HandoverDispatch.objects.get().via == "send-now"
    deliver_all()
    page.reload()
    assert page.locator("#email-sent").is_visible()
    screenshot("handover-email-sent")

    (message,) = handover_messages(smtp_server, shift)
    html_file = tmp_path / "email.html"
    html_file.write_text(parts(message)["text/html"], encoding="utf-8")
    page.goto(html_file.as_uri())
    assert page.locator("text=Open the handover note").first.is_visible()
    screenshot("handover-email-received-html")

    page.goto("/handover/wmcore/chat/")
    page.fill("#id_url", "ftp://hooks.example.org/x")
    page.click("#save")
    assert page.locator(".error").first.inner_text() == "Enter a valid URL."
    assert page.input_value("#id_url") == "ftp://hooks.example.org/x"
    page.fill("#id_url", SECRET_URL)
    page.click("#save")
    assert "https://hooks.slack.com/…9f3c" in page.locator("#webhook-set").inner_text()
    assert "verySECRET" not in page.content()
    assert page.input_value("#id_url") == ""
    assert ChatWebhook.objects.get().url == SECRET_URL
    screenshot("handover-chat-settings")
