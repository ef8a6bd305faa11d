import pytest

from teams.models import Membership
from tests.conftest import browser_login
from tests.teams.factories import PASSWORD, MembershipFactory, ProfileFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_log_in_and_see_dashboard(page, screenshot):
    membership = MembershipFactory(
        user__username="dave",
        user__first_name="Dave",
        team__name="WMCore",
        team__slug="wmcore",
        role=Membership.Role.LEAD,
    )
    ProfileFactory(user=membership.user, time_zone="America/Chicago")
    browser_login(page, "dave", PASSWORD)
    assert page.locator("h1").inner_text() == "Hello, Dave"
    assert page.locator("#my-teams").get_by_text("WMCore").is_visible()
    assert page.locator(".viewer-zone").inner_text() == "America/Chicago"
    screenshot("dashboard")

    page.goto("/teams/wmcore/")
    assert page.locator("#members").get_by_text("dave").first.is_visible()
    screenshot("team")

    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("requestfailed", lambda request: errors.append(f"failed {request.url}"))
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert errors == []
    screenshot("api-docs")

    page.goto("/health/")
    page.click("text=Ping the worker")
    page.wait_for_selector("#pings .state.wait")
    screenshot("status")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_an_error(page, screenshot):
    MembershipFactory(user__username="carol")
    page.goto("/accounts/login/")
    page.fill("#id_username", "carol")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "correct username and password" in page.locator(".errors").inner_text()
    screenshot("login-error")
