"""Reads about meetings that pages, the API, the dashboard and reports share.

Access goes through `teams.access.team_access` on the object's team: another
team's meeting is a 404, a role too low a 403.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from github_sync.selectors import links_for_items
from incidents.models import ActionItem
from meetings.models import (
    LONGEST_MEETING_MINUTES,
    Meeting,
    MeetingQuerySet,
    MeetingReport,
    MeetingSeries,
    ReportRevision,
    Topic,
    TopicActionItem,
)
from teams.access import team_access
from teams.models import Team
from teams.search import text_search
from teams.selectors import teams_for_user
from teams.timezones import zone

CURRENT_MEETING_AFTER = dt.timedelta(hours=2)
REPORT_SEARCH_FIELDS = ["text", "meeting__series__title"]


def series_for_team(*, team: Team) -> QuerySet[MeetingSeries]:
    return MeetingSeries.objects.filter(team=team).select_related("team", "contact")


def meetings_for_team(*, team: Team) -> MeetingQuerySet:
    return (
        Meeting.objects.filter(series__team=team)
        .select_related("series__team", "report")
        .order_by("start_at", "pk")
    )


def reports_for_team(*, team: Team) -> QuerySet[MeetingReport]:
    return (
        MeetingReport.objects.filter(meeting__series__team=team)
        .select_related("author", "meeting")
        .order_by("-meeting__start_at")
    )


def topics_for_team(*, team: Team) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(report__meeting__series__team=team)
        .prefetch_related("action_links")
        .order_by("report", "position", "pk")
    )


def series_for_user(*, user: User | AnonymousUser) -> QuerySet[MeetingSeries]:
    return (
        MeetingSeries.objects.filter(team__in=teams_for_user(user=user))
        .select_related("team", "contact")
        .order_by("team__name", "title")
    )


def series_get_for_user(
    *, user: User | AnonymousUser, pk: int, min_role: str | None = None
) -> MeetingSeries:
    series = MeetingSeries.objects.select_related("team", "contact").filter(pk=pk).first()
    if series is None:
        raise Http404("No such meeting series.")
    team_access(user=user, team=series.team).require(min_role=min_role)
    return series


def meetings_for_user(*, user: User | AnonymousUser) -> MeetingQuerySet:
    return Meeting.objects.filter(series__team__in=teams_for_user(user=user)).select_related(
        "series__team", "report"
    )


def meeting_get_for_user(
    *, user: User | AnonymousUser, pk: int, min_role: str | None = None
) -> Meeting:
    meeting = Meeting.objects.select_related("series__team", "report").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting.")
    team_access(user=user, team=meeting.series.team).require(min_role=min_role)
    return meeting


def report_get_for_user(
    *, user: User | AnonymousUser, pk: int, min_role: str | None = None
) -> MeetingReport:
    report = (
        MeetingReport.objects.select_related("meeting__series__team", "author", "updated_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    team_access(user=user, team=report.meeting.series.team).require(min_role=min_role)
    return report


def report_of_meeting_get_for_user(
    *, user: User | AnonymousUser, meeting_pk: int
) -> MeetingReport | None:
    """The meeting's report, None if it has none yet (404 as `meeting_get_for_user`):
    two queries."""
    report = (
        MeetingReport.objects.select_related("meeting__series__team", "author", "updated_by")
        .filter(meeting_id=meeting_pk)
        .first()
    )
    if report is None:
        meeting_get_for_user(user=user, pk=meeting_pk)
        return None
    team_access(user=user, team=report.meeting.series.team).require()
    return report


def meetings_between(
    *, user: User | AnonymousUser, start: dt.datetime, end: dt.datetime
) -> MeetingQuerySet:
    """The user's teams' occurrences overlapping [start, end), cancelled ones included."""
    return meetings_for_user(user=user).filter(start_at__lt=end, end_at__gt=start)


def current_meeting(
    *, user: User | AnonymousUser, now: dt.datetime | None = None
) -> Meeting | None:
    """The meeting running now or ended less than two hours ago (latest start first).
    It started at most a day before that, which keeps the read to the last day's meetings
    instead of every meeting in the history."""
    now = now or timezone.now()
    ended_after = now - CURRENT_MEETING_AFTER
    return (
        meetings_for_user(user=user)
        .scheduled()
        .filter(
            start_at__lte=now,
            start_at__gte=ended_after - dt.timedelta(minutes=LONGEST_MEETING_MINUTES),
            end_at__gte=ended_after,
        )
        .order_by("-start_at")
        .first()
    )


def week_bounds(*, now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(start of today, end of today, end of the coming seven days), in the active
    (viewer's) zone. A rolling week, so that on a Sunday Monday's meetings show."""
    local = timezone.localtime(now)
    here = local.tzinfo
    today = local.date()
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=here)
    day_end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=here)
    week_end = dt.datetime.combine(today + dt.timedelta(days=7), dt.time.min, tzinfo=here)
    return day_start, day_end, week_end


