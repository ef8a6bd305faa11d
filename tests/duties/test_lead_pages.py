"""A lead keeps a rotation's duty list and the team's access checklist through the web
pages: who may see and write what, add/edit/delete, nothing typed lost, constant query
counts."""

import pytest

from duties import services
from duties.models import AccessRequirement, Duty
from tests.duties.factories import crew, duty, weekly
from tests.meetings.factories import make_series

DUTY_FORM = {
    "title": "Watch #wmcore-support",
    "instructions": "See [the dashboard](https://monit.example.org/)",
    "cadence": Duty.Cadence.DAILY_WORKING_DAYS,
    "meeting_series": "",
    "position": "2",
    "is_active": "on",
}
REQUIREMENT_FORM = {
    "title": "CERN account",
    "instructions": "Ask the [service desk](https://cern.example.org/).",
    "required": "on",
    "position": "1",
}


@pytest.fixture
def rot(team, member, lead):
    rotation, _ = weekly(team, [member, lead])
    return rotation


@pytest.fixture
def support(rot):
    return duty(rot, instructions="Answer within the hour.")


@pytest.fixture
def requirement(team):
    return services.access_requirement_create(team=team, title="Grid certificate")


@pytest.fixture
def elsewhere(outsider):
    """A rotation, a duty and a checklist item of another team."""
    other_team = outsider.memberships.get().team
    rotation, _ = weekly(other_team, [outsider])
    item = services.access_requirement_create(team=other_team, title="VOMS role")
    return rotation, duty(rotation), item


def duties_url(rotation):
    return f"/duties/ops/rotations/{rotation.pk}/"


def duty_edit_url(duty_):
    return f"/duties/ops/duties/{duty_.pk}/edit/"


def duty_delete_url(duty_):
    return f"/duties/ops/duties/{duty_.pk}/delete/"


def requirement_edit_url(item):
    return f"/duties/ops/access/{item.pk}/edit/"


def requirement_delete_url(item):
    return f"/duties/ops/access/{item.pk}/delete/"


ADD_REQUIREMENT_URL = "/duties/ops/access/add/"


# --- Who may do what -------------------------------------------------------------------


def test_members_read_the_duty_list_and_leads_see_the_forms(user_client, rot, support, member):
    page = user_client(member).get(duties_url(rot)).content.decode()
    assert support.title in page
    assert "Answer within the hour." in page
    assert "Daily on working days" in page
    assert 'id="duty-add-form"' not in page
    assert duty_edit_url(support) not in page


