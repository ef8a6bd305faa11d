"""Shift calendar feeds: a team's effective schedule and the personal feed (my shifts and
covers across my teams, plus my teams' meetings), as .ics.

One event per effective segment, in the team's zone (TZID + VTIMEZONE), transparent so a
week-long shift does not block a week as busy. UIDs are built from the shift and the
override that cuts it, so a swap, a retime or a cover keeps them; SEQUENCE is the
number of entries in the shift's history (every change writes one) and LAST-MODIFIED
its latest one. The validators (ETag / Last-Modified) come from aggregate queries only.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.urls import reverse

from meetings.feeds import meeting_events, meetings_in_window, meetings_version_parts
from meetings.models import Meeting, MeetingSeries
from shifts.models import Override, Rotation, Shift, ShiftEvent
from teams.feeds import (
    CalendarFeed,
    FeedLink,
    TeamCalendarFeed,
    VersionParts,
    feed_host,
    feed_url_by_pk,
)
from teams.ical import FeedEvent
from teams.models import Profile, Team
from teams.selectors import (
    feed_user_for_token,
    memberships_for_user,
    person_name,
    profile_for_user,
)
from teams.timezones import zone


@dataclass(frozen=True, slots=True)
class FeedCover:
    id: int
    user_id: int
    user_name: str
    start_at: dt.datetime
    end_at: dt.datetime
    reason: str


@dataclass(frozen=True, slots=True)
class FeedShift:
    """A shift with what its events show of its team, rotation, people and history."""

    id: int
    team_id: int
    team_name: str
    team_time_zone: str
    rotation_name: str
    start_at: dt.datetime
    end_at: dt.datetime
    assignee_id: int | None
    assignee_name: str  # "nobody" without an assignee, as person_name says
    sequence: int
    last_modified: dt.datetime
    url: str
    covers: list[FeedCover]


PERSON_NAME_FIELDS = ("username", "first_name", "last_name")


def _person_fields(person: str) -> dict[str, F]:
    return {f"{person}_{part}": F(f"{person}__{part}") for part in PERSON_NAME_FIELDS}


def _person_name(names: dict[int, str], row: Mapping[str, Any], person: str) -> str:
    """The name of the row's `person` (its fields from `_person_fields`), once per id."""
    pk = row[f"{person}_id"]
    if pk is None:
        return person_name(None)
    if pk not in names:
        parts = {part: row[f"{person}_{part}"] for part in PERSON_NAME_FIELDS}
        names[pk] = person_name(User(pk=pk, **parts))
    return names[pk]


