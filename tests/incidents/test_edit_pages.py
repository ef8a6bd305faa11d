"""An edit page opens only for someone whose save would be accepted (issue 10): nobody
types into a form that is refused when they press Save."""

import pytest

from incidents.models import ActionItem, Incident, KnowledgeEntry, SupportRequest, TimelineEntry
from incidents.services import incidents
from teams.models import Membership, Team
from tests.incidents.factories import (
    ActionItemFactory,
    KnowledgeEntryFactory,
    SupportRequestFactory,
)
from tests.teams.factories import MembershipFactory

WHO = ["author", "colleague", "expert", "lead", "reader"]


@pytest.fixture
def people(team, member, lead):
    """`author` wrote the note; `reader` reads the team (open to all users) but is no member."""
    Team.objects.filter(pk=team.pk).update(visibility=Team.Visibility.INTERNAL)
    return {
        "author": member,
        "colleague": MembershipFactory(team=team, user__username="colleague").user,
        "expert": MembershipFactory(
            team=team, role=Membership.Role.EXPERT, user__username="expert"
        ).user,
        "lead": lead,
        "reader": MembershipFactory(user__username="reader").user,
    }


@pytest.fixture
def records(team, people):
    incident = incidents.incident_open(
        team=team, title="Backlog", kind="system_failure", created_by=people["author"]
    )
    note = incidents.timeline_entry_add(incident=incident, author=people["author"], body="Saw it.")
    return {
        "incident": incident,
        "note": note,
        "support": SupportRequestFactory(team=team),
        "action": ActionItemFactory(team=team),
        "kb": KnowledgeEntryFactory(team=team),
        "expert_kb": KnowledgeEntryFactory(team=team, expert_only=True),
    }


# page, its URL, what a save posts, whether the save went in, and who may use it
EVERYONE = {"author", "colleague", "expert", "lead"}
PAGES = {
    "incident edit": (
        "/incidents/ops/{incident}/edit/",
        {"title": "Edited", "kind": "system_failure", "severity": "medium"},
        lambda r: Incident.objects.filter(title="Edited").exists(),
        EVERYONE,
    ),
    "incident create": (
        "/incidents/ops/new/",
        {"title": "Edited", "kind": "on_demand", "severity": "low"},
        lambda r: Incident.objects.filter(title="Edited").exists(),
        EVERYONE,
    ),
    "timeline entry edit": (
        "/incidents/ops/{incident}/entries/{note}/edit/",
        {"body": "Edited"},
        lambda r: TimelineEntry.objects.filter(body="Edited").exists(),
        {"author"},
    ),
    "support request edit": (
        "/incidents/ops/support/{support}/",
        {"asked_by": "Edited", "channel": "slack", "question": "?"},
        lambda r: SupportRequest.objects.filter(asked_by="Edited").exists(),
        EVERYONE,
    ),
    "support request create": (
        "/incidents/ops/support/new/",
        {"asked_by": "Edited", "channel": "slack", "question": "?"},
        lambda r: SupportRequest.objects.filter(asked_by="Edited").exists(),
        EVERYONE,
    ),
    "action item edit": (
        "/incidents/ops/action-items/{action}/",
        {"title": "Edited", "status": "open"},
        lambda r: ActionItem.objects.filter(title="Edited").exists(),
        EVERYONE,
    ),
    "knowledge entry create": (
        "/incidents/ops/kb/new/",
        {"title": "Edited", "symptom": "y"},
        lambda r: KnowledgeEntry.objects.filter(title="Edited").exists(),
        EVERYONE,
    ),
    "knowledge entry edit": (
        "/incidents/ops/kb/{kb}/edit/",
        {"title": "Edited", "symptom": "y"},
        lambda r: KnowledgeEntry.objects.filter(title="Edited").exists(),
        EVERYONE,
    ),
    "expert-only knowledge entry edit": (
        "/incidents/ops/kb/{expert_kb}/edit/",
        {"title": "Edited", "symptom": "y", "expert_only": "on"},
        lambda r: KnowledgeEntry.objects.filter(title="Edited", expert_only=True).exists(),
        {"expert", "lead"},
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", PAGES)
def test_an_edit_page_opens_exactly_for_those_whose_save_is_accepted(
    user_client, people, records, name, who
):
    path, data, saved, allowed = PAGES[name]
    url = path.format(**{key: record.pk for key, record in records.items()})
    c = user_client(people[who])
    opened = c.get(url)
    if who in allowed:
        assert opened.status_code == 200
        assert '<form method="post"' in opened.content.decode()
    else:
        assert opened.status_code in (302, 403, 404)
    response = c.post(url, data)
    assert saved(records) is (who in allowed)
    assert response.status_code in ((302,) if who in allowed else (302, 403, 404))


def test_expert_only_edit_page_sends_a_member_back_with_a_clear_message(
    user_client, people, records
):
    entry = records["expert_kb"]
    response = user_client(people["colleague"]).get(
        f"/incidents/ops/kb/{entry.pk}/edit/", follow=True
    )
    assert response.redirect_chain == [(entry.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "This is an expert-only procedure: only experts and leads may edit it." in html
    assert 'name="symptom"' not in html


@pytest.mark.parametrize(
    ("who", "entry", "link"),
    [
        ("colleague", "expert_kb", False),
        ("reader", "expert_kb", False),
        ("reader", "kb", False),
        ("colleague", "kb", True),
        ("expert", "expert_kb", True),
        ("lead", "expert_kb", True),
    ],
)
def test_knowledge_entry_shows_the_edit_link_only_to_who_may_edit(
    user_client, people, records, who, entry, link
):
    pk = records[entry].pk
    html = user_client(people[who]).get(f"/incidents/ops/kb/{pk}/").content.decode()
    assert (f'href="/incidents/ops/kb/{pk}/edit/"' in html) is link


@pytest.mark.parametrize(("who", "link"), [("author", True), ("colleague", False)])
def test_timeline_note_shows_the_edit_link_only_to_its_author(
    user_client, people, records, who, link
):
    incident, note = records["incident"], records["note"]
    html = user_client(people[who]).get(incident.get_absolute_url()).content.decode()
    assert (f"/entries/{note.pk}/edit/" in html) is link


@pytest.mark.parametrize("path", ["/incidents/ops/kb/new/", "/incidents/ops/kb/{kb}/edit/"])
def test_a_member_cannot_tick_expert_only_so_is_never_refused_for_it(
    user_client, people, records, path
):
    url = path.format(kb=records["kb"].pk)
    c = user_client(people["colleague"])
    form = c.get(url).context["form"]
    assert form.fields["expert_only"].disabled
    assert "disabled" in str(form["expert_only"])
    response = c.post(url, {"title": "Typed", "symptom": "Long text", "expert_only": "on"})
    assert response.status_code == 302  # saved, not refused; the box stays as it was
    assert KnowledgeEntry.objects.get(title="Typed").expert_only is False
    expert_form = user_client(people["expert"]).get(url).context["form"]
    assert not expert_form.fields["expert_only"].disabled
