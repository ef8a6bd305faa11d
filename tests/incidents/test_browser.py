import pytest

from incidents.models import ActionItem, Incident
from incidents.services import incidents
from teams.models import Membership
from tests.conftest import browser_login
from tests.incidents.factories import ComponentFactory
from tests.teams.factories import PASSWORD, MembershipFactory, ProfileFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_log_an_incident_add_entries_and_transfer_it(page, screenshot):
    bob = MembershipFactory(
        user__username="bob", user__first_name="Bob", team__name="WMCore", team__slug="wmcore"
    )
    team = bob.team
    MembershipFactory(
        user__username="dave", user__first_name="Dave", team=team, role=Membership.Role.MEMBER
    )
    ProfileFactory(user=bob.user, time_zone="Europe/Zurich")
    ComponentFactory(team=team, name="JobAccountant")
    ComponentFactory(team=team, name="WorkQueueManager")
    browser_login(page, "bob", PASSWORD)

    page.click("nav.mainnav >> text=Incidents")
    page.click("main >> text=WMCore")
    page.wait_for_url("**/incidents/wmcore/")
    page.fill("#incident-quick #id_title", "Backlog in WorkQueueManager after JobAccountant crash")
    page.select_option("#incident-quick #id_kind", "system_failure")
    page.select_option("#incident-quick #id_severity", "high")
    page.fill("#incident-quick #id_reporter_team", "P&R")
    screenshot("incidents-list-quick-add")
    page.click("#incident-quick button[type=submit]")
    page.wait_for_url("**/incidents/wmcore/*/")
    incident = Incident.objects.get()
    assert page.locator("h1").inner_text() == f"#{incident.pk} {incident.title}"
    assert page.locator("#incident-owner").inner_text() == "bob"

    # Timeline entries go in with HTMX: the page does not reload, the list grows.
    page.evaluate("window.notReloaded = true")
    page.fill("#entry-form textarea", "JobAccountant log: `Could not load FWJR` for job **4711**.")
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("#timeline .entry-note")
    page.fill("#entry-form textarea", "Moved the report aside, restarted the component.")
    page.click("#entry-form button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#timeline .entry-note').length === 2")
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#timeline .entry-note strong").inner_text() == "4711"

    page.select_option("#status-form select[name=status-status]", "investigating")
    page.click("#status-form button[type=submit]")
    page.wait_for_selector(".message")
    page.select_option("#transfer-form select[name=transfer-owner]", "dave")
    page.fill("#transfer-form textarea", "End of my shift; Dave takes it over.")
    page.click("#transfer-form button[type=submit]")
    page.wait_for_selector("text=Incident handed over to dave.")
    assert page.locator("#incident-owner").inner_text() == "dave"
    timeline = page.locator("#timeline").inner_text()
    assert "Owner Bob → Dave." in timeline  # people by name (teams.selectors.person_name)
    assert "End of my shift" in timeline
    assert "Status open → investigating." in timeline
    screenshot("incident-detail-after-transfer")

    # Resolving without a note is refused on the page.
    page.select_option("#status-form select[name=status-status]", "resolved")
    page.click("#status-form button[type=submit]")
    assert "Resolving needs a resolution note." in page.locator("#status-card").inner_text()
    screenshot("incident-resolve-needs-note")
    incident.refresh_from_db()
    assert (incident.status, incident.owner.username) == ("investigating", "dave")


DRAFT = (
    'Restarted JobAccountant; `FWJR` <gone> & "queue" drains — 12 % left.\n\n  Next: check Rucio.'
)


def _incident_page(page):
    """Bob's incident page (Dave can take it over); Bob is signed in."""
    bob = MembershipFactory(user__username="bob", team__name="WMCore", team__slug="wmcore")
    MembershipFactory(user__username="dave", team=bob.team)
    incident = incidents.incident_open(
        team=bob.team, title="Backlog", kind="system_failure", created_by=bob.user
    )
    browser_login(page, "bob", PASSWORD)
    page.goto(incident.get_absolute_url())
    return incident


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timeline_text_survives_hand_over_status_change_and_reload(page, screenshot):
    incident = _incident_page(page)
    box = page.locator("#entry-form textarea[name=body]")
    box.press_sequentially(DRAFT)

    page.select_option("#transfer-form select[name=transfer-owner]", "dave")
    page.click("#transfer-form button[type=submit]")
    page.wait_for_selector("text=Incident handed over to dave.")
    assert box.input_value() == DRAFT
    screenshot("incident-draft-after-hand-over")

    page.select_option("#status-form select[name=status-status]", "investigating")
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("text=Incident is now investigating.")
    assert box.input_value() == DRAFT

    # Enter in the action item's title adds the action item (not a timeline entry).
    page.fill("#action-form input[name=title]", "Write the post-mortem")
    page.press("#action-form input[name=title]", "Enter")
    page.wait_for_selector("text=Action item added.")
    assert box.input_value() == DRAFT
    assert incident.action_items.get().title == "Write the post-mortem"

    # More typed and not posted yet: a reload (or a link followed) puts it back.
    box.press("Control+End")
    box.press_sequentially(" And more.")
    page.reload()
    assert box.input_value() == DRAFT + " And more."
    assert "Your unsaved text is back" in page.locator("#timeline").inner_text()
    screenshot("incident-draft-after-reload")
    incident.refresh_from_db()
    assert (incident.owner.username, incident.status) == ("dave", "investigating")

    # Saved: the box empties and stays empty after a reload.
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("#timeline .entry-note")
    assert box.input_value() == ""
    page.reload()
    assert box.input_value() == ""
    assert incident.timeline.get(kind="note").body == (DRAFT + " And more.").strip()
    screenshot("incident-draft-saved")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_timeline_text_survives_the_other_buttons_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        _incident_page(page)
        box = page.locator("#entry-form textarea[name=body]")
        box.fill(DRAFT)
        page.select_option("#transfer-form select[name=transfer-owner]", "dave")
        page.click("#transfer-form button[type=submit]")
        page.wait_for_selector("text=Incident handed over to dave.")
        assert box.input_value() == DRAFT
        page.select_option("#status-form select[name=status-status]", "investigating")
        page.click("#status-form button[type=submit]")
        page.wait_for_selector("text=Incident is now investigating.")
        assert box.input_value() == DRAFT
        page.reload()
        assert box.input_value() == DRAFT
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_pages_action_items_support_and_knowledge(page, screenshot, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False
    browser_login(page, "bob", "demo")
    panel = page.locator("#incidents-panel")
    assert panel.locator("tr.overdue").count() == 1
    screenshot("dashboard-incidents-panel")

    page.goto("/incidents/wmcore/action-items/")
    overdue = ActionItem.objects.filter(team__slug="wmcore").overdue().count()
    assert overdue >= 2  # the incidents' and the meetings' demo data
    assert page.locator("#action-items tr.overdue").count() == overdue
    page.fill("#action-quick #id_title", "Write the post-mortem")
    page.select_option("#action-quick #id_owner", "carol")
    page.click("#action-quick button[type=submit]")
    page.wait_for_selector("#action-items >> text=Write the post-mortem")
    assert page.locator("#action-quick #id_title").input_value() == ""
    screenshot("action-items")

    page.goto("/incidents/wmcore/support/")
    assert page.locator("#weekly-stats tbody tr").first.locator("td").nth(1).inner_text() == "2"
    screenshot("support-requests")

    page.goto("/incidents/wmcore/kb/?q=FWJR")
    assert page.locator("#kb-entries article").count() == 1
    page.click("#kb-entries a >> nth=0")
    screenshot("knowledge-entry")
