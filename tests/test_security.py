"""Content-Security-Policy on pages and the API docs, the docs page sends the logged-out
to log in, and the favicon exists (no more 404 on every page)."""

import re

import pytest

from teams.models import Membership
from tests.conftest import browser_login
from tests.teams.factories import PASSWORD, MembershipFactory


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_send_a_strict_policy(user_client, member):
    response = user_client(member).get("/")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    page = response.content.decode()
    # Every script of the page is a file from this site; none is inline.
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts
    assert all('src="/static/' in script for script in scripts)
    assert not re.search(r"\son[a-z]+=", page)


def test_api_docs_page_works_under_the_policy(user_client, member):
    client = user_client(member)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = directives(response)
    nonce = re.search(r"'nonce-([^']+)'", " ".join(policy["style-src"])).group(1)
    page = response.content.decode()
    # Its one inline style carries the nonce; its init script is a file of its own.
    assert f'<style nonce="{nonce}">' in page
    assert "<script>" not in page
    (init,) = re.findall(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', page)
    script = client.get(init.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_api_docs_send_the_logged_out_to_log_in_and_the_schema_stays_401(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/api/docs/"
    assert client.get("/api/schema/").status_code == 401


def test_favicon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/shiftdesk/favicon\.[0-9a-f]+\.svg", response.url)
    assert b'rel="icon"' in client.get("/accounts/login/").content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_policy_violation_in_the_browser(page, screenshot):
    MembershipFactory(
        user__username="dave",
        user__is_staff=True,
        user__is_superuser=True,
        team__slug="wmcore",
        team__name="WMCore",
        role=Membership.Role.LEAD,
    )
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("requestfailed", lambda request: problems.append(f"failed {request.url}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.goto("/accounts/password/reset/")
    screenshot("csp-password-reset")
    browser_login(page, "dave", PASSWORD)
    page.wait_for_load_state("networkidle")
    screenshot("csp-dashboard")

    page.goto("/teams/wmcore/edit/")  # a form page
    page.fill("#id_name", "WMCore team")
    page.click("main button[type=submit]")
    page.wait_for_url("**/teams/wmcore/")
    assert page.get_by_text("Team settings saved.").is_visible()
    screenshot("csp-team-form")

    page.goto("/accounts/profile/")  # a form and a script of its own (copy link)
    page.click("[data-copy-target]")
    page.wait_for_selector("[data-copy-target]:has-text('Copied')")
    screenshot("csp-profile")

    page.goto("/health/")  # HTMX: the status refreshes itself and the ping posts
    page.click("text=Ping the worker")
    page.wait_for_selector("#pings .state")
    screenshot("csp-status")

    page.goto("/admin/teams/team/")
    page.wait_for_load_state("networkidle")
    screenshot("csp-admin")

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    page.wait_for_load_state("networkidle")
    screenshot("csp-api-docs")
    assert problems == []
