"""Meeting calendar feeds: a team's meetings as .ics, and the events they are made of.

Every occurrence is sent in its series' zone (TZID + VTIMEZONE). Its UID comes from the
series and the slot the rule gave it, so it survives a move, a cancellation and a series
edit that keeps the slot; SEQUENCE is the series' plus the occurrence's edit counters.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Max, QuerySet, Sum
from django.urls import reverse

from meetings.models import Meeting, MeetingSeries
from teams.feeds import FeedLink, TeamCalendarFeed, VersionParts, feed_host
from teams.ical import FeedEvent
from teams.models import Team
from teams.selectors import memberships_for_user
from teams.timezones import zone


def meetings_in_window(
    *, meetings: QuerySet[Meeting], start: dt.datetime, end: dt.datetime | None = None
) -> QuerySet[Meeting]:
    meetings = meetings.filter(end_at__gt=start)
    if end is not None:
        meetings = meetings.filter(start_at__lt=end)
    return meetings.select_related("series__team").order_by("start_at", "pk")


def meetings_version_parts(
    *, meetings: QuerySet[Meeting], series: QuerySet[MeetingSeries]
) -> tuple[tuple[object, ...], list[dt.datetime]]:
    """What the meetings of a feed depend on, from two aggregate queries (no rendering):
    (parts for the ETag, change times for Last-Modified)."""
    # The edit counters (SEQUENCE) are in the version too: two edits within one clock
    # tick leave `updated_at` unchanged but never the counters.
    occurrences = meetings.aggregate(
        count=Count("pk"), last=Max("updated_at"), top=Max("pk"), edits=Sum("sequence")
    )
    series_row = series.aggregate(
        count=Count("pk"), last=Max("updated_at"), top=Max("pk"), edits=Sum("sequence")
    )
    parts = (
        occurrences["count"],
        occurrences["top"],
        occurrences["last"],
        occurrences["edits"],
        series_row["count"],
        series_row["top"],
        series_row["last"],
        series_row["edits"],
    )
    changes = [value for value in (occurrences["last"], series_row["last"]) if value]
    return parts, changes


def meeting_event(meeting: Meeting, *, host: str) -> FeedEvent:
    series = meeting.series
    tz = zone(series.time_zone)
    slot = meeting.slot_at.astimezone(dt.UTC)
    lines = [f"{series.title} ({series.team.name})"]
    if series.host == MeetingSeries.Host.OTHER and series.host_team_name:
        lines.append(f"Hosted by {series.host_team_name}.")
    if meeting.note:
        lines.append(meeting.note)
    if series.video_url:
        lines.append(f"Video: {series.video_url}")
    return FeedEvent(
        uid=f"meeting-{series.pk}-{slot:%Y%m%dT%H%M%SZ}@{host}",
        kind="meeting",
        title=series.title,
        start=meeting.start_at.astimezone(tz),
        end=meeting.end_at.astimezone(tz),
        sequence=series.sequence + meeting.sequence,
        last_modified=max(series.updated_at, meeting.updated_at),
        url=f"{settings.SITE_URL}{meeting.get_absolute_url()}",
        description="\n".join(lines),
        location=series.location,
        video_url=series.video_url,
        cancelled=meeting.is_cancelled,
    )


def team_meetings(team: Team) -> QuerySet[Meeting]:
    return Meeting.objects.filter(series__team=team)


def team_meeting_events(
    *, team: Team, start: dt.datetime, end: dt.datetime | None = None
) -> list[FeedEvent]:
    """The team's occurrences overlapping [start, end), cancelled ones included: 1 query."""
    host = feed_host()
    return [
        meeting_event(meeting, host=host)
        for meeting in meetings_in_window(meetings=team_meetings(team), start=start, end=end)
    ]


class TeamMeetingsFeed(TeamCalendarFeed):
    """The team's meetings as an .ics feed (token in the URL; 304 when unchanged)."""

    def title(self, obj: Team) -> str:
        return f"{obj.name} meetings"

    def description(self, obj: Team) -> str:
        return f"Meetings of {obj.name} (Shiftdesk)"

    def filename(self, obj: Team) -> str:
        return f"{obj.slug}-meetings.ics"

    def events(self, obj: Team, start: dt.datetime) -> list[FeedEvent]:
        return team_meeting_events(team=obj, start=start)

    def version_parts(self, obj: Team, start: dt.datetime) -> VersionParts:
        parts, changes = meetings_version_parts(
            meetings=team_meetings(obj).filter(end_at__gt=start),
            series=MeetingSeries.objects.filter(team=obj),
        )
        return (obj.name, *parts), changes


team_feed = TeamMeetingsFeed()


def team_meeting_feed_links(user: User, token: str) -> list[FeedLink]:
    return [
        FeedLink(
            f"{membership.team.name} meetings",
            reverse("meetings:feed", kwargs={"token": token, "slug": membership.team.slug}),
        )
        for membership in memberships_for_user(user=user).order_by("team__name")
    ]
