"""Demo meetings: the series from the WMCore shift wiki, one published report with
topics and action items, and one draft. Idempotent: existing series and reports are kept."""

import datetime as dt
from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from meetings.models import Meeting, MeetingReport, MeetingSeries, Topic
from meetings.services import report_editor, reports
from meetings.services import series as series_services
from teams.demo import DemoContext

SERIES = [
    {
        "title": "WMCore weekly",
        "rrule": "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO",
        "start_time": dt.time(16, 0),
        "duration_minutes": 60,
        "video_url": "https://vidyo.example.org/wmcore-weekly",
        "host": MeetingSeries.Host.OURS,
    },
    {
        "title": "CompOPS",
        "rrule": "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO",
        "start_time": dt.time(17, 0),
        "duration_minutes": 60,
        "host": MeetingSeries.Host.OTHER,
        "host_team_name": "Computing Operations",
        "agenda_url": "https://indico.example.org/category/compops",
    },
    {
        "title": "P&R development",
        "rrule": "FREQ=WEEKLY;INTERVAL=1;BYDAY=FR",
        "start_time": dt.time(16, 0),
        "duration_minutes": 45,
        "video_url": "https://zoom.example.org/j/123456789",
        "location": "Zoom",
        "host": MeetingSeries.Host.OTHER,
        "host_team_name": "Processing & Reprocessing",
    },
    {
        "title": "Stakeholders",
        "rrule": "FREQ=MONTHLY;INTERVAL=2;BYDAY=1WE",
        "start_time": dt.time(15, 0),
        "duration_minutes": 90,
        "location": "CERN 513-1-024",
        "host": MeetingSeries.Host.OURS,
        "shifter_covers": False,
    },
]


def _last_past(series: MeetingSeries, now: dt.datetime) -> Meeting | None:
    return series.meetings.scheduled().filter(end_at__lt=now).order_by("-start_at").first()


def _published_report(series: MeetingSeries, users: dict[str, User], now: dt.datetime) -> None:
    meeting = _last_past(series, now)
    if meeting is None or MeetingReport.objects.filter(meeting__series=series).exists():
        return
    alice, bob, dave = users["alice"], users["bob"], users["dave"]
    report = reports.report_open(meeting=meeting, user=alice)
    report = report_editor.report_update(
        report=report, user=alice, version=report.version, attendees="alice, bob, carol, dave"
    )
    first = reports.topic_add(report=report, user=alice, title="WMAgent draining for the upgrade")
    report_editor.topic_update(
        topic=first,
        user=alice,
        version=first.version,
        raised_by_team="CompOPS",
        raised_by_person="Operations contact",
        discussion="Agents at **FNAL** need draining before the 2.3 upgrade.\n\n"
        "- vocms0255 done\n- vocms0256 still has 1.2k jobs",
        reply=Topic.Reply.ANSWERED,
        decision="Drain the remaining agents by Wednesday.",
    )
    reports.topic_action_item_add(
        topic=first, user=alice, title="Drain vocms0256", owner=dave,
        due_on=meeting.start_at.date() + dt.timedelta(days=2),
    )  # fmt: skip
    second = reports.topic_add(report=report, user=alice, title="MSUnmerged slow on T2 sites")
    report_editor.topic_update(
        topic=second,
        user=alice,
        version=second.version,
        raised_by_team="P&R",
        discussion="Deletions on some T2 sites take hours; we could not say why yet.",
        reply=Topic.Reply.FOLLOW_UP,
    )
    reports.topic_action_item_add(
        topic=second, user=alice, title="Profile MSUnmerged on T2_CH_CERN", owner=bob,
        needs_github_issue=True,
    )  # fmt: skip
    reports.report_publish(report=report, user=alice)


def _draft_report(series: MeetingSeries, users: dict[str, User], now: dt.datetime) -> None:
    meeting = _last_past(series, now)
    if meeting is None or MeetingReport.objects.filter(meeting__series=series).exists():
        return
    bob = users["bob"]
    report = reports.report_open(meeting=meeting, user=bob)
    topic = reports.topic_add(report=report, user=bob, title="Tape staging backlog")
    report_editor.topic_update(
        topic=topic,
        user=bob,
        version=topic.version,
        raised_by_team="CompOPS",
        discussion="Rucio rules for the 2018 reprocessing are stuck in staging.",
        reply=Topic.Reply.COULD_NOT_ANSWER,
    )


def seed(context: DemoContext) -> None:
    team = context.team
    assert team is not None  # noqa: S101 - teams.demo runs first
    users = cast(dict[str, User], context.users)
    now = timezone.now()
    since = now - dt.timedelta(days=21)
    by_title: dict[str, MeetingSeries] = {}
    for spec in SERIES:
        series = MeetingSeries.objects.filter(team=team, title=spec["title"]).first()
        if series is None:
            series = series_services.series_create(
                team=team,
                time_zone="Europe/Zurich",
                starts_on=dt.date(2026, 1, 5),
                contact=users["alice"],
                **spec,
            )
        series_services.meetings_materialize(series=series, now=now, since=since)
        by_title[series.title] = series
    _published_report(by_title["WMCore weekly"], users, now)
    _draft_report(by_title["CompOPS"], users, now)
    context.log(f"meeting series: {', '.join(by_title)} (one published report, one draft)")
