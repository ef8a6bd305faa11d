"""Nothing typed into the live report editor is lost (issue 10 §1): a bad value is an
error at its field while the rest is saved, a filled-in new action item is saved once
however often it is sent, a conflict does not swallow Enter, revisions can be restored,
a published report can be corrected (and re-sent once), and publishing says who was
emailed."""

import datetime as dt
import json

import pytest

from incidents.models import ActionItem
from meetings.models import MeetingReport, ReportRevision, Topic
from meetings.services import report_editor, reports, revisions
from outbox.models import OutboundEmail
from tests.meetings.factories import make_series, meeting_on
from tests.meetings.htmlform import form_fields
from tests.teams.factories import MembershipFactory

MONDAY = dt.date(2027, 3, 22)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(team, lead):
    return meeting_on(make_series(team, contact=lead), MONDAY)


@pytest.fixture
def report(meeting, member):
    return reports.report_open(meeting=meeting, user=member)


@pytest.fixture
def topic(report, member):
    return reports.topic_add(report=report, user=member, title="Draining")


def _url(report):
    return f"/meetings/{report.meeting_id}/report/"


def _refused(response):
    """The fields the editor is told were not saved (the `editor-saved` event)."""
    return json.loads(response["HX-Trigger"])["editor-saved"]["errors"]


def _item(topic, member, **fields):
    return reports.topic_action_item_add(topic=topic, user=member, title="Drain", **fields)


# --- a bad value: an error at its field, the rest saved ------------------------------------


@pytest.mark.parametrize("typed", ["14/12/2026", "14.12.2026", "14-12-2026", "2026-12-14"])
def test_due_dates_are_read_as_people_type_them(user_client, member, topic, typed):
    item = _item(topic, member)
    client = user_client(member)
    fields = form_fields(client.get(_url(topic.report)).content.decode())
    fields[f"item-{item.pk}-due_on"] = [typed]
    response = client.post(f"{_url(topic.report)}autosave/", fields, **HTMX)
    assert response.status_code == 200
    assert _refused(response) == {}
    item.refresh_from_db()
    assert item.due_on == dt.date(2026, 12, 14)


def test_a_bad_due_date_is_refused_at_its_field_and_everything_else_is_saved(
    user_client, member, topic
):
    item = _item(topic, member, due_on=dt.date(2027, 3, 24))
    client = user_client(member)
    fields = form_fields(client.get(_url(topic.report)).content.decode())
    fields[f"item-{item.pk}-due_on"] = ["32/13/2026"]
    fields[f"item-{item.pk}-title"] = ["Drain vocms0256"]
    fields[f"topic-{topic.pk}-discussion"] = ["Typed while the date was wrong"]
    fields["attendees"] = ["carol, alice"]
    response = client.post(f"{_url(topic.report)}autosave/", fields, **HTMX)
    # Not a 400 that replaces the editor: the save is answered, the bad field named.
    assert response.status_code == 200
    refused = _refused(response)
    assert list(refused) == [f"item-{item.pk}-due_on"]
    assert "DD/MM/YYYY" in refused[f"item-{item.pk}-due_on"]
    assert "1 value not saved" in response.content.decode()
    topic.refresh_from_db()
    item.refresh_from_db()
    assert topic.discussion == "Typed while the date was wrong"
    assert (item.title, item.due_on) == ("Drain vocms0256", dt.date(2027, 3, 24))
    assert MeetingReport.objects.get().attendees == "carol, alice"


def test_without_javascript_a_bad_date_is_shown_at_its_field_as_typed(user_client, member, topic):
    item = _item(topic, member)
    client = user_client(member)
    fields = form_fields(client.get(_url(topic.report)).content.decode())
    fields[f"item-{item.pk}-due_on"] = ["11.13.2026"]
    fields[f"topic-{topic.pk}-decision"] = ["Drain first"]
    response = client.post(f"{_url(topic.report)}save/", fields)
    assert response.status_code == 400
    body = response.content.decode()
    # The editor is there, the typed value is back in its (text) field, the error next to it.
    assert 'id="report-form"' in body
    assert f'<input type="text" name="item-{item.pk}-due_on" value="11.13.2026"' in body
    assert f'id="item-{item.pk}-due_on-error"' in body
    assert "Everything else is saved" in body
    topic.refresh_from_db()
    assert topic.decision == "Drain first"


def test_an_empty_action_item_title_keeps_the_stored_one(user_client, member, topic):
    item = _item(topic, member)
    client = user_client(member)
    fields = form_fields(client.get(_url(topic.report)).content.decode())
    fields[f"item-{item.pk}-title"] = [""]
    response = client.post(f"{_url(topic.report)}autosave/", fields, **HTMX)
    assert _refused(response) == {f"item-{item.pk}-title": "An action item needs a title."}
    item.refresh_from_db()
    assert item.title == "Drain"


