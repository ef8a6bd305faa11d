"""The issue's "Done when", in a browser: a lead opens a GitHub issue from the action-item
list in one click and a submit; the creation task runs against the fake GitHub (real HTTP
on 127.0.0.1); the list shows the link; GitHub closing it makes the item done, reopening
it flags a regression."""

import re
import shutil
from pathlib import Path

import pytest

from github_sync import tasks
from github_sync.models import IssueLink
from incidents.models import ActionItem
from tests.conftest import browser_login
from tests.github_sync.conftest import REPO
from tests.teams.factories import PASSWORD

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "github-links.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lead_opens_an_issue_from_the_list_and_github_drives_the_item(
    page, screenshot, fake_github, lead, item, queued
):
    browser_login(page, "lead", PASSWORD)
    page.goto("/incidents/ops/action-items/")
    row = page.locator(f"#action-item-{item.pk}")
    row.get_by_role("link", name="Create GitHub issue").click()

    # The form is prefilled from the item: repository, title, body, the owner's login.
    page.wait_for_url(re.compile(r"/action-items/[0-9]+/create/\?next="))
    assert page.input_value("#id_title") == "Fix the JobAccountant crash"
    assert "It crashes." in page.input_value("#id_body")
    assert page.input_value("#id_assignee") == "owner-gh"
    assert page.input_value("#id_repository") == REPO
    screenshot("github-create-form")
    page.get_by_role("button", name="Open the issue").click()

    # Back on the list: the row says "creating…" and refreshes itself (HTMX) once the
    # task has opened the issue on GitHub.
    page.wait_for_url("**/incidents/ops/action-items/")
    assert "creating…" in row.inner_text()
    link = IssueLink.objects.get()
    assert [name for name, _, _ in queued] == ["issue_create"]
    assert tasks.issue_create(link.pk) == "created"
    number = fake_github.issues(REPO)[0]["number"]
    row.get_by_role("link", name=f"{REPO}#{number}").wait_for()
    assert "Fix the JobAccountant crash" in row.inner_text()
    assert "open" in row.locator(".github-link").inner_text()

    # Closed as completed on GitHub, then polled: the item is done.
    fake_github.advance(60)
    fake_github.update_issue(REPO, number, state="closed", state_reason="completed")
    tasks.poll_repository(REPO)
    page.reload()
    assert "closed: completed" in row.inner_text()
    assert "Done" in row.locator("td").nth(4).inner_text()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE

    # Reopened on GitHub: a regression, the item open again.
    fake_github.advance(60)
    fake_github.update_issue(REPO, number, state="open")
    tasks.poll_repository(REPO)
    page.reload()
    row.locator(".badge", has_text="regression").wait_for()
    assert "Open" in row.locator("td").nth(4).inner_text()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN
    shutil.copyfile(screenshot("github-links-regression"), DOCS_SCREENSHOT)
