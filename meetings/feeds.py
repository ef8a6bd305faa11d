"""Meeting calendar feeds: a team's meetings as .ics, and the events they are made of.

Every occurrence is sent in its series' zone (TZID + VTIMEZONE). Its UID comes from the
series and the slot the rule gave it, so it survives a move, a cancellation and a series
edit that keeps the slot; SEQUENCE is the series' plus the occurrence's edit counters.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.db.models import Count, Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from meetings.models import Meeting, MeetingSeries
from teams.feeds import FeedLink, FeedVersion, calendar_response, feed_version
from teams.ical import FeedEvent, feed_calendar_bytes
from teams.models import Team
from teams.selectors import feed_user_for_token, memberships_for_user
from teams.timezones import zone


def feed_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "shiftdesk"


def feed_window_start(*, now: dt.datetime | None = None) -> dt.datetime:
    """The start of every feed: FEEDS_PAST_DAYS before today (UTC midnight), so the
    window moves once a day."""
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    day = today - dt.timedelta(days=settings.FEEDS_PAST_DAYS)
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def feed_team_for_token(*, token: str, slug: str) -> tuple[User, Team]:
    """The token's user and the team, if that user is an active member; else 404."""
    user = feed_user_for_token(token=token)
    if user is None:
        raise Http404("No such feed.")
    membership = memberships_for_user(user=user).filter(team__slug=slug).first()
    if membership is None:
        raise Http404("No such feed.")
    return user, membership.team


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
    occurrences = meetings.aggregate(count=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    series_row = series.aggregate(count=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    parts = (
        occurrences["count"],
        occurrences["top"],
        occurrences["last"],
        series_row["count"],
        series_row["top"],
        series_row["last"],
    )
    changes = [value for value in (occurrences["last"], series_row["last"]) if value]
    return parts, changes


def version_of(
    *, start: dt.datetime, parts: tuple[object, ...], changes: list[dt.datetime]
) -> FeedVersion:
    """Last-Modified is the latest change, but not before the window last moved."""
    today = dt.datetime.combine(timezone.now().astimezone(dt.UTC).date(), dt.time(0), dt.UTC)
    return feed_version(last_modified=max([today, *changes]), parts=(start.date(), *parts))


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


def team_meetings_feed_version(*, team: Team, start: dt.datetime) -> FeedVersion:
    parts, changes = meetings_version_parts(
        meetings=team_meetings(team).filter(end_at__gt=start),
        series=MeetingSeries.objects.filter(team=team),
    )
    return version_of(start=start, parts=(team.name, *parts), changes=changes)


@login_not_required
@require_GET
def team_feed(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """The team's meetings as an .ics feed (token in the URL; 304 when unchanged)."""
    _, team = feed_team_for_token(token=token, slug=slug)
    start = feed_window_start()

    def build() -> bytes:
        return feed_calendar_bytes(
            name=f"{team.name} meetings",
            description=f"Meetings of {team.name} (Shiftdesk)",
            events=team_meeting_events(team=team, start=start),
            stamp=timezone.now(),
        )

    return calendar_response(
        request,
        version=team_meetings_feed_version(team=team, start=start),
        build=build,
        filename=f"{team.slug}-meetings.ics",
    )


def team_meeting_feed_links(user: User, token: str) -> list[FeedLink]:
    return [
        FeedLink(
            f"{membership.team.name} meetings",
            reverse("meetings:feed", kwargs={"token": token, "slug": membership.team.slug}),
        )
        for membership in memberships_for_user(user=user).order_by("team__name")
    ]