# --- the new action item row ---------------------------------------------------------------


def test_a_filled_in_new_row_is_saved_once_however_often_it_is_sent(
    user_client, member, topic, django_capture_on_commit_callbacks
):
    client = user_client(member)
    url = _url(topic.report)
    page = client.get(url).content.decode()
    fields = form_fields(page)
    new = f"topic-{topic.pk}-new-"
    assert len(fields[new + "key"][0]) == 16  # each rendered row has its own key
    fields[new + "title"] = ["Drain vocms0256"]
    fields[new + "owner"] = [str(member.pk)]
    fields[new + "due_on"] = ["24/03/2027"]
    first = client.post(f"{url}autosave/", fields, **HTMX)
    assert first.status_code == 200
    # A retried autosave (the answer was lost: same versions, same row key).
    assert client.post(f"{url}autosave/", fields, **HTMX).status_code == 200
    item = ActionItem.objects.get()
    assert (item.title, item.owner, item.due_on) == (
        "Drain vocms0256",
        member,
        dt.date(2027, 3, 24),
    )
    # Typing on in the row edits the same item; the new topic version came back with the
    # first answer, which the editor swapped in (here: read from the answer).
    answer = first.content.decode()
    fields[f"topic-{topic.pk}-version"] = [
        answer.split(f'name="topic-{topic.pk}-version" value="')[1].split('"')[0]
    ]
    fields[f"topic-{topic.pk}-base"] = [
        answer.split(f'name="topic-{topic.pk}-base" value="')[1].split('"')[0]
    ]
    fields[new + "title"] = ["Drain vocms0256 and vocms0257"]
    response = client.post(f"{url}autosave/", fields, **HTMX)
    assert response.status_code == 200
    assert not ActionItem.objects.exclude(pk=item.pk).exists()
    item.refresh_from_db()
    assert item.title == "Drain vocms0256 and vocms0257"
    # Enter (the Add button) with the same row: still that one item, now an item row.
    response = client.post(f"{url}save/", {**fields, "action": f"add_item:{topic.pk}"})
    assert response.status_code == 302
    assert ActionItem.objects.count() == 1
    page = client.get(url).content.decode()
    assert f'name="item-{item.pk}-title" value="Drain vocms0256 and vocms0257"' in page
    assert form_fields(page)[new + "key"] != fields[new + "key"]


def test_a_new_row_with_a_bad_date_waits_and_the_rest_is_saved(user_client, member, topic):
    client = user_client(member)
    url = _url(topic.report)
    fields = form_fields(client.get(url).content.decode())
    new = f"topic-{topic.pk}-new-"
    fields[new + "title"] = ["Tell P&R"]
    fields[new + "due_on"] = ["14/12"]
    fields[f"topic-{topic.pk}-discussion"] = ["Discussed"]
    response = client.post(f"{url}autosave/", fields, **HTMX)
    assert list(_refused(response)) == [new + "due_on"]
    assert not ActionItem.objects.exists()
    topic.refresh_from_db()
    assert topic.discussion == "Discussed"
    # Add (Enter) shows the row again as typed, with its error; nothing is created.
    response = client.post(f"{url}save/", {**fields, "action": f"add_item:{topic.pk}"}, **HTMX)
    body = response.content.decode()
    assert f'name="{new}title" value="Tell P&amp;R"' in body
    assert f'name="{new}key" value="{fields[new + "key"][0]}"' in body
    assert f'id="{new}due_on-error"' in body
    assert not ActionItem.objects.exists()


# --- a conflict does not swallow Enter in a topic title ------------------------------------


def test_enter_in_a_topic_title_adds_a_topic_even_with_a_conflict_open(
    user_client, member, lead, topic
):
    url = _url(topic.report)
    stale = form_fields(user_client(lead).get(url).content.decode())
    fresh = dict(stale)
    fresh[f"topic-{topic.pk}-title"] = ["Draining (member)"]
    assert user_client(member).post(f"{url}autosave/", fresh, **HTMX).status_code == 200
    stale[f"topic-{topic.pk}-title"] = ["Draining (lead)"]
    lead_client = user_client(lead)
    assert lead_client.post(f"{url}autosave/", stale, **HTMX).status_code == 409
    # Enter in the title clicks "Add topic": the topic is added and has the cursor.
    response = lead_client.post(f"{url}save/", {**stale, "action": "add_topic"}, **HTMX)
    assert response.status_code == 409
    added = Topic.objects.exclude(pk=topic.pk).get()
    body = response.content.decode()
    assert "Keep mine" in body
    assert "autofocus" in body.split(f'id="topic-{added.pk}-title"')[1].split(">")[0]
    assert "autofocus" not in body.split(f'id="topic-{topic.pk}-title"')[1].split(">")[0]
    topic.refresh_from_db()
    assert topic.title == "Draining (member)"


