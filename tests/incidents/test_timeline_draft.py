"""Text typed in the timeline box survives the page's other buttons, without JavaScript
(issue 10): they post the box along and the next page puts the text back."""

import html

import pytest

from incidents.models import ActionItem, TimelineEntry
from incidents.services import incidents
from tests.incidents.factories import KnowledgeEntryFactory

DRAFT = 'Checked the <b>logs</b> & "FWJR" — 4711 \u00e9t\u00e9\n\n  indented line  \n'


@pytest.fixture
def incident(team, member):
    return incidents.incident_open(
        team=team, title="Backlog", kind="system_failure", created_by=member
    )


def box(response) -> str:
    """The timeline box's text as the browser will read it."""
    return response.context["entry_form"]["body"].value() or ""


def test_every_button_of_the_page_posts_the_timeline_box(user_client, member, incident):
    page = user_client(member).get(incident.get_absolute_url()).content.decode()
    url = f"/incidents/ops/{incident.pk}/"
    for action in ("status/", "transfer/", "action-items/", "knowledge/"):
        assert f'form="entry-form" formaction="{url}{action}" formnovalidate' in page
    for name in ("status-status", "status-note", "transfer-owner", "transfer-note", "title"):
        assert f'name="{name}"' in page
    assert 'name="transfer-owner" form="entry-form" id="id_transfer-owner"' in page


def test_the_draft_comes_back_after_hand_over_and_status_change_until_saved(
    user_client, member, lead, incident
):
    c = user_client(member)
    url = f"/incidents/ops/{incident.pk}/"
    response = c.post(url + "transfer/", {"body": DRAFT, "transfer-owner": "lead"})
    assert response.status_code == 302
    assert box(c.get(url)) == DRAFT
    rendered = c.get(url).content.decode()
    assert html.escape(DRAFT) in rendered

    response = c.post(url + "status/", {"body": DRAFT, "status-status": "investigating"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.owner, incident.status) == (lead, "investigating")
    assert box(c.get(url)) == DRAFT
    assert box(c.get(url)) == DRAFT  # a reload still has it

    # A refused status change shows its error with the text still in the box.
    response = c.post(url + "status/", {"body": DRAFT + "more", "status-status": "resolved"})
    assert response.status_code == 400
    assert "Resolving needs a resolution note." in response.content.decode()
    assert box(response) == DRAFT + "more"

    # Adding an action item or linking a known issue keeps it too.
    kb = KnowledgeEntryFactory(team=incident.team)
    c.post(url + "action-items/", {"body": DRAFT, "title": "Post-mortem"})
    c.post(url + "knowledge/", {"body": DRAFT, "entry": kb.pk})
    assert ActionItem.objects.filter(incident=incident).count() == 1
    assert incident.knowledge_entries.get() == kb
    assert box(c.get(url)) == DRAFT

    # Saving the entry ends the draft.
    c.post(url + "entries/", {"body": DRAFT})
    assert TimelineEntry.objects.filter(kind="note").get().body == DRAFT.strip()
    assert box(c.get(url)) == ""


def test_emptying_the_box_drops_the_draft_and_drafts_are_per_incident_and_person(
    user_client, member, lead, team, incident
):
    other = incidents.incident_open(team=team, title="Other", kind="on_demand", created_by=member)
    c = user_client(member)
    url = f"/incidents/ops/{incident.pk}/"
    c.post(url + "status/", {"body": DRAFT, "status-status": "investigating"})
    assert box(c.get(other.get_absolute_url())) == ""
    assert box(user_client(lead).get(url)) == ""
    c = user_client(member)
    c.post(url + "status/", {"body": "  ", "status-status": "mitigated"})
    assert box(c.get(url)) == ""
