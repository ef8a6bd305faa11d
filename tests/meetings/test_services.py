import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from incidents.models import ActionItem
from meetings import reminders, selectors
from meetings.models import Meeting, MeetingReport, ReportRevision, Topic
from meetings.services import report_editor, report_input, reports
from meetings.services import series as series_services
from outbox.models import OutboundEmail
from outbox.services import email_send
from teams.models import Membership
from teams.selectors import person_name
from tests.meetings.factories import make_series, meeting_on
from tests.teams.factories import MembershipFactory

UTC = dt.UTC
MONDAY = dt.date(2027, 3, 22)


def editor_state(report):
    """What an editor loaded: the report's and each topic's version, base and values."""
    report.refresh_from_db()
    data = report_input.ReportInput(
        version=report.version,
        base=report_input.fingerprint(reports.report_values(report)),
        attendees=report.attendees,
        notes=report.notes,
    )
    for topic in report.topics.order_by("position", "pk"):
        items = [link.action_item for link in topic.action_links.select_related("action_item")]
        given = report_input.TopicInput(
            id=topic.pk,
            version=topic.version,
            base=report_input.fingerprint(reports.topic_values(topic, items)),
            **{name: getattr(topic, name) for name in reports.TOPIC_FIELDS},
        )
        given.items = [
            report_input.ItemInput(
                id=item.pk,
                title=item.title,
                owner_id=item.owner_id,
                due_on=item.due_on,
                needs_github_issue=item.needs_github_issue,
                done=item.status == ActionItem.Status.DONE,
            )
            for item in items
        ]
        data.topics.append(given)
    return data


@pytest.fixture
def series(team, lead):
    return make_series(team, contact=lead)


@pytest.fixture
def report(series, member):
    meeting = meeting_on(series, MONDAY)
    return reports.report_open(meeting=meeting, user=member)


@time_machine.travel(dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC), tick=False)
def test_materialise_is_idempotent_and_stops_at_the_horizon(team, settings):
    settings.MEETINGS_HORIZON_DAYS = 28
    series = make_series(team)
    assert series.meetings.count() == 4
    assert series_services.meetings_materialize(series=series) == []
    first = series.meetings.first()
    assert first.start_at == dt.datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    assert first.end_at - first.start_at == dt.timedelta(hours=1)
    # Zurich changes to summer time on 28 March: 16:00 there is then 14:00 UTC.
    settings.MEETINGS_HORIZON_DAYS = 35
    created = series_services.meetings_materialize(series=series)
    assert [meeting.start_at.hour for meeting in created] == [14]


