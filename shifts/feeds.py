"""Shift calendar feeds: a team's effective schedule and the personal feed (my shifts and
covers across my teams, plus my teams' meetings), as .ics.

One event per effective segment, in the team's zone (TZID + VTIMEZONE), transparent so a
week-long shift does not block a week as busy. UIDs are built from the shift and the
override that cuts it, so a swap, a retime or a cover keeps them; SEQUENCE is the
number of entries in the shift's history (every change writes one) and LAST-MODIFIED
its latest one. The validators (ETag / Last-Modified) come from aggregate queries only.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.urls import reverse

from meetings.feeds import meeting_event, meetings_in_window, meetings_version_parts
from meetings.models import Meeting, MeetingSeries
from shifts.models import Override, Rotation, Shift, ShiftEvent
from teams.feeds import CalendarFeed, FeedLink, TeamCalendarFeed, VersionParts, feed_host
from teams.ical import FeedEvent
from teams.models import Profile, Team
from teams.selectors import (
    feed_user_for_token,
    memberships_for_user,
    person_name,
    profile_for_user,
)
from teams.timezones import zone


def feed_shifts(
    *, teams: QuerySet[Team] | list[int], start: dt.datetime, end: dt.datetime | None = None
) -> QuerySet[Shift]:
    """Active rotations' shifts overlapping [start, end), with their covers and the size
    and last change of their history: two queries whatever the number of shifts."""
    history = ShiftEvent.objects.filter(shift=OuterRef("pk")).order_by().values("shift")
    qs = Shift.objects.filter(team__in=teams, rotation__is_active=True, end_at__gt=start)
    if end is not None:
        qs = qs.filter(start_at__lt=end)
    return (
        qs.annotate(
            history_count=Coalesce(
                Subquery(history.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                0,
            ),
            history_last=Subquery(history.annotate(last=Max("created_at")).values("last")),
        )
        .select_related("assignee", "rotation", "team")
        .prefetch_related(Prefetch("overrides", queryset=Override.objects.select_related("user")))
        .order_by("start_at", "pk")
    )


def shift_events(shift: Shift, *, host: str, person_id: int | None = None) -> list[FeedEvent]:
    """The effective segments of a shift (covers cut it), or only `person_id`'s."""
    tz = zone(shift.team.time_zone)
    team_name = shift.team.name
    url = f"{settings.SITE_URL}{shift.get_absolute_url()}"
    sequence: int = getattr(shift, "history_count", 0)
    modified: dt.datetime = getattr(shift, "history_last", None) or shift.rotation.created_at
    events: list[FeedEvent] = []

    def piece(
        person: User | None, start: dt.datetime, end: dt.datetime, key: str, note: str
    ) -> None:
        if person_id is not None and (person is None or person.pk != person_id):
            return
        events.append(
            FeedEvent(
                uid=f"shift-{shift.pk}{'-' + key if key else ''}@{host}",
                kind="shift",
                title=f"{person_name(person) if person else 'Nobody'} on shift ({team_name})",
                start=start.astimezone(tz),
                end=end.astimezone(tz),
                sequence=sequence,
                last_modified=modified,
                url=url,
                description=f"{shift.rotation.name}, {team_name}.{note}",
                transparent=True,
            )
        )

    cursor, key = shift.start_at, ""
    for cover in sorted(shift.overrides.all(), key=lambda o: o.start_at):
        if cover.start_at > cursor:
            piece(shift.assignee, cursor, cover.start_at, key, "")
        reason = f" {cover.reason}" if cover.reason else ""
        note = f" Covering for {person_name(shift.assignee)}.{reason}"
        piece(cover.user, cover.start_at, cover.end_at, f"cover-{cover.pk}", note)
        cursor, key = cover.end_at, f"after-{cover.pk}"
    if cursor < shift.end_at:
        piece(shift.assignee, cursor, shift.end_at, key, "")
    return events


def team_shift_events(
    *, team: Team, start: dt.datetime, end: dt.datetime | None = None
) -> list[FeedEvent]:
    host = feed_host()
    return [
        event
        for shift in feed_shifts(teams=[team.pk], start=start, end=end)
        for event in shift_events(shift, host=host)
        if end is None or event.start < end
        if event.end > start
    ]


def shifts_version_parts(
    *, team_ids: list[int], start: dt.datetime
) -> tuple[tuple[object, ...], list[dt.datetime]]:
    """What the shifts of some teams' feeds depend on, from four aggregate queries."""
    shifts = Shift.objects.filter(team__in=team_ids, end_at__gt=start).aggregate(
        count=Count("pk"), top=Max("pk")
    )
    history = ShiftEvent.objects.filter(shift__team__in=team_ids).aggregate(
        count=Count("pk"), last=Max("created_at")
    )
    covers = Override.objects.filter(shift__team__in=team_ids).aggregate(
        count=Count("pk"), top=Max("pk"), last=Max("created_at")
    )
    rotations = Rotation.objects.filter(team__in=team_ids).aggregate(
        count=Count("pk"), active=Count("pk", filter=Q(is_active=True)), last=Max("updated_at")
    )
    parts = tuple(
        value for row in (shifts, history, covers, rotations) for _, value in sorted(row.items())
    )
    changes = [row["last"] for row in (history, covers, rotations) if row["last"]]
    return parts, changes


