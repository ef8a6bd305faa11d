"""Meeting calendar feeds: a team's meetings as .ics, and the events they are made of.

Every occurrence is sent in its series' zone (TZID + VTIMEZONE). Its UID comes from the
series and the slot the rule gave it, so it survives a move, a cancellation and a series
edit that keeps the slot; SEQUENCE is the series' plus the occurrence's edit counters.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, F, Max, QuerySet, Sum
from django.db.models.functions import Greatest
from django.urls import reverse

from meetings.models import Meeting, MeetingSeries
from teams.feeds import FeedLink, TeamCalendarFeed, VersionParts, feed_host, feed_url_by_pk
from teams.ical import FeedEvent
from teams.models import Team
from teams.selectors import memberships_for_user
from teams.timezones import zone


@dataclass(frozen=True, slots=True)
class FeedMeeting:
    """An occurrence with what its event shows of its series and team, read as values."""

    id: int
    slot_at: dt.datetime
    start_at: dt.datetime
    end_at: dt.datetime
    status: str
    note: str
    series_id: int
    series_title: str
    series_time_zone: str
    series_host: str
    series_host_team_name: str
    series_video_url: str
    series_location: str
    team_id: int
    team_name: str
    edits: int  # the series' and the occurrence's edit counters: the event's SEQUENCE
    last_modified: dt.datetime  # the series' or the occurrence's last change


def meetings_in_window(
    *, meetings: QuerySet[Meeting], start: dt.datetime, end: dt.datetime | None = None
) -> list[FeedMeeting]:
    """The occurrences overlapping [start, end) in one query, as values: building a
    model object per occurrence and series cost a fifth of a large feed (and each
    timestamp read costs, so the latest change comes from the database as one)."""
    meetings = meetings.filter(end_at__gt=start)
    if end is not None:
        meetings = meetings.filter(start_at__lt=end)
    rows = meetings.order_by("start_at", "pk").values(
        "id",
        "slot_at",
        "start_at",
        "end_at",
        "status",
        "note",
        "series_id",
        series_title=F("series__title"),
        series_time_zone=F("series__time_zone"),
        series_host=F("series__host"),
        series_host_team_name=F("series__host_team_name"),
        series_video_url=F("series__video_url"),
        series_location=F("series__location"),
        team_id=F("series__team_id"),
        team_name=F("series__team__name"),
        edits=F("series__sequence") + F("sequence"),
        last_modified=Greatest("series__updated_at", "updated_at"),
    )
    return [FeedMeeting(**row) for row in rows]


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


def meeting_event(meeting: FeedMeeting, *, host: str, url: str) -> FeedEvent:
    tz = zone(meeting.series_time_zone)
    slot = meeting.slot_at.astimezone(dt.UTC)
    lines = [f"{meeting.series_title} ({meeting.team_name})"]
    if meeting.series_host == MeetingSeries.Host.OTHER and meeting.series_host_team_name:
        lines.append(f"Hosted by {meeting.series_host_team_name}.")
    if meeting.note:
        lines.append(meeting.note)
    if meeting.series_video_url:
        lines.append(f"Video: {meeting.series_video_url}")
    return FeedEvent(
        uid=f"meeting-{meeting.series_id}-{slot:%Y%m%dT%H%M%SZ}@{host}",
        kind="meeting",
        title=meeting.series_title,
        start=meeting.start_at.astimezone(tz),
        end=meeting.end_at.astimezone(tz),
        sequence=meeting.edits,
        last_modified=meeting.last_modified,
        url=url,
        description="\n".join(lines),
        location=meeting.series_location,
        video_url=meeting.series_video_url,
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )


def meeting_events(meetings: list[FeedMeeting]) -> list[FeedEvent]:
    host = feed_host()
    meeting_url = feed_url_by_pk("meetings:meeting-detail")
    return [meeting_event(meeting, host=host, url=meeting_url(meeting.id)) for meeting in meetings]


def team_meetings(team: Team) -> QuerySet[Meeting]:
    return Meeting.objects.filter(series__team=team)


def team_meeting_events(
    *, team: Team, start: dt.datetime, end: dt.datetime | None = None
) -> list[FeedEvent]:
    """The team's occurrences overlapping [start, end), cancelled ones included: 1 query."""
    return meeting_events(meetings_in_window(meetings=team_meetings(team), start=start, end=end))


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
