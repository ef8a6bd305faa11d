import datetime as dt

import pytest
import time_machine

from incidents.models import ActionItem, Incident, KnowledgeEntry, SupportRequest, TimelineEntry
from incidents.services import incidents
from teams.models import Membership, Team
from tests.incidents.factories import (
    ActionItemFactory,
    ComponentFactory,
    KnowledgeEntryFactory,
    SupportRequestFactory,
)

UTC = dt.UTC
WHO = ["outsider", "member", "lead"]


@pytest.fixture
def incident(team, member):
    return incidents.incident_open(
        team=team, title="Backlog", kind="system_failure", created_by=member
    )


@pytest.fixture
def as_who(user_client, lead, member, outsider):
    users = {"lead": lead, "member": member, "outsider": outsider}
    return lambda who: user_client(users[who])


def pages(incident, team):
    kb = KnowledgeEntryFactory(team=team)
    support = SupportRequestFactory(team=team)
    item = ActionItemFactory(team=team)
    return {
        "/incidents/ops/": "read",
        "/incidents/ops/new/": "write",
        f"/incidents/ops/{incident.pk}/": "read",
        f"/incidents/ops/{incident.pk}/edit/": "write",
        "/incidents/ops/components/": "read",
        "/incidents/ops/support/": "read",
        "/incidents/ops/support/new/": "write",
        f"/incidents/ops/support/{support.pk}/": "write",
        "/incidents/ops/action-items/": "read",
        f"/incidents/ops/action-items/{item.pk}/": "write",
        "/incidents/ops/kb/": "read",
        "/incidents/ops/kb/new/": "write",
        f"/incidents/ops/kb/{kb.pk}/": "read",
        f"/incidents/ops/kb/{kb.pk}/edit/": "write",
    }


def test_pages_need_login_and_outsiders_get_404(client, as_who, incident, team):
    for url in pages(incident, team):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")
    for who in WHO:
        c = as_who(who)
        for url in pages(incident, team):
            assert c.get(url).status_code == (404 if who == "outsider" else 200), (who, url)
    for url in ("/incidents/", "/incidents/~mine/"):
        assert as_who("outsider").get(url).status_code == 200


def test_internal_team_pages_are_readable_by_others_but_not_writable(as_who, incident, team):
    Team.objects.filter(pk=team.pk).update(visibility=Team.Visibility.INTERNAL)
    c = as_who("outsider")
    for url, access in pages(incident, team).items():
        assert c.get(url).status_code == (200 if access == "read" else 404), url
    page = c.get(f"/incidents/ops/{incident.pk}/").content.decode()
    assert "read only" in page
    assert 'id="entry-form"' not in page
    response = c.post(f"/incidents/ops/{incident.pk}/entries/", {"body": "Sneaky"})
    assert response.status_code == 404
    assert incident.timeline.count() == 1


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/incidents/ops/new/", {"title": "x", "kind": "on_demand", "severity": "low"}),
        ("/incidents/ops/{pk}/entries/", {"body": "note"}),
        ("/incidents/ops/{pk}/status/", {"status-status": "investigating"}),
        ("/incidents/ops/{pk}/transfer/", {"transfer-owner": "lead"}),
        ("/incidents/ops/support/new/", {"asked_by": "x", "channel": "slack", "question": "?"}),
        ("/incidents/ops/action-items/new/", {"title": "x"}),
        ("/incidents/ops/kb/new/", {"title": "x", "symptom": "y"}),
        ("/incidents/ops/components/", {"name": "JobAccountant"}),
    ],
)
@pytest.mark.parametrize("who", WHO)
def test_write_matrix(as_who, incident, who, url, data):
    response = as_who(who).post(url.format(pk=incident.pk), data)
    assert response.status_code == (404 if who == "outsider" else 302)