def feed_shifts(
    *,
    teams: list[int],
    start: dt.datetime,
    end: dt.datetime | None = None,
    person: User | None = None,
) -> list[FeedShift]:
    """Active rotations' shifts overlapping [start, end) (only those `person` is on or
    covers part of), with their covers and the size and last change of their history:
    two queries whatever the number of shifts, read as values (model objects for the
    shifts, their people, rotations and teams cost a quarter of a large feed)."""
    history = ShiftEvent.objects.filter(shift=OuterRef("pk")).order_by().values("shift")
    qs = Shift.objects.filter(team__in=teams, rotation__is_active=True, end_at__gt=start)
    if end is not None:
        qs = qs.filter(start_at__lt=end)
    if person is not None:
        qs = qs.filter(Q(assignee=person) | Q(overrides__user=person)).distinct()
    rows = (
        qs.annotate(
            history_count=Coalesce(
                Subquery(history.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                0,
            ),
            # The latest change as one timestamp: each one read costs.
            last_modified=Coalesce(
                Subquery(history.annotate(last=Max("created_at")).values("last")),
                "rotation__created_at",
            ),
        )
        .order_by("start_at", "pk")
        .values(
            "id",
            "team_id",
            "start_at",
            "end_at",
            "assignee_id",
            "history_count",
            "last_modified",
            team_name=F("team__name"),
            team_slug=F("team__slug"),
            team_time_zone=F("team__time_zone"),
            rotation_name=F("rotation__name"),
            **_person_fields("assignee"),
        )
    )
    shift_rows = list(rows)
    names: dict[int, str] = {}
    covers: dict[int, list[FeedCover]] = defaultdict(list)
    # The covers of the same shifts, without sending their ids back (no shifts, no query).
    of_shifts = (qs if shift_rows else qs.none()).values("pk")
    for cover in (
        Override.objects.filter(shift__in=of_shifts)
        .order_by("start_at", "pk")
        .values(
            "id", "shift_id", "user_id", "start_at", "end_at", "reason", **_person_fields("user")
        )
    ):
        covers[cover["shift_id"]].append(
            FeedCover(
                id=cover["id"],
                user_id=cover["user_id"],
                user_name=_person_name(names, cover, "user"),
                start_at=cover["start_at"],
                end_at=cover["end_at"],
                reason=cover["reason"],
            )
        )
    shift_urls: dict[str, Callable[[int], str]] = {}
    shifts: list[FeedShift] = []
    for row in shift_rows:
        slug = row["team_slug"]
        if slug not in shift_urls:
            shift_urls[slug] = feed_url_by_pk("shifts:shift", slug=slug)
        shifts.append(
            FeedShift(
                id=row["id"],
                team_id=row["team_id"],
                team_name=row["team_name"],
                team_time_zone=row["team_time_zone"],
                rotation_name=row["rotation_name"],
                start_at=row["start_at"],
                end_at=row["end_at"],
                assignee_id=row["assignee_id"],
                assignee_name=_person_name(names, row, "assignee"),
                sequence=row["history_count"],
                last_modified=row["last_modified"],
                url=shift_urls[slug](row["id"]),
                covers=covers[row["id"]],
            )
        )
    return shifts


def shift_events(shift: FeedShift, *, host: str, person_id: int | None = None) -> list[FeedEvent]:
    """The effective segments of a shift (covers cut it), or only `person_id`'s."""
    tz = zone(shift.team_time_zone)
    events: list[FeedEvent] = []

    def piece(
        person: int | None, name: str, start: dt.datetime, end: dt.datetime, key: str, note: str
    ) -> None:
        if person_id is not None and person != person_id:
            return
        events.append(
            FeedEvent(
                uid=f"shift-{shift.id}{'-' + key if key else ''}@{host}",
                kind="shift",
                title=f"{name if person else 'Nobody'} on shift ({shift.team_name})",
                start=start.astimezone(tz),
                end=end.astimezone(tz),
                sequence=shift.sequence,
                last_modified=shift.last_modified,
                url=shift.url,
                description=f"{shift.rotation_name}, {shift.team_name}.{note}",
                transparent=True,
            )
        )

    cursor, key = shift.start_at, ""
    for cover in shift.covers:
        if cover.start_at > cursor:
            piece(shift.assignee_id, shift.assignee_name, cursor, cover.start_at, key, "")
        reason = f" {cover.reason}" if cover.reason else ""
        note = f" Covering for {shift.assignee_name}.{reason}"
        piece(
            cover.user_id, cover.user_name, cover.start_at, cover.end_at, f"cover-{cover.id}", note
        )
        cursor, key = cover.end_at, f"after-{cover.id}"
    if cursor < shift.end_at:
        piece(shift.assignee_id, shift.assignee_name, cursor, shift.end_at, key, "")
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
    shifts: list[FeedEvent] = []
    on_shift: list[tuple[int, dt.datetime, dt.datetime]] = []
    for shift in feed_shifts(teams=team_ids, start=start, person=user):
        for event in shift_events(shift, host=host, person_id=user.pk):
            shifts.append(event)
            on_shift.append((shift.team_id, event.start, event.end))
    meetings = Meeting.objects.filter(series__team__in=team_ids)
    if covered_only:
        meetings = meetings.filter(series__shifter_covers=True)
    mine = [
        meeting
        for meeting in meetings_in_window(meetings=meetings, start=start)
        if not covered_only
        or any(
            team_id == meeting.team_id and begin <= meeting.start_at < finish
            for team_id, begin, finish in on_shift
        )
    ]
    return sorted(shifts + meeting_events(mine), key=lambda event: event.start)


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
