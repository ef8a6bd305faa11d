"""The live report page grows with its items only (one owner list for every row, owners
taken by username or id), and an autosave carries only the parts that changed, with the
versions of the others, at a fixed number of queries."""

import datetime as dt
import json

import pytest

from incidents.models import ActionItem
from meetings.services import reports
from tests.meetings.factories import make_series, meeting_on
from tests.meetings.htmlform import form_fields, only_changed
from tests.teams.factories import MembershipFactory

MONDAY = dt.date(2027, 3, 22)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def report(team, lead, member):
    return reports.report_open(
        meeting=meeting_on(make_series(team, contact=lead), MONDAY), user=member
    )


def _fill(report, member, topics):
    for number in range(topics):
        topic = reports.topic_add(report=report, user=member, title=f"Topic {number}")
        for item in range(2):
            reports.topic_action_item_add(
                topic=topic, user=member, title=f"Item {number}.{item}", owner=member
            )


def _url(report):
    return f"/meetings/{report.meeting_id}/report/"


def _refused(response):
    return json.loads(response["HX-Trigger"])["editor-saved"]["errors"]


@pytest.mark.parametrize("members", [2, 30])
def test_the_page_lists_the_owners_once_whatever_the_items(
    user_client, team, member, report, members
):
    for _ in range(members):
        MembershipFactory(team=team)
    _fill(report, member, 10)
    page = user_client(member).get(_url(report)).content.decode()
    active = team.memberships.filter(is_active=True).count()
    assert page.count('<datalist id="report-owners">') == 1
    owners = page.split('<datalist id="report-owners">')[1].split("</datalist>")[0]
    assert owners.count("<option") == active
    # Apart from the owner list, only the 4 replies of each of the 10 topics.
    assert page.count("<option") == active + 10 * 4
    first = ActionItem.objects.order_by("pk").first()
    assert f'name="item-{first.pk}-owner" value="member" list="report-owners"' in page


@pytest.mark.parametrize("given", ["name", "id"])
def test_an_owner_is_taken_by_username_or_id(user_client, team, member, lead, report, given):
    _fill(report, member, 1)
    item = ActionItem.objects.order_by("pk").first()
    client = user_client(member)
    fields = form_fields(client.get(_url(report)).content.decode())
    fields[f"item-{item.pk}-owner"] = ["lead" if given == "name" else str(lead.pk)]
    response = client.post(f"{_url(report)}autosave/", fields, **HTMX)
    assert response.status_code == 200
    assert _refused(response) == {}
    item.refresh_from_db()
    assert item.owner == lead


def test_an_owner_who_is_not_a_member_is_refused_at_that_field(
    user_client, member, outsider, report
):
    _fill(report, member, 1)
    item = ActionItem.objects.order_by("pk").first()
    client = user_client(member)
    fields = form_fields(client.get(_url(report)).content.decode())
    fields[f"item-{item.pk}-owner"] = ["outsider"]
    fields[f"item-{item.pk}-title"] = ["Renamed"]
    response = client.post(f"{_url(report)}autosave/", fields, **HTMX)
    assert _refused(response) == {
        f"item-{item.pk}-owner": "An owner must be an active member of the team."
    }
    item.refresh_from_db()
    assert (item.title, item.owner) == ("Renamed", member)


@pytest.mark.parametrize("topics", [3, 50])
def test_an_autosave_of_one_topic_costs_the_same_queries_whatever_the_report(
    user_client, member, report, topics, django_assert_num_queries
):
    _fill(report, member, topics)
    client = user_client(member)
    fields = form_fields(client.get(_url(report)).content.decode())
    first = fields["topic"][0]
    sent = only_changed(fields, first)
    sent[f"topic-{first}-discussion"] = ["Typed"]
    # session, user, viewer zone (2); the report, the caller's role (2); in the save
    # (savepoint and release: 2): the report, topics and items locked (3), two updates,
    # the revision (the last one with the count, insert: 2). The owners are unchanged
    # (no lookup), the revision's snapshot and the answer come from the rows the save
    # holds (no query).
    with django_assert_num_queries(15):
        response = client.post(f"{_url(report)}autosave/", sent, **HTMX)
    assert response.status_code == 200
    assert report.topics.get(pk=first).discussion == "Typed"


def test_a_part_sent_as_its_version_only_is_reported_if_someone_else_changed_it(
    user_client, member, lead, report
):
    _fill(report, member, 2)
    url = _url(report)
    mine = form_fields(user_client(member).get(url).content.decode())
    first, second = mine["topic"]
    theirs = form_fields(user_client(lead).get(url).content.decode())
    theirs[f"topic-{second}-title"] = ["Renamed by lead"]
    theirs["attendees"] = ["lead"]
    assert user_client(lead).post(f"{url}autosave/", theirs, **HTMX).status_code == 200

    sent = only_changed(mine, first)
    sent[f"topic-{first}-title"] = ["Mine"]
    response = user_client(member).post(f"{url}autosave/", sent, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Changed by someone else since you opened this page: " in body
    assert "Attendees and notes, Renamed by lead" in body
    assert report.topics.get(pk=first).title == "Mine"
    assert report.topics.get(pk=second).title == "Renamed by lead"
    report.refresh_from_db()
    assert report.attendees == "lead"