# --- revisions ---------------------------------------------------------------------------


def test_a_revision_is_restored_as_a_new_revision(user_client, member, report, topic):
    report_editor.topic_update(topic=topic, user=member, version=1, discussion="First text")
    old = report.revisions.order_by("-saved_at", "-pk").first()
    ReportRevision.objects.filter(pk=old.pk).update(saved_at=old.saved_at - dt.timedelta(hours=1))
    report_editor.topic_update(topic=topic, user=member, version=2, discussion="Second text")
    extra = reports.topic_add(report=report, user=member, title="Added later")
    client = user_client(member)
    page = client.get(f"{_url(report)}revisions/").content.decode()
    assert "Restore this version" in page
    response = client.post(f"{_url(report)}revisions/{old.pk}/restore/")
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.discussion, topic.version) == ("First text", 4)
    assert not Topic.objects.filter(pk=extra.pk).exists()
    kinds = list(report.revisions.values_list("kind", flat=True))
    assert kinds[0] == ReportRevision.Kind.RESTORE
    assert ReportRevision.Kind.REMOVED in kinds  # the later topic stays in the history
    assert report.revisions.filter(snapshot__topics__0__discussion="Second text").exists()


def test_only_whole_report_revisions_can_be_restored(member, report, topic):
    reports.topic_delete(topic=topic, user=member)
    removed = report.revisions.get(kind=ReportRevision.Kind.REMOVED)
    with pytest.raises(Exception, match="saved version"):
        revisions.revision_restore(revision=removed, user=member)


# --- publish: who is emailed, and corrections -----------------------------------------------


def _publish(client, report, **extra):
    fields = form_fields(client.get(_url(report)).content.decode())
    return client.post(
        f"{_url(report)}save/", {**fields, "action": "publish", **extra}, follow=True
    )


def test_publish_without_a_list_emails_the_active_members(user_client, member, lead, team, topic):
    MembershipFactory(team=team, is_active=False, user__username="gone")
    response = _publish(user_client(member), topic.report)
    everyone = sorted([lead.email, member.email])
    assert OutboundEmail.objects.get().to == everyone
    text = response.content.decode()
    assert f"Report published and emailed to {', '.join(everyone)}." in text
    assert "list" not in text.split('id="published-facts"')[1].split("</p>")[0]
    assert f"Emailed to {', '.join(everyone)}." in text


def test_publish_with_nobody_to_email_says_so(user_client, member, lead, team, topic):
    type(member).objects.update(email="")
    response = _publish(user_client(member), topic.report)
    assert not OutboundEmail.objects.exists()
    assert "nobody was emailed" in response.content.decode()


def test_publish_with_a_list_emails_the_list(user_client, member, team, topic):
    team.mailing_list = "ops-list@example.org"
    team.save()
    response = _publish(user_client(member), topic.report)
    assert OutboundEmail.objects.get().to == ["ops-list@example.org"]
    assert "emailed to ops-list@example.org" in response.content.decode()


def test_a_correction_keeps_the_published_version_and_is_resent_once(
    user_client, member, team, topic
):
    team.mailing_list = "ops-list@example.org"
    team.save()
    client = user_client(member)
    _publish(client, topic.report)
    report = MeetingReport.objects.get()
    first_published = report.published_at
    page = client.get(_url(report)).content.decode()
    assert "Correct this report" in page
    assert client.post(f"{_url(report)}correct/").status_code == 302
    fields = form_fields(client.get(_url(report)).content.decode())
    fields[f"topic-{topic.pk}-decision"] = ["Corrected decision"]
    response = client.post(
        f"{_url(report)}save/", {**fields, "action": "publish", "send_email": "on"}, follow=True
    )
    assert "Correction published and emailed to ops-list@example.org" in response.content.decode()
    report.refresh_from_db()
    assert report.is_published
    assert (report.published_at, report.corrections) == (first_published, 1)
    assert report.corrected_at is not None
    assert "Corrected decision" in report.text
    assert "corrected" in client.get(_url(report)).content.decode()
    keys = sorted(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == [f"report-published:{report.pk}", f"report-published:{report.pk}:correction-1"]
    # The published version before the correction is still a revision.
    published = report.revisions.filter(kind=ReportRevision.Kind.PUBLISH).order_by("saved_at")
    assert published.count() == 2
    assert published.first().snapshot["topics"][0]["decision"] == ""
    # Publishing that correction again (a double click) sends nothing more.
    with pytest.raises(Exception, match="published"):
        reports.report_publish(report=report, user=member, send_email=True)
    # A second correction without re-sending: no email, and the page says so.
    client.post(f"{_url(report)}correct/")
    response = _publish(client, report)
    assert "not emailed again" in response.content.decode()
    assert OutboundEmail.objects.count() == 2
    report.refresh_from_db()
    assert report.corrections == 2
