"""Who is on shift in a team at an instant, and the team's calendar events (the feeds'
data as JSON)."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.feeds import team_meeting_events
from shifts.api.serializers import OnCallShiftSerializer, PersonSerializer
from shifts.feeds import team_shift_events
from shifts.selectors.oncall import OnCall, oncall_at
from teams.access import team_access, team_access_cached, team_access_read_ahead_keys
from teams.bounds import SaneDateTimeField
from teams.cache_versions import team_cache_get, team_cache_key, team_cache_set
from teams.ical import FeedEvent
from teams.models import Team
from teams.read_ahead import ReadAheadMixin
from teams.rest import TEAM_SLUG, request_user


class OnCallQuerySerializer(serializers.Serializer[Any]):
    at = SaneDateTimeField(
        required=False,
        help_text="ISO 8601; default now. Without an offset, a time in the team's zone.",
    )
    rotation = serializers.IntegerField(required=False, help_text="Only this rotation.")


class OnCallRotationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OnCallSerializer(serializers.Serializer[Any]):
    team = serializers.CharField()
    at = SaneDateTimeField()
    person = PersonSerializer(allow_null=True, help_text="Who is on shift; null if nobody.")
    start_at = SaneDateTimeField(allow_null=True, help_text="Start of their turn.")
    end_at = SaneDateTimeField(allow_null=True, help_text="End of their turn.")
    covering_for = PersonSerializer(
        allow_null=True, help_text="Set when `person` covers part of this person's shift."
    )
    rotation = OnCallRotationSerializer(allow_null=True)
    shift = OnCallShiftSerializer(allow_null=True)


# Writes that bypass the services (the admin) show in the cached answer within this.
ONCALL_CACHE_MAX_SECONDS = 3600
AT = SaneDateTimeField()


def _cache_name(rotation_id: int | None) -> str:
    return f"oncall:{rotation_id or ''}"


NOW_NAMES = (_cache_name(None),)


def _answer(found: OnCall | None) -> dict[str, Any]:
    """The answer's fields after `team` and `at`, as `OnCallSerializer` gives them."""
    data: dict[str, Any] = {"team": "", "at": None}
    if found is None:
        data |= dict.fromkeys(("person", "start_at", "end_at", "covering_for", "rotation", "shift"))
    else:
        data |= {
            "person": found.person,
            "start_at": found.start_at,
            "end_at": found.end_at,
            "covering_for": found.covering_for,
            "rotation": {"id": found.rotation_id, "name": found.rotation_name},
            "shift": {
                "id": found.shift_id,
                "start_at": found.shift_start_at,
                "end_at": found.shift_end_at,
            },
        }
    answer = dict(OnCallSerializer(data).data)
    del answer["team"], answer["at"]
    return answer


def _response(team: Team, at: dt.datetime, answer: dict[str, Any]) -> Response:
    return Response({"team": team.slug, "at": AT.to_representation(at), **answer})


def _now_response(*, team: Team, rotation_id: int | None, version: str, cached: Any) -> Response:
    """The answer for now: the serialized one cached under the team's `version`, until
    the instant it changes by itself; else computed, and cached unless nobody is on
    shift."""
    now = timezone.now()
    if cached is not None and cached[0] <= now < cached[1]:
        return _response(team, now, cached[2])
    found = oncall_at(team=team, at=now, rotation_id=rotation_id)
    answer = _answer(found)
    if found is not None:
        team_cache_set(
            key=team_cache_key(team_id=team.pk, name=_cache_name(rotation_id)),
            version=version,
            value=(now, found.changes_at, answer),
            timeout=min((found.changes_at - now).total_seconds(), ONCALL_CACHE_MAX_SECONDS),
        )
    return _response(team, now, answer)


