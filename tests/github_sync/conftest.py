"""GitHub tests talk to a real HTTP fake on 127.0.0.1 (`fake_github.FakeGitHub`)."""

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from tests.github_sync.fake_github import FakeGitHub

PAYLOADS = Path(__file__).parent / "payloads"
REPO = "ops/service"
TOKEN = "ghp_TestTokenValue0123456789abcdefSECRET"
WEBHOOK_SECRET = "whsec-test-0123456789"


@pytest.fixture
def fake_github(settings):
    fake = FakeGitHub(token=TOKEN)
    fake.fault_delay = 1.6
    url = fake.start()
    fake.add_repo(
        REPO,
        templates={
            "bug_report.md": "---\nname: Bug report\nlabels: bug\n---\n\n**What happened**\n"
        },
    )
    settings.GITHUB_API_URL = url
    settings.GITHUB_TOKEN = TOKEN
    settings.GITHUB_APP_ID = ""
    settings.GITHUB_APP_PRIVATE_KEY = ""
    settings.GITHUB_TIMEOUT_SECONDS = 1
    settings.GITHUB_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SITE_URL = "https://shiftdesk.example.org"
    yield fake
    fake.stop()


@pytest.fixture
def gh_team(team):
    team.github_repo = REPO
    team.save(update_fields=["github_repo"])
    return team


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def post_webhook(client, settings):
    settings.GITHUB_WEBHOOK_SECRET = WEBHOOK_SECRET
    counter = iter(range(1, 10_000))

    def post(event: str, data: dict, *, delivery: str | None = None, signature: str | None = None):
        body = json.dumps(data).encode()
        headers = {
            "HTTP_X_GITHUB_EVENT": event,
            "HTTP_X_GITHUB_DELIVERY": delivery or f"delivery-{next(counter)}",
        }
        if signature != "":
            headers["HTTP_X_HUB_SIGNATURE_256"] = signature or sign(body)
        return client.post("/github/webhook/", body, content_type="application/json", **headers)

    return post


@pytest.fixture
def queued(monkeypatch):
    """Record the tasks queued (name, args, countdown) instead of sending them to a broker."""
    from github_sync import tasks
    from outbox import tasks as outbox_tasks

    calls: list[tuple[str, tuple, int | None]] = []

    def recorder(name):
        def delay(*args):
            calls.append((name, args, None))

        def apply_async(args=(), countdown=None, **kwargs):
            calls.append((name, tuple(args), countdown))

        return delay, apply_async

    for name in ("issue_create", "issue_refresh", "webhook_process", "poll_repository"):
        delay, apply_async = recorder(name)
        monkeypatch.setattr(getattr(tasks, name), "delay", delay)
        monkeypatch.setattr(getattr(tasks, name), "apply_async", apply_async)
    delay, _ = recorder("email_send")
    monkeypatch.setattr(outbox_tasks.email_send, "delay", delay)
    return calls


@pytest.fixture
def owner(gh_team):
    from teams.models import Membership, Profile
    from tests.teams.factories import MembershipFactory

    user = MembershipFactory(team=gh_team, role=Membership.Role.MEMBER, user__username="owner").user
    Profile.objects.update_or_create(user=user, defaults={"github_login": "owner-gh"})
    return user


@pytest.fixture
def item(gh_team, owner):
    from tests.incidents.factories import ActionItemFactory

    return ActionItemFactory(
        team=gh_team, owner=owner, title="Fix the JobAccountant crash", details="It crashes."
    )
