"""The seed rule, the data migration, GitHub Enterprise and App auth, and secrets that
never leak into answers, stored reasons or logs."""

import datetime as dt
import logging

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from github_sync import selectors, tasks
from github_sync.client import GitHubClient, Rejected, redact
from github_sync.models import GitHubIssue, IssueLink
from github_sync.services import creation, reminders
from incidents.models import Incident
from outbox.models import OutboundEmail
from tests.github_sync.conftest import REPO, TOKEN
from tests.github_sync.factories import IssueLinkFactory
from tests.github_sync.fake_github import FakeGitHub
from tests.incidents.factories import ActionItemFactory, IncidentFactory


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


def test_seed_rule_flags_and_reminds_the_owner_once(gh_team, owner, queued):
    due = IncidentFactory(team=gh_team, owner=owner, detected_at=hours_ago(3))
    IncidentFactory(team=gh_team, owner=owner, detected_at=hours_ago(1))  # not yet
    IncidentFactory(
        team=gh_team, owner=owner, detected_at=hours_ago(3), kind=Incident.Kind.SUPPORT_REQUEST
    )
    linked = IncidentFactory(team=gh_team, owner=owner, detected_at=hours_ago(5))
    IssueLinkFactory(incident=linked)
    via_item = IncidentFactory(team=gh_team, owner=owner, detected_at=hours_ago(5))
    IssueLinkFactory(action_item=ActionItemFactory(team=gh_team, incident=via_item))

    assert list(selectors.incidents_missing_issue(teams=[gh_team])) == [due]
    assert tasks.seed_reminders() == 1
    assert tasks.seed_reminders() == 0
    [email] = OutboundEmail.objects.all()
    assert email.to == [owner.email]
    assert email.key == f"github-seed-reminder:{due.pk}"


def test_the_seed_delay_is_a_setting(gh_team, owner, settings, queued):
    IncidentFactory(team=gh_team, owner=owner, detected_at=hours_ago(3))
    settings.GITHUB_SEED_ISSUE_HOURS = 4
    assert reminders.seed_reminders_send() == 0


BEFORE_COPY = [("github_sync", "0001_initial"), ("incidents", "0003_sane_date_bounds")]
AFTER_DROP = [
    ("github_sync", "0002_copy_action_item_issue_fields"),
    ("incidents", "0004_remove_action_item_github_fields"),
]


