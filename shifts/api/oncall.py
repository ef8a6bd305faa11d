"""Who is on shift in a team at an instant, and the team's calendar events (the feeds'
data as JSON)."""

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.feeds import team_meeting_events
from shifts.api.serializers import OnCallShiftSerializer, PersonSerializer
from shifts.feeds import team_shift_events
from shifts.selectors.oncall import oncall_at, oncall_now
from teams.access import team_access
from teams.bounds import SaneDateTimeField
from teams.ical import FeedEvent
from teams.rest import TEAM_SLUG


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


class OnCallView(APIView):
    """Who is on shift in the team at an instant (overrides included). Built for chat
    bots: the team and the caller's role (one query), then the shift (one query,
    whatever the history size); "now" comes from the shared cache until it can change,
    so a repeated question costs no query beyond authentication and access. `at`
    without an offset is a time in the team's zone (one that does not exist or happens
    twice there, at a daylight-saving change, is a 400); times in the answer are UTC."""

    @extend_schema(parameters=[TEAM_SLUG, OnCallQuerySerializer], responses=OnCallSerializer)
    def get(self, request: Request, team_slug: str) -> Response:
        team = team_access(user=request.user, slug=team_slug).require(readable=True).team
        query = OnCallQuerySerializer(data=request.query_params, context={"team": team})
        query.is_valid(raise_exception=True)
        rotation_id = query.validated_data.get("rotation")
        if "at" in query.validated_data:
            at = query.validated_data["at"]
            found = oncall_at(team=team, at=at, rotation_id=rotation_id)
        else:
            at = timezone.now()
            found = oncall_now(team=team, rotation_id=rotation_id)
        data: dict[str, Any] = {"team": team.slug, "at": at}
        if found is None:
            data |= dict.fromkeys(
                ("person", "start_at", "end_at", "covering_for", "rotation", "shift")
            )
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
        return Response(OnCallSerializer(data).data)


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