class TeamShiftsFeed(TeamCalendarFeed):
    """The team's effective shift schedule as an .ics feed."""

    def title(self, obj: Team) -> str:
        return f"{obj.name} shifts"

    def description(self, obj: Team) -> str:
        return f"Who is on shift in {obj.name} (Shiftdesk)"

    def filename(self, obj: Team) -> str:
        return f"{obj.slug}-shifts.ics"

    def events(self, obj: Team, start: dt.datetime) -> list[FeedEvent]:
        return team_shift_events(team=obj, start=start)

    def version_parts(self, obj: Team, start: dt.datetime) -> VersionParts:
        parts, changes = shifts_version_parts(team_ids=[obj.pk], start=start)
        return (obj.name, obj.time_zone, *parts), changes


team_feed = TeamShiftsFeed()


# --- The personal feed -------------------------------------------------------------------


def personal_events(
    *, user: User, team_ids: list[int], start: dt.datetime, covered_only: bool
) -> list[FeedEvent]:
    """My effective shifts and covers in my teams, and my teams' meetings (only those
    the shifter covers that fall in one of my shifts when `covered_only`)."""
    host = feed_host()
    mine = (
        feed_shifts(teams=team_ids, start=start)
        .filter(Q(assignee=user) | Q(overrides__user=user))
        .distinct()
    )
    shifts: list[FeedEvent] = []
    on_shift: list[tuple[int, dt.datetime, dt.datetime]] = []
    for shift in mine:
        for event in shift_events(shift, host=host, person_id=user.pk):
            shifts.append(event)
            on_shift.append((shift.team_id, event.start, event.end))
    meetings = Meeting.objects.filter(series__team__in=team_ids)
    if covered_only:
        meetings = meetings.filter(series__shifter_covers=True)
    meeting_events = [
        meeting_event(meeting, host=host)
        for meeting in meetings_in_window(meetings=meetings, start=start)
        if not covered_only
        or any(
            team_id == meeting.series.team_id and begin <= meeting.start_at < finish
            for team_id, begin, finish in on_shift
        )
    ]
    return sorted(shifts + meeting_events, key=lambda event: event.start)


@dataclass(frozen=True)
class PersonalFeedOwner:
    user: User
    team_ids: list[int]
    setting: str

    @property
    def covered_only(self) -> bool:
        return self.setting == Profile.FeedMeetings.COVERED


class PersonalFeed(CalendarFeed[PersonalFeedOwner]):
    """My shifts and my teams' meetings as one .ics feed."""

    def get_object(self, request: HttpRequest, **kwargs: Any) -> PersonalFeedOwner:
        user = feed_user_for_token(token=kwargs["token"])
        if user is None:
            raise Http404("No such feed.")
        team_ids = sorted(memberships_for_user(user=user).values_list("team_id", flat=True))
        profile = profile_for_user(user=user)
        setting = profile.feed_meetings if profile else Profile.FeedMeetings.ALL
        return PersonalFeedOwner(user=user, team_ids=team_ids, setting=setting)

    def title(self, obj: PersonalFeedOwner) -> str:
        return f"Shiftdesk: {person_name(obj.user)}"

    def description(self, obj: PersonalFeedOwner) -> str:
        return "My shifts and my teams' meetings (Shiftdesk)"

    def filename(self, obj: PersonalFeedOwner) -> str:
        return "shiftdesk-me.ics"

    def cache_key(self, obj: PersonalFeedOwner) -> str:
        return str(obj.user.pk)

    def events(self, obj: PersonalFeedOwner, start: dt.datetime) -> list[FeedEvent]:
        return personal_events(
            user=obj.user, team_ids=obj.team_ids, start=start, covered_only=obj.covered_only
        )

    def version_parts(self, obj: PersonalFeedOwner, start: dt.datetime) -> VersionParts:
        shift_parts, shift_changes = shifts_version_parts(team_ids=obj.team_ids, start=start)
        meeting_parts, meeting_changes = meetings_version_parts(
            meetings=Meeting.objects.filter(series__team__in=obj.team_ids, end_at__gt=start),
            series=MeetingSeries.objects.filter(team__in=obj.team_ids),
        )
        parts = (obj.user.pk, obj.setting, tuple(obj.team_ids), *shift_parts, *meeting_parts)
        return parts, shift_changes + meeting_changes


personal_feed = PersonalFeed()


def shift_feed_links(user: User, token: str) -> list[FeedLink]:
    links = [
        FeedLink(
            "My shifts and meetings",
            reverse("shifts:feed-me", kwargs={"token": token}),
            personal=True,
        )
    ]
    links += [
        FeedLink(
            f"{membership.team.name} shifts",
            reverse("shifts:feed", kwargs={"token": token, "slug": membership.team.slug}),
        )
        for membership in memberships_for_user(user=user).order_by("team__name")
    ]
    return links
