"""The reminder to the shifter when a meeting's report is not published in time."""

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from meetings.models import (
    Meeting,
    MeetingReport,
)
from meetings.services import reports
from outbox.services import email_queue
from teams.models import Membership


def reminder_recipients(*, meeting: Meeting) -> list[str]:
    """Who is reminded: the draft's author; else the series' contact; else the leads."""
    report = MeetingReport.objects.filter(meeting=meeting).select_related("author").first()
    if report is not None and report.author is not None and report.author.email:
        return [report.author.email]
    contact = meeting.series.contact
    if contact is not None and contact.email:
        return [contact.email]
    leads = Membership.objects.active().filter(
        team_id=meeting.series.team_id, role=Membership.Role.LEAD
    )
    return sorted(email for email in leads.values_list("user__email", flat=True) if email)


def reminders_due_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Meetings covered by the shifter whose report is still unpublished N hours after
    the end (looking back one week)."""
    now = now or timezone.now()
    candidates = (
        Meeting.objects.scheduled()
        .filter(
            series__shifter_covers=True,
            end_at__lte=now,
            end_at__gte=now - dt.timedelta(days=7),
        )
        .exclude(report__published_at__isnull=False)
        .select_related("series")
    )
    return [
        meeting.pk
        for meeting in candidates
        if meeting.end_at + dt.timedelta(hours=meeting.series.reminder_hours) <= now
    ]


@transaction.atomic
def report_reminder_send(*, meeting_id: int, now: dt.datetime | None = None) -> bool:
    """Queue the reminder for one meeting, once (keyed); False when not (or no longer) due."""
    if meeting_id not in reminders_due_ids(now=now):
        return False
    meeting = Meeting.objects.select_related("series__team", "series__contact").get(pk=meeting_id)
    url = reports.report_url(meeting=meeting)
    label = reports.report_label(meeting=meeting)
    context = {"meeting": meeting, "label": label, "url": url}
    _, created = email_queue(
        key=f"report-reminder:{meeting.pk}",
        to=reminder_recipients(meeting=meeting),
        subject=f"Reminder: publish the report of {label}",
        text_body=render_to_string("meetings/reminder_email.txt", context),
        html_body=render_to_string("meetings/reminder_email.html", context),
    )
    return created