def test_a_lead_sees_the_add_form_and_the_edit_and_delete_links(user_client, rot, support, lead):
    page = user_client(lead).get(duties_url(rot)).content.decode()
    assert 'id="duty-add-form"' in page
    assert duty_edit_url(support) in page
    assert duty_delete_url(support) in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "duties"),
        ("get", "duty-edit"),
        ("post", "duty-edit"),
        ("get", "duty-delete"),
        ("post", "duty-delete"),
        ("post", "requirement-add"),
        ("get", "requirement-edit"),
        ("post", "requirement-edit"),
        ("get", "requirement-delete"),
        ("post", "requirement-delete"),
    ],
)
def test_lead_only_pages_and_posts(
    client, user_client, rot, support, requirement, member, outsider, method, url
):
    target = {
        "duties": duties_url(rot),
        "duty-edit": duty_edit_url(support),
        "duty-delete": duty_delete_url(support),
        "requirement-add": ADD_REQUIREMENT_URL,
        "requirement-edit": requirement_edit_url(requirement),
        "requirement-delete": requirement_delete_url(requirement),
    }[url]
    data = {**DUTY_FORM, **REQUIREMENT_FORM, "title": "Changed"} if method == "post" else None

    anonymous = getattr(client, method)(target, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert getattr(user_client(outsider), method)(target, data).status_code == 404
    assert getattr(user_client(member), method)(target, data).status_code == 403
    assert Duty.objects.get(pk=support.pk).title == support.title
    assert AccessRequirement.objects.get(pk=requirement.pk).title == requirement.title


def test_the_duty_list_for_strangers_and_anonymous(client, user_client, rot, outsider):
    assert user_client(outsider).get(duties_url(rot)).status_code == 404
    client.logout()
    response = client.get(duties_url(rot))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_teams_rotation_duty_and_item_are_not_found(user_client, lead, elsewhere):
    rotation, their_duty, their_item = elsewhere
    client = user_client(lead)
    assert client.get(duties_url(rotation)).status_code == 404
    assert client.post(duties_url(rotation), DUTY_FORM).status_code == 404
    assert client.get(duty_edit_url(their_duty)).status_code == 404
    assert client.post(duty_edit_url(their_duty), DUTY_FORM).status_code == 404
    assert client.post(duty_delete_url(their_duty)).status_code == 404
    assert client.post(requirement_edit_url(their_item), REQUIREMENT_FORM).status_code == 404
    assert client.post(requirement_delete_url(their_item)).status_code == 404
    assert Duty.objects.filter(pk=their_duty.pk, title=their_duty.title).exists()
    assert AccessRequirement.objects.filter(pk=their_item.pk).exists()
    assert Duty.objects.filter(rotation=rotation).count() == 1


# --- Duties: add, edit, delete -----------------------------------------------------------


def test_a_lead_adds_edits_and_deletes_a_duty(user_client, team, rot, lead):
    series = make_series(team)
    client = user_client(lead)
    response = client.post(duties_url(rot), DUTY_FORM)
    assert response.status_code == 302
    assert response["Location"] == duties_url(rot)
    added = Duty.objects.get(rotation=rot)
    assert added.title == DUTY_FORM["title"]
    assert added.cadence == Duty.Cadence.DAILY_WORKING_DAYS
    assert added.position == 2
    assert added.is_active
    assert not added.expert_only

    edit_page = client.get(duty_edit_url(added)).content.decode()
    assert 'value="Watch #wmcore-support"' in edit_page
    changed = {
        **DUTY_FORM,
        "title": "Report at the weekly",
        "cadence": Duty.Cadence.AT_MEETING,
        "meeting_series": str(series.pk),
        "expert_only": "on",
        "is_active": "",
    }
    response = client.post(duty_edit_url(added), changed)
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.title, added.cadence, added.meeting_series) == (
        "Report at the weekly",
        Duty.Cadence.AT_MEETING,
        series,
    )
    assert added.expert_only
    assert not added.is_active
    page = client.get(duties_url(rot)).content.decode()
    assert "WMCore weekly" in page
    assert "expert only" in page

    confirm = client.get(duty_delete_url(added)).content.decode()
    assert "Report at the weekly" in confirm
    assert Duty.objects.filter(pk=added.pk).exists()
    response = client.post(duty_delete_url(added))
    assert response.status_code == 302
    assert response["Location"] == duties_url(rot)
    assert not Duty.objects.filter(pk=added.pk).exists()


def test_a_series_of_another_team_is_no_choice(user_client, rot, lead, outsider):
    theirs = make_series(outsider.memberships.get().team, title="Their weekly")
    client = user_client(lead)
    assert "Their weekly" not in client.get(duties_url(rot)).content.decode()
    data = {**DUTY_FORM, "cadence": Duty.Cadence.AT_MEETING, "meeting_series": str(theirs.pk)}
    response = client.post(duties_url(rot), data)
    assert response.status_code == 400
    assert not Duty.objects.filter(rotation=rot).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"cadence": Duty.Cadence.AT_MEETING}, "meeting_series", "Say which meeting series"),
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"position": "-1"}, "position", "greater than or equal to 0"),
    ],
)
def test_a_bad_duty_keeps_every_typed_value(user_client, rot, lead, change, field, message):
    typed = {**DUTY_FORM, "instructions": 'Step 1: <check> & "see" the queue', **change}
    response = user_client(lead).post(duties_url(rot), typed)
    assert response.status_code == 400
    assert not Duty.objects.filter(rotation=rot).exists()
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    page = response.content.decode()
    assert message in page
    assert "Step 1: &lt;check&gt; &amp; &quot;see&quot; the queue</textarea>" in page
    for name in ("title", "position"):
        assert f'value="{typed[name]}"' in page or typed[name] == ""
    assert f'<option value="{typed["cadence"]}" selected>' in page
    assert 'name="is_active" id="id_is_active" checked' in page


