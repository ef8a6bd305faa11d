"""Shared fixtures: people in a team with each role, API clients, and a real browser."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from teams.access import team_id_hints
from teams.cache_versions import team_cache_copies
from teams.models import Membership
from tests.teams.factories import MembershipFactory, TeamFactory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty shared cache (a file cache outlives a test), no
    slug -> team id hints (ids come back after a rolled-back test on SQLite) and no
    process copies of team cache entries."""
    cache.clear()
    team_id_hints.clear()
    team_cache_copies.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs ~0.1 s per test user; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return TeamFactory(slug="ops", name="Ops", time_zone="Europe/Zurich")


@pytest.fixture
def lead(team):
    return MembershipFactory(team=team, role=Membership.Role.LEAD, user__username="lead").user


@pytest.fixture
def member(team):
    return MembershipFactory(team=team, role=Membership.Role.MEMBER, user__username="member").user


@pytest.fixture
def outsider(db):
    """Signed in, but in another team."""
    return MembershipFactory(user__username="outsider", team__slug="elsewhere").user


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_client(client):
    """A Django test client logged in as the given user: `user_client(user)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_as(api_client):
    def login(user):
        if user is None:
            api_client.force_authenticate(None)
        else:
            api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright; fails loudly when chromium is missing."""
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"chromium not found at {CHROMIUM}: run `make chromium` (apt-get install chromium)"
        )
    # Playwright's sync API runs an event loop in this thread; the Django test
    # database is only touched from test code between browser calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(collected_static):
    """pytest-django's live server, but static files are served by WhiteNoise from the
    collected (hashed) files, as in production, not by the finders' handler."""
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread = LiveServerThread(
        "localhost", static_handler=lambda application: application, connections_override={}
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/ (to look at)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def browser_login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_db_blocker):
    """Pages are rendered with the production static storage (hashed names), which
    needs collectstatic's manifest; bring it up to date once per run."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