class OnCallView(ReadAheadMixin, APIView):
    """Who is on shift in the team at an instant (overrides included). Built for chat
    bots: the caller's access and the answer for now come from the shared cache in one
    round trip until either can change (a change to the team, its memberships, shifts,
    covers or rotations, or the instant the answer changes by itself): no query beyond
    authentication. Else the team with the caller's role (one query), then the shift
    (one query, whatever the history size). `at` without an offset is a time in the
    team's zone (one that does not exist or happens twice there, at a daylight-saving
    change, is a 400); times in the answer are UTC. With a token, that round trip is
    the token check's own (`teams.read_ahead`)."""

    def read_ahead_keys(self, user: User) -> list[str]:
        if self.request.query_params:
            return []
        return team_access_read_ahead_keys(
            user_id=user.pk, slug=self.kwargs["team_slug"], names=NOW_NAMES
        )

    @extend_schema(parameters=[TEAM_SLUG, OnCallQuerySerializer], responses=OnCallSerializer)
    def get(self, request: Request, team_slug: str) -> Response:
        params = request.query_params
        # The chat bot's question (now, every rotation) is read along with the access.
        names = [] if params else NOW_NAMES
        read = team_access_cached(
            user=request_user(request), slug=team_slug, names=names, read_ahead=self.read_ahead
        )
        team = read.access.require(readable=True).team
        if not params:
            cached = read.values.get(NOW_NAMES[0])
            return _now_response(team=team, rotation_id=None, version=read.version, cached=cached)
        query = OnCallQuerySerializer(data=params, context={"team": team})
        query.is_valid(raise_exception=True)
        rotation_id = query.validated_data.get("rotation")
        if "at" in query.validated_data:
            at = query.validated_data["at"]
            return _response(
                team, at, _answer(oncall_at(team=team, at=at, rotation_id=rotation_id))
            )
        key = team_cache_key(team_id=team.pk, name=_cache_name(rotation_id))
        version, cached = team_cache_get(team_id=team.pk, key=key)
        return _now_response(team=team, rotation_id=rotation_id, version=version, cached=cached)


MAX_EVENTS_SPAN = dt.timedelta(days=400)


class EventsQuerySerializer(serializers.Serializer[Any]):
    start = SaneDateTimeField(
        required=False,
        help_text="ISO 8601 (without an offset: the team's zone); default now. "
        "Events ending after it.",
    )
    end = SaneDateTimeField(
        required=False,
        help_text="ISO 8601 (without an offset: the team's zone); default start + 31 days. "
        "Events starting before it.",
    )
    kind = serializers.ChoiceField(
        choices=[("shift", "Shift"), ("meeting", "Meeting")],
        required=False,
        help_text="Only shifts or only meetings; default both.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.setdefault("start", timezone.now())
        end = attrs.setdefault("end", start + dt.timedelta(days=31))
        if end <= start:
            raise serializers.ValidationError({"end": "The end must be after the start."})
        if end - start > MAX_EVENTS_SPAN:
            raise serializers.ValidationError(
                {"end": f"Ask for at most {MAX_EVENTS_SPAN.days} days at a time."}
            )
        return attrs


class CalendarEventSerializer(serializers.Serializer[Any]):
    uid = serializers.CharField(help_text="The event's UID in the .ics feeds (stable).")
    kind = serializers.CharField(help_text="shift or meeting.")
    title = serializers.CharField()
    start = serializers.SerializerMethodField(help_text="ISO 8601, offset of the owning zone.")
    end = serializers.SerializerMethodField(help_text="ISO 8601, offset of the owning zone.")
    zone = serializers.CharField(source="zone_name", help_text="The owning zone (IANA name).")
    status = serializers.CharField(help_text="confirmed or cancelled.")
    sequence = serializers.IntegerField(help_text="Grows with every change.")
    url = serializers.CharField(help_text="The page in Shiftdesk.")
    location = serializers.CharField()
    video_url = serializers.CharField()

    def get_start(self, event: FeedEvent) -> str:
        return event.start.isoformat()

    def get_end(self, event: FeedEvent) -> str:
        return event.end.isoformat()


class TeamEventsView(APIView):
    """The team's shifts (effective, covers included) and meetings in a range: the same
    events as the team's .ics feeds, for the web schedule view and scripts. `start` and
    `end` without an offset are times in the team's zone; each event's `start` and `end`
    carry the offset of its owning zone, as in the feeds."""

    @extend_schema(
        parameters=[TEAM_SLUG, EventsQuerySerializer],
        responses=CalendarEventSerializer(many=True),
    )
    def get(self, request: Request, team_slug: str) -> Response:
        team = team_access(user=request.user, slug=team_slug).require(readable=True).team
        query = EventsQuerySerializer(data=request.query_params, context={"team": team})
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        kind = query.validated_data.get("kind")
        events: list[FeedEvent] = []
        if kind in (None, "shift"):
            events += team_shift_events(team=team, start=start, end=end)
        if kind in (None, "meeting"):
            events += team_meeting_events(team=team, start=start, end=end)
        events.sort(key=lambda event: (event.start, event.uid))
        return Response(CalendarEventSerializer(events, many=True).data)