@time_machine.travel(dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC), tick=False)
def test_editing_the_series_changes_only_future_untouched_occurrences(team, member, settings):
    settings.MEETINGS_HORIZON_DAYS = 35
    series = make_series(team, now=dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    past = Meeting.objects.get(series=series, start_at__date=dt.date(2027, 2, 22))
    cancelled = Meeting.objects.get(series=series, start_at__date=dt.date(2027, 3, 8))
    moved = Meeting.objects.get(series=series, start_at__date=dt.date(2027, 3, 15))
    reported = Meeting.objects.get(series=series, start_at__date=dt.date(2027, 3, 22))
    series_services.meeting_cancel(meeting=cancelled, note="CHEP week")
    series_services.meeting_move(
        meeting=moved, start_at=dt.datetime(2027, 3, 16, 9, 0, tzinfo=UTC), duration_minutes=30
    )
    reports.report_open(meeting=reported, user=member)

    series_services.series_update(series=series, start_time=dt.time(17, 0), duration_minutes=90)

    past.refresh_from_db()
    assert past.start_at.hour == 15  # the past is history
    cancelled.refresh_from_db()
    assert cancelled.is_cancelled
    assert cancelled.start_at.hour == 15
    moved.refresh_from_db()
    assert (moved.start_at, moved.end_at.minute) == (
        dt.datetime(2027, 3, 16, 9, 0, tzinfo=UTC),
        30,
    )
    reported.refresh_from_db()
    assert reported.start_at.hour == 15
    untouched = Meeting.objects.get(series=series, start_at__date=dt.date(2027, 3, 1))
    assert (untouched.start_at.hour, untouched.end_at - untouched.start_at) == (
        16,
        dt.timedelta(minutes=90),
    )
    # Summer time from 28 March: 17:00 in Zurich is 15:00 UTC.
    assert (
        Meeting.objects.get(series=series, start_at__date=dt.date(2027, 3, 29)).start_at.hour == 15
    )


def test_series_validation(team, outsider):
    with pytest.raises(ValidationError) as error:
        make_series(team, rrule="FREQ=SECONDLY")
    assert "rrule" in error.value.message_dict
    make_series(team, title="Weekly")
    with pytest.raises(ValidationError) as error:
        make_series(team, title="Weekly")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_series(team, title="Other", contact=outsider)
    assert "contact" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_series(team, title="Backwards", ends_on=dt.date(2026, 1, 1))
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_series(team, title="Bad zone", time_zone="Mars/Olympus")
    assert list(team.meeting_series.values_list("title", flat=True)) == ["Weekly"]


def test_series_update_writes_only_known_fields_that_changed(series):
    with pytest.raises(ValidationError, match="Unknown meeting series fields: colour"):
        series_services.series_update(series=series, colour="red")
    series_services.series_update(series=series, title=series.title, duration_minutes=60)
    series.refresh_from_db()
    assert series.sequence == 0  # nothing changed: the feeds' SEQUENCE stays
    series_services.series_update(series=series, duration_minutes=45)
    series.refresh_from_db()
    assert (series.duration_minutes, series.sequence) == (45, 1)


def test_move_and_cancel_rules(series):
    meeting = meeting_on(series, MONDAY)
    with pytest.raises(ValidationError):
        series_services.meeting_move(meeting=meeting, start_at=dt.datetime(2027, 3, 23, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValidationError):
        series_services.meeting_move(
            meeting=meeting,
            start_at=dt.datetime(2027, 3, 23, 9, 0, tzinfo=UTC),
            duration_minutes=2000,
        )
    series_services.meeting_cancel(meeting=meeting)
    with pytest.raises(ValidationError):
        series_services.meeting_cancel(meeting=meeting)
    with pytest.raises(ValidationError):
        series_services.meeting_move(meeting=meeting, start_at=dt.datetime(2027, 3, 23, tzinfo=UTC))
    series_services.meeting_restore(meeting=meeting)
    assert not Meeting.objects.get(pk=meeting.pk).is_cancelled


def test_action_items_are_created_in_incidents_with_their_source(report, member, settings):
    settings.SITE_URL = "https://desk.example.org"
    topic = reports.topic_add(report=report, user=member, title="Draining")
    data = editor_state(report)
    data.topics[0].new_item = report_input.NewItemInput(
        title="Drain vocms0256", owner_id=member.pk, due_on=dt.date(2027, 3, 24),
        needs_github_issue=True,
    )  # fmt: skip
    report_editor.report_save(report=report, user=member, data=data)
    item = ActionItem.objects.get()
    assert (item.team, item.owner, item.source) == (report.meeting.series.team, member, "meeting")
    assert item.source_label == "WMCore weekly, Mon 22 Mar 2027 — Draining"
    assert item.source_url == f"https://desk.example.org/meetings/{report.meeting_id}/report/"
    assert item.needs_github_issue
    assert topic.action_links.get().action_item == item

    # Inline edits of the item: done, new due date.
    data = editor_state(report)
    data.topics[0].items[0].done = True
    data.topics[0].items[0].due_on = dt.date(2027, 3, 25)
    result = report_editor.report_save(report=report, user=member, data=data)
    assert result.changed
    assert not result.conflicts
    item.refresh_from_db()
    assert (item.status, item.due_on) == ("done", dt.date(2027, 3, 25))
    assert item.closed_at is not None


def test_an_owner_outside_the_team_is_refused_at_that_field(report, member, outsider):
    topic = reports.topic_add(report=report, user=member, title="T")
    data = editor_state(report)
    data.topics[0].decision = "Saved all the same"
    data.topics[0].new_item = report_input.NewItemInput(
        title="x", owner_id=outsider.pk, prefix=f"topic-{topic.pk}-new-"
    )
    result = report_editor.report_save(report=report, user=member, data=data)
    assert result.errors == {
        f"topic-{topic.pk}-new-owner": "An owner must be an active member of the team."
    }
    assert not ActionItem.objects.exists()
    topic.refresh_from_db()
    assert topic.decision == "Saved all the same"


def test_two_editors_get_a_conflict_not_an_overwrite(report, member, lead):
    topic = reports.topic_add(report=report, user=member, title="Draining")
    seen_by_member = editor_state(report)
    seen_by_lead = editor_state(report)

    seen_by_member.topics[0].discussion = "Member's notes"
    assert report_editor.report_save(report=report, user=member, data=seen_by_member).changed

    seen_by_lead.topics[0].discussion = "Lead's notes"
    result = report_editor.report_save(report=report, user=lead, data=seen_by_lead)
    assert not result.changed
    [conflict] = result.conflicts
    assert conflict.unit == f"topic-{topic.pk}"
    assert conflict.yours["discussion"] == "Lead's notes"
    assert conflict.theirs["discussion"] == "Member's notes"
    assert conflict.theirs_by == member.get_full_name()
    topic.refresh_from_db()
    assert topic.discussion == "Member's notes"
    kept = report.revisions.get(kind=ReportRevision.Kind.CONFLICT)
    assert kept.snapshot["yours"]["discussion"] == "Lead's notes"

    # Keeping theirs: the lead reloads; keeping mine: the lead saves on top of the new version.
    again = editor_state(report)
    again.topics[0].discussion = "Lead's notes"
    assert report_editor.report_save(report=report, user=lead, data=again).changed
    topic.refresh_from_db()
    assert topic.discussion == "Lead's notes"


def test_parts_an_editor_did_not_touch_are_never_written_back(report, member, lead):
    reports.topic_add(report=report, user=member, title="One")
    reports.topic_add(report=report, user=member, title="Two")
    stale = editor_state(report)
    fresh = editor_state(report)
    fresh.attendees = "alice, bob"
    fresh.topics[0].title = "One (renamed)"
    report_editor.report_save(report=report, user=member, data=fresh)

    stale.topics[1].title = "Two (renamed)"
    result = report_editor.report_save(report=report, user=lead, data=stale)
    assert result.conflicts == []
    assert set(result.stale) == {"report", f"topic-{stale.topics[0].id}"}
    titles = list(report.topics.order_by("position").values_list("title", flat=True))
    assert titles == ["One (renamed)", "Two (renamed)"]
    report.refresh_from_db()
    assert report.attendees == "alice, bob"


def test_revisions_are_coalesced_per_author_and_minute(report, member, lead):
    with time_machine.travel(dt.datetime(2027, 3, 22, 15, 0, tzinfo=UTC), tick=False) as clock:
        for text in ("a", "ab", "abc"):
            data = editor_state(report)
            data.notes = text
            report_editor.report_save(report=report, user=member, data=data)
        assert report.revisions.count() == 1
        assert report.revisions.get().snapshot["notes"] == "abc"
        data = editor_state(report)
        data.notes = "abcd"
        report_editor.report_save(report=report, user=lead, data=data)
        assert report.revisions.count() == 2
        clock.shift(dt.timedelta(minutes=2))
        data = editor_state(report)
        data.notes = "abcde"
        report_editor.report_save(report=report, user=lead, data=data)
    assert list(report.revisions.values_list("snapshot__notes", flat=True)) == [
        "abcde",
        "abcd",
        "abc",
    ]


def test_carry_over_from_the_previous_report(series, member):
    first = reports.report_open(meeting=meeting_on(series, MONDAY), user=member)
    follow = reports.topic_add(report=first, user=member, title="MSUnmerged slow")
    report_editor.topic_update(
        topic=follow, user=member, version=follow.version, reply=Topic.Reply.FOLLOW_UP
    )
    answered = reports.topic_add(report=first, user=member, title="Answered already")
    report_editor.topic_update(
        topic=answered, user=member, version=answered.version, reply=Topic.Reply.ANSWERED
    )
    open_item = reports.topic_action_item_add(topic=follow, user=member, title="Profile it")
    done_item = reports.topic_action_item_add(topic=answered, user=member, title="Done it")
    done_item.status = ActionItem.Status.DONE
    done_item.save()

    second = reports.report_open(
        meeting=meeting_on(series, MONDAY + dt.timedelta(days=7)), user=member
    )
    [carried] = second.topics.all()
    assert (carried.title, carried.carried_from) == ("MSUnmerged slow", follow)
    assert list(selectors.carried_action_items(report=second)) == [open_item]
    assert reports.report_open(meeting=second.meeting, user=member) == second


def test_publish_renders_sanitized_html_and_emails_the_list_once(report, member, team):
    team.mailing_list = "ops-list@example.org"
    team.save()
    topic = reports.topic_add(report=report, user=member, title="Draining")
    report_editor.topic_update(
        topic=topic,
        user=member,
        version=topic.version,
        discussion="**Bold** <script>alert(1)</script>",
        reply=Topic.Reply.ANSWERED,
    )
    reports.topic_action_item_add(topic=topic, user=member, title="Drain it", owner=member)
    published = reports.report_publish(report=report, user=member)
    assert published.status == MeetingReport.Status.PUBLISHED
    assert "<strong>Bold</strong>" in published.html
    assert "<script>" not in published.html
    assert "1. Draining" in published.text
    assert "Action: Drain it — member" in published.text
    with pytest.raises(ValidationError):
        reports.report_publish(report=published, user=member)
    with pytest.raises(ValidationError):
        report_editor.report_save(report=published, user=member, data=editor_state(published))

    email = OutboundEmail.objects.get(key=f"report-published:{report.pk}")
    assert email.to == ["ops-list@example.org"]
    email_send(email_id=email.pk)
    email_send(email_id=email.pk)
    [message] = mail.outbox
    assert message.subject == "[Ops] WMCore weekly, Mon 22 Mar 2027: internal report"
    assert "1. Draining" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>Bold</strong>" in html


def test_an_untitled_topic_blocks_publishing(report, member):
    reports.topic_add(report=report, user=member)
    with pytest.raises(ValidationError, match="title"):
        reports.report_publish(report=report, user=member)


def test_reminder_goes_out_once_after_n_hours_to_the_author(series, member, lead):
    meeting = meeting_on(series, MONDAY)  # 15:00-16:00 UTC
    reports.report_open(meeting=meeting, user=member)
    with time_machine.travel(dt.datetime(2027, 3, 22, 18, 30, tzinfo=UTC), tick=False):
        assert reminders.reminders_due_ids() == []
        assert reminders.report_reminder_send(meeting_id=meeting.pk) is False
    with time_machine.travel(dt.datetime(2027, 3, 22, 19, 5, tzinfo=UTC), tick=False):
        assert reminders.reminders_due_ids() == [meeting.pk]
        assert reminders.report_reminder_send(meeting_id=meeting.pk) is True
        assert reminders.report_reminder_send(meeting_id=meeting.pk) is False
    email = OutboundEmail.objects.get(key=f"report-reminder:{meeting.pk}")
    assert email.to == [member.email]
    email_send(email_id=email.pk)
    assert "not published" in mail.outbox[0].body
    assert mail.outbox[0].alternatives


def test_reminder_recipients_without_a_draft(series, team, lead):
    meeting = meeting_on(series, MONDAY)
    assert reminders.reminder_recipients(meeting=meeting) == [lead.email]  # the series' contact
    series.contact = None
    series.save()
    other_lead = MembershipFactory(team=team, role=Membership.Role.LEAD).user
    meeting.refresh_from_db()
    assert reminders.reminder_recipients(meeting=meeting) == sorted([lead.email, other_lead.email])


def test_no_reminder_for_published_cancelled_or_uncovered_meetings(series, team, member):
    published = meeting_on(series, MONDAY)
    report = reports.report_open(meeting=published, user=member)
    reports.report_publish(report=report, user=member)
    cancelled = meeting_on(series, MONDAY + dt.timedelta(days=7))
    series_services.meeting_cancel(meeting=cancelled)
    other = make_series(team, title="Not covered", shifter_covers=False)
    meeting_on(other, MONDAY)
    with time_machine.travel(dt.datetime(2027, 4, 1, 12, 0, tzinfo=UTC), tick=False):
        assert reminders.reminders_due_ids() == []


def test_the_revision_of_a_save_is_the_report_as_read_again(report, member, lead):
    first = reports.topic_add(report=report, user=member, title="One")
    reports.topic_action_item_add(topic=first, user=member, title="Item", owner=member)
    reports.topic_add(report=report, user=member, title="Two")
    data = editor_state(report)
    given = data.topics[0]
    given.discussion = "Typed"
    given.items[0].owner, given.items[0].done = "lead", True
    given.new_item = report_input.NewItemInput(title="New", owner="member", key="row-1")
    report_editor.report_save(report=report, user=member, data=data)
    report.refresh_from_db()
    saved = report.revisions.get().snapshot
    assert saved == reports.report_snapshot(report)
    assert [topic["title"] for topic in saved["topics"]] == ["One", "Two"]
    assert saved["topics"][0]["discussion"] == "Typed"
    assert [(i["title"], i["owner"], i["status"]) for i in saved["topics"][0]["items"]] == [
        ("Item", person_name(lead), "done"),
        ("New", person_name(member), "open"),
    ]


def test_an_item_keeps_an_owner_who_left_until_someone_changes_it(report, member, team):
    leaver = MembershipFactory(team=team).user
    topic = reports.topic_add(report=report, user=member, title="T")
    item = reports.topic_action_item_add(topic=topic, user=member, title="Item", owner=leaver)
    Membership.objects.filter(user=leaver).update(is_active=False)
    data = editor_state(report)
    data.topics[0].items[0].owner = leaver.username  # as the editor shows it
    data.topics[0].items[0].title = "Renamed"
    result = report_editor.report_save(report=report, user=member, data=data)
    assert result.errors == {}
    item.refresh_from_db()
    assert (item.title, item.owner) == ("Renamed", leaver)


def test_only_the_newest_revisions_are_kept(report, member):
    oldest = dt.datetime(2020, 1, 1, tzinfo=UTC)
    ReportRevision.objects.bulk_create(
        ReportRevision(
            report=report,
            kind=ReportRevision.Kind.SAVE,
            version=1,
            author=member,
            saved_at=oldest + dt.timedelta(minutes=n),
            snapshot={},
        )
        for n in range(reports.REVISIONS_KEPT - 1)
    )
    reports.revision_record(report=report, user=member)
    assert report.revisions.count() == reports.REVISIONS_KEPT
    assert report.revisions.filter(saved_at=oldest).exists()
    reports.revision_record(report=report, user=member, kind=ReportRevision.Kind.RESTORE)
    assert report.revisions.count() == reports.REVISIONS_KEPT
    assert not report.revisions.filter(saved_at=oldest).exists()