def week_panel(*, user: User | AnonymousUser, now: dt.datetime) -> dict[str, Any]:
    """Today's and the next six days' meetings of the user's teams (viewer's zone),
    and the current meeting, for the dashboard and the meetings page."""
    day_start, day_end, week_end = week_bounds(now=now)
    week = list(meetings_between(user=user, start=day_start, end=week_end).order_by("start_at"))
    return {
        "today": [meeting for meeting in week if meeting.start_at < day_end],
        "later": [meeting for meeting in week if meeting.start_at >= day_end],
        "current": current_meeting(user=user, now=now),
    }


def topics_for_report(*, report: MeetingReport) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(report=report)
        .select_related("carried_from")
        .prefetch_related(
            Prefetch(
                "action_links",
                queryset=TopicActionItem.objects.select_related("action_item__owner").order_by(
                    "pk"
                ),
            )
        )
        .order_by("position", "pk")
    )


def carried_action_items(*, report: MeetingReport) -> QuerySet[ActionItem]:
    """Open action items from the earlier reports of the same series."""
    meeting = report.meeting
    return (
        ActionItem.objects.open()
        .filter(
            meeting_topic_link__topic__report__meeting__series_id=meeting.series_id,
            meeting_topic_link__topic__report__meeting__start_at__lt=meeting.start_at,
        )
        .select_related("owner", "meeting_topic_link__topic")
        .order_by("due_on", "pk")
    )


def neighbours(*, meeting: Meeting) -> tuple[Meeting | None, Meeting | None]:
    """The previous and next scheduled occurrences of the series."""
    siblings = (
        Meeting.objects.scheduled().filter(series_id=meeting.series_id).select_related("report")
    )
    previous = siblings.filter(start_at__lt=meeting.start_at).order_by("-start_at").first()
    following = siblings.filter(start_at__gt=meeting.start_at).order_by("start_at").first()
    return previous, following


def report_context(*, report: MeetingReport) -> dict[str, Any]:
    """Everything the report page, the published HTML and the email text show, the
    action items' GitHub issues included (one query for all of them)."""
    meeting = report.meeting
    topics = list(topics_for_report(report=report))
    items: list[ActionItem] = []
    for topic in topics:
        topic.items = [link.action_item for link in topic.action_links.all()]  # type: ignore[attr-defined]
        items += topic.items  # type: ignore[attr-defined]
    links_for_items(items)
    previous, following = neighbours(meeting=meeting)
    return {
        "report": report,
        "meeting": meeting,
        "series": meeting.series,
        "team": meeting.series.team,
        "topics": topics,
        "carried_items": list(carried_action_items(report=report)),
        "previous": previous,
        "next": following,
    }


def reports_published(
    *, team: Team | None = None, series: MeetingSeries | None = None, query: str = ""
) -> QuerySet[MeetingReport]:
    reports = MeetingReport.objects.filter(published_at__isnull=False).select_related(
        "meeting__series__team", "author"
    )
    if team is not None:
        reports = reports.filter(meeting__series__team=team)
    if series is not None:
        reports = reports.filter(meeting__series=series)
    reports = reports.order_by("-meeting__start_at")
    return text_search(reports, query=query, fields=REPORT_SEARCH_FIELDS)


def reports_compiled(
    *, series: MeetingSeries, start: dt.date, end: dt.date
) -> QuerySet[MeetingReport]:
    """Published reports of the series whose meeting started in [start, end] (meeting zone)."""
    meeting_zone = zone(series.time_zone)
    low = dt.datetime.combine(start, dt.time.min, tzinfo=meeting_zone)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=meeting_zone)
    return (
        MeetingReport.objects.filter(
            published_at__isnull=False,
            meeting__series=series,
            meeting__start_at__gte=low,
            meeting__start_at__lt=high,
        )
        .select_related("meeting__series")
        .order_by("meeting__start_at")
    )


def revisions_for_report(*, report: MeetingReport) -> QuerySet[ReportRevision]:
    return report.revisions.select_related("author").order_by("-saved_at", "-pk")
