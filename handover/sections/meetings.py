"""Meetings held in a period with links to their reports, those still without a
published report, and the decisions recorded in the reports. Two queries."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from handover.period import PeriodQuery
from handover.sections.incidents import SECTION_LIMIT
from meetings.models import Meeting, MeetingReport, Topic
from teams.models import Team


@dataclass(frozen=True)
class MeetingLine:
    id: int
    title: str
    url: str
    start_at: dt.datetime
    end_at: dt.datetime
    cancelled: bool
    report_url: str
    report_status: str  # "published", "draft" or "" (none started)


@dataclass(frozen=True)
class DecisionLine:
    meeting_title: str
    meeting_start_at: dt.datetime
    topic: str
    decision: str
    report_url: str


@dataclass(frozen=True)
class MeetingsSection:
    held: tuple[MeetingLine, ...]
    without_report: tuple[MeetingLine, ...]
    decisions: tuple[DecisionLine, ...]


def meetings_in(*, team: Team, start: dt.datetime, end: dt.datetime) -> QuerySet[Meeting]:
    """The team's occurrences starting in [start, end), cancelled ones included."""
    return (
        Meeting.objects.filter(series__team=team, start_at__gte=start, start_at__lt=end)
        .select_related("series", "report")
        .order_by("start_at", "pk")
    )


def meeting_line(meeting: Meeting) -> MeetingLine:
    report: MeetingReport | None = getattr(meeting, "report", None)
    return MeetingLine(
        id=meeting.pk,
        title=meeting.series.title,
        url=reverse("meetings:meeting-detail", kwargs={"pk": meeting.pk}),
        start_at=meeting.start_at,
        end_at=meeting.end_at,
        cancelled=meeting.is_cancelled,
        report_url=reverse("meetings:report", kwargs={"pk": meeting.pk}),
        report_status=report.status if report is not None else "",
    )


def meetings_section(period: PeriodQuery) -> MeetingsSection:
    """Held: scheduled and started before `as_of`."""
    rows = meetings_in(team=period.team, start=period.start_at, end=period.end_at)
    held = [
        meeting_line(meeting)
        for meeting in rows[:SECTION_LIMIT]
        if not meeting.is_cancelled and meeting.start_at < period.as_of
    ]
    topics = (
        Topic.objects.filter(
            report__meeting__series__team=period.team,
            report__meeting__start_at__gte=period.start_at,
            report__meeting__start_at__lt=period.end_at,
            report__meeting__status=Meeting.Status.SCHEDULED,
        )
        .exclude(decision="")
        .select_related("report__meeting__series")
        .order_by("report__meeting__start_at", "position", "pk")[:SECTION_LIMIT]
    )
    decisions = tuple(
        DecisionLine(
            meeting_title=topic.report.meeting.series.title,
            meeting_start_at=topic.report.meeting.start_at,
            topic=topic.title,
            decision=topic.decision.strip(),
            report_url=reverse("meetings:report", kwargs={"pk": topic.report.meeting_id}),
        )
        for topic in topics
    )
    return MeetingsSection(
        held=tuple(held),
        without_report=tuple(line for line in held if line.report_status != "published"),
        decisions=decisions,
    )
