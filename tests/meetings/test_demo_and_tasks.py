import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from incidents.models import ActionItem
from meetings import reminders, tasks
from meetings.models import Meeting, MeetingReport, MeetingSeries, Topic
from outbox.models import OutboundEmail
from outbox.services import email_send
from tests.meetings.factories import make_series, meeting_on

UTC = dt.UTC


@override_settings(DEBUG=True)
@time_machine.travel(dt.datetime(2027, 3, 24, 9, 0, tzinfo=UTC), tick=False)
def test_seed_demo_creates_the_wiki_series_and_two_reports_once(db):
    call_command("seed_demo")
    counts = (
        MeetingSeries.objects.count(),
        Meeting.objects.count(),
        MeetingReport.objects.count(),
        Topic.objects.count(),
        ActionItem.objects.count(),
        OutboundEmail.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        MeetingSeries.objects.count(),
        Meeting.objects.count(),
        MeetingReport.objects.count(),
        Topic.objects.count(),
        ActionItem.objects.count(),
        OutboundEmail.objects.count(),
    )
    series = {s.title: s for s in MeetingSeries.objects.all()}
    assert set(series) == {"WMCore weekly", "CompOPS", "P&R development", "Stakeholders"}
    assert series["Stakeholders"].rrule == "FREQ=MONTHLY;INTERVAL=2;BYDAY=1WE"
    assert "zoom" in series["P&R development"].video_url
    # Monday 22 March 2027, 16:00 CERN time (CET) = 15:00 UTC; CompOPS an hour later.
    weekly = Meeting.objects.get(
        series=series["WMCore weekly"], start_at__date=dt.date(2027, 3, 22)
    )
    assert weekly.start_at.hour == 15
    published = MeetingReport.objects.get(status="published")
    assert published.meeting == weekly
    assert published.topics.count() == 2
    assert ActionItem.objects.filter(source="meeting").count() == 2
    draft = MeetingReport.objects.get(status="draft")
    assert draft.meeting.series.title == "CompOPS"
    assert draft.meeting.start_at == dt.datetime(2027, 3, 22, 16, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_reminder_tasks_send_once_through_the_outbox(team, lead, member):
    series = make_series(team, contact=lead)
    meeting = meeting_on(series, dt.date(2027, 3, 22))
    with time_machine.travel(dt.datetime(2027, 3, 22, 20, 0, tzinfo=UTC), tick=False):
        assert reminders.reminders_due_ids() == [meeting.pk]
        tasks.report_reminder_send(meeting.pk)
        tasks.report_reminder_send(meeting.pk)
    email = OutboundEmail.objects.get()
    assert email.key == f"report-reminder:{meeting.pk}"
    assert email.to == [lead.email]  # no draft: the series' contact
    email_send(email_id=email.pk)
    assert len(mail.outbox) == 1
    assert "WMCore weekly, Mon 22 Mar 2027" in mail.outbox[0].subject


@pytest.mark.django_db
def test_materialise_task_extends_the_horizon(team, settings):
    settings.MEETINGS_HORIZON_DAYS = 14
    with time_machine.travel(dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC), tick=False):
        series = make_series(team)
        assert series.meetings.count() == 2
    settings.MEETINGS_HORIZON_DAYS = 28
    with time_machine.travel(dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC), tick=False):
        tasks.materialize_series(series.pk)
        tasks.materialize_series(series.pk)
    assert series.meetings.count() == 4