def test_log_incident_with_the_full_form_and_bad_input(as_who, team):
    ComponentFactory(team=team, name="JobAccountant")
    c = as_who("member")
    bad = {
        "title": "Backlog",
        "kind": "system_failure",
        "severity": "high",
        "owner": "outsider",
        "started_at": "2026-03-02T10:00",
        "detected_at": "2026-03-02T09:00",
        "links": "not a url",
    }
    response = c.post("/incidents/ops/new/", bad)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"owner", "links"}
    bad |= {"owner": "lead", "links": "https://grafana.example.org/d/1"}
    response = c.post("/incidents/ops/new/", bad)
    assert "The start must not be after the detection." in response.content.decode()
    assert not Incident.objects.exists()
    good = bad | {"started_at": "2026-03-02T08:00"}
    response = c.post("/incidents/ops/new/", good)
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    assert incident.owner.username == "lead"
    # Entered in the viewer's zone (Zurich, UTC+1 in March).
    assert incident.detected_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert incident.links == ["https://grafana.example.org/d/1"]


def test_quick_add_logs_and_opens_the_incident(as_who):
    response = as_who("member").post(
        "/incidents/ops/new/",
        {"quick": "1", "title": "P&R: stuck workflows", "kind": "on_demand", "severity": "medium",
         "reporter_team": "P&R"},
    )  # fmt: skip
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    assert incident.reporter_team == "P&R"
    assert incident.owner.username == "member"


def test_resolve_without_note_shows_the_error_and_changes_nothing(as_who, incident):
    response = as_who("member").post(
        f"/incidents/ops/{incident.pk}/status/", {"status-status": "resolved", "status-note": ""}
    )
    assert response.status_code == 400
    assert "Resolving needs a resolution note." in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "open"