def test_a_bad_edit_keeps_every_typed_value_and_changes_nothing(user_client, rot, support, lead):
    typed = {**DUTY_FORM, "title": "Report at the weekly", "cadence": Duty.Cadence.AT_MEETING}
    response = user_client(lead).post(duty_edit_url(support), typed)
    assert response.status_code == 400
    assert "Say which meeting series" in response.context["form"].errors["meeting_series"][0]
    page = response.content.decode()
    assert 'value="Report at the weekly"' in page
    assert f'<option value="{Duty.Cadence.AT_MEETING}" selected>' in page
    support.refresh_from_db()
    assert support.title == "Watch #wmcore-support"
    assert support.cadence == Duty.Cadence.DAILY_WORKING_DAYS


# --- The access checklist: add, edit, delete -------------------------------------------


def test_the_checklist_shows_the_item_forms_to_a_lead_only(user_client, requirement, lead, member):
    lead_page = user_client(lead).get("/duties/ops/access/").content.decode()
    assert 'id="requirement-add-form"' in lead_page
    assert requirement_edit_url(requirement) in lead_page
    assert requirement_delete_url(requirement) in lead_page
    member_page = user_client(member).get("/duties/ops/access/").content.decode()
    assert requirement.title in member_page
    assert 'id="requirement-add-form"' not in member_page
    assert requirement_edit_url(requirement) not in member_page


def test_a_lead_adds_edits_and_deletes_a_checklist_item(user_client, team, lead):
    client = user_client(lead)
    response = client.post(ADD_REQUIREMENT_URL, REQUIREMENT_FORM)
    assert response.status_code == 302
    assert response["Location"] == "/duties/ops/access/"
    item = AccessRequirement.objects.get(team=team)
    assert (item.title, item.required, item.position) == ("CERN account", True, 1)
    assert 'href="https://cern.example.org/"' in client.get("/duties/ops/access/").content.decode()

    assert 'value="CERN account"' in client.get(requirement_edit_url(item)).content.decode()
    changed = {**REQUIREMENT_FORM, "title": "CERN computing account", "required": ""}
    assert client.post(requirement_edit_url(item), changed).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.required) == ("CERN computing account", False)

    assert "CERN computing account" in client.get(requirement_delete_url(item)).content.decode()
    assert client.post(requirement_delete_url(item)).status_code == 302
    assert not AccessRequirement.objects.filter(team=team).exists()


def test_a_duplicate_item_keeps_every_typed_value(user_client, requirement, lead):
    typed = {**REQUIREMENT_FORM, "title": requirement.title, "instructions": "Ask <Maria> & co"}
    response = user_client(lead).post(ADD_REQUIREMENT_URL, typed)
    assert response.status_code == 400
    errors = response.context["requirement_form"].errors
    assert list(errors) == ["title"]
    page = response.content.decode()
    assert "The checklist already has an item with this title." in page
    assert f'value="{requirement.title}"' in page
    assert "Ask &lt;Maria&gt; &amp; co</textarea>" in page
    assert 'name="position" value="1"' in page
    assert AccessRequirement.objects.count() == 1


def test_a_bad_item_edit_keeps_every_typed_value(user_client, team, requirement, lead):
    services.access_requirement_create(team=team, title="CERN account")
    typed = {**REQUIREMENT_FORM, "instructions": "Typed with care"}
    response = user_client(lead).post(requirement_edit_url(requirement), typed)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["title"]
    page = response.content.decode()
    assert 'value="CERN account"' in page
    assert "Typed with care</textarea>" in page
    requirement.refresh_from_db()
    assert requirement.title == "Grid certificate"


# --- Links and query counts --------------------------------------------------------------


def test_the_shift_page_links_the_duty_list(user_client, team, member, lead):
    rotation, shift = weekly(team, [member, lead])
    page = user_client(member).get(shift.get_absolute_url()).content.decode()
    assert f'href="{duties_url(rotation)}"' in page


@pytest.mark.parametrize("size", [2, 8])
def test_the_duty_list_costs_a_constant_number_of_queries(
    user_client, django_assert_num_queries, team, rot, lead, size
):
    crew(team)
    series = make_series(team)
    for position in range(size):
        duty(rot, f"Duty {position}", position=position, expert_only=bool(position % 2))
        duty(rot, f"Meeting duty {position}", Duty.Cadence.AT_MEETING, meeting_series=series)
    make_series(team, title="Another series")
    client = user_client(lead)
    # session, user, the viewer's zone (two), access, rotation, its participants, the
    # duties, the series choices
    with django_assert_num_queries(9):
        response = client.get(duties_url(rot))
    assert response.content.decode().count('<tr id="duty-') == 2 * size