@pytest.mark.django_db(transaction=True)
def test_the_hand_typed_fields_become_links_before_incidents_drops_them(gh_team):
    """Back to before the copy (the old columns are there), type the fields, migrate on:
    the copy runs before incidents drops the columns; back and forth adds nothing."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_COPY)
    old = executor.loader.project_state(BEFORE_COPY).apps
    OldItem = old.get_model("incidents", "ActionItem")
    typed = OldItem.objects.create(
        team_id=gh_team.pk, title="Typed", github_repo=REPO, github_issue_number=42
    )
    OldItem.objects.create(team_id=gh_team.pk, title="No number", github_repo=REPO)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER_DROP)
    [link] = IssueLink.objects.all()
    assert (link.action_item_id, link.status, link.issue.number) == (typed.pk, "linked", 42)
    assert link.issue.synced_at is None  # fetched by the sweep
    from github_sync.services import polling

    assert polling.issues_unsynced_ids() == [link.issue.pk]
    columns = {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "incidents_actionitem"
        )
    }
    assert {"github_repo", "github_issue_number"}.isdisjoint(columns)
    # Backwards puts the issue back in the fields; forwards again adds no second link.
    MigrationExecutor(connection).migrate(BEFORE_COPY)
    restored = OldItem.objects.get(pk=typed.pk)
    assert (restored.github_repo, restored.github_issue_number) == (REPO, 42)
    MigrationExecutor(connection).migrate(AFTER_DROP)
    assert IssueLink.objects.count() == 1
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_redact_removes_tokens_and_key_lines(settings):
    settings.GITHUB_TOKEN = TOKEN
    assert TOKEN not in redact(f"Bad credentials: token {TOKEN}")
    assert "[redacted]" in redact(f"x {TOKEN} y")


@pytest.mark.django_db(transaction=True)
def test_the_token_never_reaches_a_stored_reason_a_page_an_answer_or_a_log(
    fake_github, item, lead, client, api_as, caplog, queued
):
    caplog.set_level(logging.DEBUG)
    link, _ = creation.issue_create_request(target=item, repository=REPO, by=lead)
    fake_github.inject("create", "echo_auth")  # a server that echoes the credentials
    assert creation.issue_create_run(link_id=link.pk).result == "failed"
    link.refresh_from_db()
    assert "401" in link.failure_reason
    client.force_login(lead)
    pages = [
        client.get(f"/github/teams/{item.team.slug}/").content.decode(),
        client.get(f"/github/teams/{item.team.slug}/action-items/{item.pk}/").content.decode(),
        api_as(lead).get(f"/api/v1/teams/{item.team.slug}/github/status/").content.decode(),
    ]
    for text in [link.failure_reason, caplog.text, *pages]:
        assert TOKEN not in text
    assert all(
        "Authorization" not in record.getMessage() or TOKEN not in record.getMessage()
        for record in caplog.records
    )


@pytest.mark.django_db(transaction=True)
def test_github_enterprise_base_url_with_a_path(fake_github, settings):
    fake_github.path_prefix = "/api/v3"
    settings.GITHUB_API_URL = f"{fake_github.base_url}/api/v3"
    for n in range(120):
        fake_github.add_issue(REPO, title=f"n{n}")
    client = GitHubClient.from_settings()
    assert client.get_issue(REPO, 3).title == "n2"
    listing = client.list_issues_since(REPO, since=None)
    assert len(listing.issues) == 120  # followed the Link header under /api/v3
    assert client.requests_made == 3


@pytest.mark.django_db(transaction=True)
def test_github_app_installation_auth(settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    fake = FakeGitHub(token="unused-token-value", app_id="4242")
    fake.start()
    try:
        fake.add_issue(REPO, title="Via the App")
        settings.GITHUB_API_URL = fake.base_url
        settings.GITHUB_TOKEN = ""
        settings.GITHUB_APP_ID = "4242"
        settings.GITHUB_APP_PRIVATE_KEY = pem
        settings.GITHUB_APP_INSTALLATION_ID = "77"
        assert GitHubClient.from_settings().get_issue(REPO, 1).title == "Via the App"
        assert fake.count(method="POST", path="/app/installations/77/access_tokens") == 1
        settings.GITHUB_APP_ID = "9999"  # a wrong App: a clean error, no key in it
        with pytest.raises(Rejected) as error:
            GitHubClient.from_settings().get_issue(REPO, 1)
        assert "PRIVATE KEY" not in str(error.value)
    finally:
        fake.stop()


def test_admin_pages_open(admin_client_github):
    for model in [
        "githubissue",
        "issuelink",
        "repositorysync",
        "syncerror",
        "webhookdelivery",
        "teamrepository",
    ]:
        changelist = reverse(f"admin:github_sync_{model}_changelist")
        assert admin_client_github.get(changelist).status_code == 200
        assert admin_client_github.get(f"{changelist}?q=a").status_code == 200
        assert admin_client_github.get(reverse(f"admin:github_sync_{model}_add")).status_code == 200


@pytest.fixture
def admin_client_github(client, item):
    from tests.teams.factories import UserFactory

    IssueLinkFactory(action_item=item)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_github_issue_labels(db):
    issue = GitHubIssue(repository=REPO, number=1, state="closed", state_reason="completed")
    assert issue.state_label == "closed: completed"
    issue.state_reason = ""
    assert issue.state_label == "closed"