def test_timeline_entry_with_htmx_returns_the_fragment(as_who, incident):
    c = as_who("member")
    response = c.post(
        f"/incidents/ops/{incident.pk}/entries/", {"body": "Found **it**."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="timeline"' in html
    assert "<strong>it</strong>" in html
    assert "<html" not in html
    response = c.post(
        f"/incidents/ops/{incident.pk}/entries/", {"body": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert incident.timeline.count() == 2


def test_edit_entry_keeps_history_and_only_the_author_edits(as_who, incident, member):
    entry = incidents.timeline_entry_add(incident=incident, author=member, body="First.")
    url = f"/incidents/ops/{incident.pk}/entries/{entry.pk}/edit/"
    assert as_who("lead").get(url).status_code == 403
    response = as_who("member").post(url, {"body": "Second."})
    assert response.status_code == 302
    page = as_who("member").get(f"/incidents/ops/{incident.pk}/").content.decode()
    assert "Edit history (1)" in page
    assert "First." in page


def test_transfer_and_promote(as_who, incident, member, lead):
    c = as_who("member")
    url = f"/incidents/ops/{incident.pk}/"
    c.post(url + "transfer/", {"transfer-owner": "lead", "transfer-note": "Yours now."})
    incident.refresh_from_db()
    assert incident.owner == lead
    response = c.post(url + "transfer/", {"transfer-owner": "outsider"})
    assert response.status_code == 400
    c.post(url + "status/", {"status-status": "resolved", "status-note": "Restarted."})
    response = c.post(f"/incidents/ops/{incident.pk}/promote/")
    entry = KnowledgeEntry.objects.get()
    assert response.url == f"/incidents/ops/kb/{entry.pk}/edit/"
    assert entry.mitigation == "Restarted."


def test_action_items_quick_add_htmx_filters_and_overdue_highlight(as_who, team, member, lead):
    c = as_who("member")
    response = c.post(
        "/incidents/ops/action-items/new/",
        {"title": "Open the issue", "owner": "member", "due_on": "2020-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'class="overdue' in response.content.decode()
    response = c.post(
        "/incidents/ops/action-items/new/",
        {"title": "x", "owner": "outsider"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "Owner:" in response.content.decode()
    ActionItemFactory(team=team, owner=lead, title="Lead's thing", source="meeting")
    assert "Lead&#x27;s thing" not in c.get("/incidents/ops/action-items/?mine=on").content.decode()
    assert "Open the issue" in c.get("/incidents/ops/action-items/?overdue=on").content.decode()
    assert (
        "Open the issue"
        not in c.get("/incidents/ops/action-items/?source=meeting").content.decode()
    )
    item = ActionItem.objects.get(title="Open the issue")
    response = c.post(f"/incidents/ops/action-items/{item.pk}/status/", {"status": "done"})
    item.refresh_from_db()
    assert item.status == "done"


def test_dashboard_panel_and_my_items(as_who, team, member, incident):
    ActionItemFactory(team=team, owner=member, title="Late thing", due_on=dt.date(2020, 1, 1))
    html = as_who("member").get("/").content.decode()
    assert 'id="incidents-panel"' in html
    assert "Late thing" in html
    assert "overdue" in html
    assert "Backlog" in html


def test_support_page_shows_response_times(as_who, team):
    with time_machine.travel(dt.datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False):
        SupportRequestFactory(
            team=team,
            asked_at=dt.datetime(2026, 11, 18, 9, tzinfo=UTC),
            first_response_at=dt.datetime(2026, 11, 18, 10, 5, tzinfo=UTC),
        )
        html = as_who("member").get("/incidents/ops/support/").content.decode()
    assert "1 h 05 min" in html
    assert "2026-W47" in html


def test_kb_search_and_expert_only(as_who, team, member):
    KnowledgeEntryFactory(team=team, title="JobAccountant stuck", symptom="Backlog grows")
    KnowledgeEntryFactory(team=team, title="Rucio token", symptom="401", expert_only=True)
    c = as_who("member")
    html = c.get("/incidents/ops/kb/?q=backlog").content.decode()
    assert "JobAccountant stuck" in html
    assert "Rucio token" not in html
    entry = KnowledgeEntry.objects.get(title="Rucio token")
    response = c.post(
        f"/incidents/ops/kb/{entry.pk}/edit/", {"title": "Rucio token", "symptom": "x"}, follow=True
    )
    assert "only experts and leads may edit it" in response.content.decode()
    entry.refresh_from_db()
    assert entry.symptom == "401"
    Membership.objects.filter(user=member).update(role=Membership.Role.EXPERT)
    response = c.post(
        f"/incidents/ops/kb/{entry.pk}/edit/",
        {"title": "Rucio token", "symptom": "x", "expert_only": "on"},
    )
    assert response.status_code == 302


def test_support_request_form_bad_times(as_who):
    response = as_who("member").post(
        "/incidents/ops/support/new/",
        {"asked_by": "x", "channel": "slack", "question": "?", "asked_at": "2026-03-02T10:00",
         "first_response_at": "2026-03-02T09:00"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "must not be before the question" in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not TimelineEntry.objects.exists()


def test_incident_list_pages_keep_the_filters(as_who, team, member):
    from tests.incidents.factories import IncidentFactory

    for i in range(55):
        IncidentFactory(team=team, title=f"Failure {i:02d}", kind="system_failure")
    IncidentFactory(team=team, title="Other kind", kind="on_demand")
    c = as_who("member")
    html = c.get("/incidents/ops/?kind=system_failure").content.decode()
    assert "Page 1 of 2 (55 in all)" in html
    assert "?kind=system_failure&amp;page=2" in html
    html = c.get("/incidents/ops/?kind=system_failure&page=2").content.decode()
    assert html.count('class="badge kind-system_failure"') == 5
    assert "Other kind" not in html


def test_action_items_list_open_first_then_by_due_date(as_who, team):
    done = ActionItemFactory(
        team=team, title="Done early", status="done", due_on=dt.date(2020, 1, 1)
    )
    undated = ActionItemFactory(team=team, title="Undated")
    soon = ActionItemFactory(team=team, title="Soon", due_on=dt.date(2030, 1, 1))
    late = ActionItemFactory(team=team, title="Late", due_on=dt.date(2020, 1, 2))
    page = as_who("member").get("/incidents/ops/action-items/")
    assert list(page.context["page_obj"]) == [late, soon, undated, done]
