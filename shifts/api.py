"""REST API: who is on shift, rotations, shifts, overrides, swap requests, unavailability.

Every endpoint lives under /api/v1/teams/{team_slug}/ and starts with the team's
access check; writes go through shifts.services (their ValidationError becomes a 400).
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from meetings.feeds import team_meeting_events
from shifts import leave, selectors, services, swap_requests
from shifts.feeds import team_shift_events
from shifts.models import Override, Rotation, Shift, SwapRequest, Unavailability
from teams.access import team_access
from teams.ical import FeedEvent
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, TeamScopedViewSet, UsernameField, request_user


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()


class UserRefSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


# --- Who is on shift -----------------------------------------------------------------


class OnCallQuerySerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(required=False, help_text="ISO 8601 instant; default now.")
    rotation = serializers.IntegerField(required=False, help_text="Only this rotation.")


class OnCallRotationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OnCallShiftSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()


class OnCallSerializer(serializers.Serializer[Any]):
    team = serializers.CharField()
    at = serializers.DateTimeField()
    person = PersonSerializer(allow_null=True, help_text="Who is on shift; null if nobody.")
    start_at = serializers.DateTimeField(allow_null=True, help_text="Start of their turn.")
    end_at = serializers.DateTimeField(allow_null=True, help_text="End of their turn.")
    covering_for = PersonSerializer(
        allow_null=True, help_text="Set when `person` covers part of this person's shift."
    )
    rotation = OnCallRotationSerializer(allow_null=True)
    shift = OnCallShiftSerializer(allow_null=True)


class OnCallView(APIView):
    """Who is on shift in the team at an instant (overrides included). Built for chat
    bots: three queries (team, role, shift) whatever the history size."""

    @extend_schema(parameters=[TEAM_SLUG, OnCallQuerySerializer], responses=OnCallSerializer)
    def get(self, request: Request, team_slug: str) -> Response:
        query = OnCallQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        team = team_access(user=request.user, slug=team_slug).require(readable=True).team
        at = query.validated_data.get("at") or timezone.now()
        found = selectors.oncall_at(
            team=team, at=at, rotation_id=query.validated_data.get("rotation")
        )
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


# --- Calendar events (the feeds' data as JSON) ---------------------------------------

MAX_EVENTS_SPAN = dt.timedelta(days=400)


class EventsQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField(
        required=False, help_text="ISO 8601; default now. Events ending after it."
    )
    end = serializers.DateTimeField(
        required=False, help_text="ISO 8601; default start + 31 days. Events starting before it."
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
    events as the team's .ics feeds, for the web schedule view and scripts."""

    @extend_schema(
        parameters=[TEAM_SLUG, EventsQuerySerializer],
        responses=CalendarEventSerializer(many=True),
    )
    def get(self, request: Request, team_slug: str) -> Response:
        query = EventsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        team = team_access(user=request.user, slug=team_slug).require(readable=True).team
        start, end = query.validated_data["start"], query.validated_data["end"]
        kind = query.validated_data.get("kind")
        events: list[FeedEvent] = []
        if kind in (None, "shift"):
            events += team_shift_events(team=team, start=start, end=end)
        if kind in (None, "meeting"):
            events += team_meeting_events(team=team, start=start, end=end)
        events.sort(key=lambda event: (event.start, event.uid))
        return Response(CalendarEventSerializer(events, many=True).data)


# --- Rotations -----------------------------------------------------------------------

ROTATION_FIELDS = [
    "name",
    "period_days",
    "handover_weekday",
    "handover_time",
    "start_on",
    "horizon_weeks",
    "is_active",
]


class RotationSerializer(serializers.ModelSerializer[Rotation]):
    participants = serializers.SerializerMethodField(help_text="Usernames in rotation order.")

    class Meta:
        model = Rotation
        fields = ["id", *ROTATION_FIELDS, "participants"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_participants(self, rotation: Rotation) -> list[str]:
        return [p.user.get_username() for p in rotation.participants.all()]


class RotationWriteSerializer(serializers.ModelSerializer[Rotation]):
    participants = serializers.ListField(
        child=UsernameField(), help_text="Usernames in rotation order (add, remove, reorder)."
    )

    class Meta:
        model = Rotation
        fields = [*ROTATION_FIELDS, "participants"]
        # The unique (team, name) check is the service's: the team is not a field here.
        validators: list[Any] = []


@extend_schema(parameters=[TEAM_SLUG])
class RotationViewSet(TeamScopedViewSet):
    """A team's rotations. Members read; leads create and change them (participants as
    an ordered list of usernames). Changing a rotation re-plans future shifts that
    nobody changed by hand."""

    serializer_class = RotationSerializer
    queryset = Rotation.objects.none()
    pagination_class = None

    def list(self, request: Request, team_slug: str) -> Response:
        rotations = selectors.rotations_for_team(team=self.get_team())
        return Response(RotationSerializer(rotations, many=True).data)

    @extend_schema(parameters=[ID])
    def retrieve(self, request: Request, team_slug: str, pk: str) -> Response:
        rotation = selectors.rotation_get(team=self.get_team(), pk=pk)
        return Response(RotationSerializer(rotation).data)

    @extend_schema(request=RotationWriteSerializer, responses={201: RotationSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = RotationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rotation = services.rotation_create(team=team, **serializer.validated_data)
        rotation = selectors.rotation_get(team=team, pk=rotation.pk)
        return Response(RotationSerializer(rotation).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID], request=RotationWriteSerializer, responses=RotationSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        rotation = selectors.rotation_get(team=team, pk=pk)
        serializer = RotationWriteSerializer(rotation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        participants = fields.pop("participants", None)
        if participants is not None:
            services.rotation_set_participants(rotation=rotation, participants=participants)
        if fields or participants is None:
            services.rotation_update(rotation=rotation, **fields)
        return Response(RotationSerializer(selectors.rotation_get(team=team, pk=pk)).data)


# --- Shifts ----------------------------------------------------------------------------


class OverrideInShiftSerializer(serializers.ModelSerializer[Override]):
    user = UserRefSerializer()

    class Meta:
        model = Override
        fields = ["id", "user", "start_at", "end_at", "reason"]


class ShiftSerializer(serializers.ModelSerializer[Shift]):
    assignee = UserRefSerializer(allow_null=True)
    rotation = serializers.IntegerField(source="rotation_id")
    overrides = OverrideInShiftSerializer(many=True)

    class Meta:
        model = Shift
        fields = ["id", "rotation", "slot", "assignee", "start_at", "end_at", "origin", "overrides"]


class ShiftAssignSerializer(serializers.Serializer[Any]):
    assignee = UsernameField()


class ShiftFilter(filters.FilterSet):
    rotation = filters.NumberFilter(field_name="rotation_id")
    person = filters.CharFilter(method="filter_person", help_text="Username: on it or covering.")
    start = filters.IsoDateTimeFilter(
        field_name="end_at", lookup_expr="gt", help_text="Shifts ending after this instant."
    )
    end = filters.IsoDateTimeFilter(
        field_name="start_at", lookup_expr="lt", help_text="Shifts starting before this instant."
    )

    class Meta:
        model = Shift
        fields = ["rotation", "person", "start", "end", "origin"]

    def filter_person(self, queryset: QuerySet[Shift], name: str, value: str) -> QuerySet[Shift]:
        return queryset.filter(
            Q(assignee__username=value) | Q(overrides__user__username=value)
        ).distinct()

    def filter_queryset(self, queryset: QuerySet[Shift]) -> QuerySet[Shift]:
        start, end = self.form.cleaned_data.get("start"), self.form.cleaned_data.get("end")
        if start and end and end <= start:
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        return super().filter_queryset(queryset)


@extend_schema(parameters=[TEAM_SLUG])
class ShiftViewSet(TeamScopedViewSet):
    """A team's shifts, past ones included ("who was on shift on 3 March?"): filter by
    rotation, person and range. Leads set who is on a future shift by hand."""

    serializer_class = ShiftSerializer
    filterset_class = ShiftFilter
    queryset = Shift.objects.none()
    ordering_fields = ["start_at"]

    def get_queryset(self) -> QuerySet[Shift]:
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        return selectors.shifts_for_team(team=self.get_team())

    def list(self, request: Request, team_slug: str) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ShiftSerializer(page, many=True).data)

    @extend_schema(parameters=[ID])
    def retrieve(self, request: Request, team_slug: str, pk: str) -> Response:
        return Response(ShiftSerializer(selectors.shift_get(team=self.get_team(), pk=pk)).data)

    @extend_schema(parameters=[ID], request=ShiftAssignSerializer, responses=ShiftSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        shift = selectors.shift_get(team=team, pk=pk)
        serializer = ShiftAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.shift_assign(shift=shift, actor=request_user(request), **serializer.validated_data)
        return Response(ShiftSerializer(selectors.shift_get(team=team, pk=pk)).data)


def shift_of_team(team: Team, shift: Shift | None, field: str) -> None:
    if shift is not None and shift.team_id != team.pk:
        raise serializers.ValidationError({field: ["No such shift in this team."]})


# --- Overrides -------------------------------------------------------------------------


class OverrideSerializer(serializers.ModelSerializer[Override]):
    user = UserRefSerializer(read_only=True)
    shift = serializers.IntegerField(source="shift_id", read_only=True)
    covering_for = UserRefSerializer(source="shift.assignee", read_only=True, allow_null=True)

    class Meta:
        model = Override
        fields = ["id", "shift", "user", "covering_for", "start_at", "end_at", "reason"]


class OverrideCreateSerializer(serializers.Serializer[Any]):
    shift = serializers.PrimaryKeyRelatedField(queryset=Shift.objects.select_related("team"))
    user = UsernameField(help_text="Who covers.")
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=200, required=False, default="")


@extend_schema(parameters=[TEAM_SLUG])
class OverrideViewSet(TeamScopedViewSet):
    """Cover for part of a shift. The people on the shift or a lead add and remove it;
    covers of one shift may not overlap."""

    serializer_class = OverrideSerializer
    queryset = Override.objects.none()

    def list(self, request: Request, team_slug: str) -> Response:
        page = self.paginate_queryset(selectors.overrides_for_team(team=self.get_team()))
        return self.get_paginated_response(OverrideSerializer(page, many=True).data)

    @extend_schema(request=OverrideCreateSerializer, responses={201: OverrideSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team()
        serializer = OverrideCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift_of_team(team, serializer.validated_data["shift"], "shift")
        override = services.override_create(
            created_by=request_user(request), **serializer.validated_data
        )
        override = selectors.overrides_for_team(team=team).get(pk=override.pk)
        return Response(OverrideSerializer(override).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        override = get_object_or_404(selectors.overrides_for_team(team=self.get_team()), pk=pk)
        services.override_delete(override=override, actor=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Swap requests ---------------------------------------------------------------------


class SwapRequestSerializer(serializers.ModelSerializer[SwapRequest]):
    requester = UserRefSerializer()
    recipient = UserRefSerializer()
    decided_by = UserRefSerializer(allow_null=True)
    shift = OnCallShiftSerializer()
    counter_shift = OnCallShiftSerializer(allow_null=True)

    class Meta:
        model = SwapRequest
        fields = [
            "id",
            "status",
            "requester",
            "recipient",
            "shift",
            "counter_shift",
            "message",
            "created_at",
            "decided_at",
            "decided_by",
        ]


class SwapRequestCreateSerializer(serializers.Serializer[Any]):
    shift = serializers.PrimaryKeyRelatedField(
        queryset=Shift.objects.select_related("team", "rotation"), help_text="Your shift."
    )
    recipient = UsernameField(help_text="The teammate you ask.")
    counter_shift = serializers.PrimaryKeyRelatedField(
        queryset=Shift.objects.select_related("team", "rotation"),
        required=False,
        allow_null=True,
        help_text="Their shift in exchange; leave out for a give-away.",
    )
    message = serializers.CharField(max_length=300, required=False, default="")


class SwapFilter(filters.FilterSet):
    class Meta:
        model = SwapRequest
        fields = ["status"]


@extend_schema(parameters=[TEAM_SLUG])
class SwapRequestViewSet(TeamScopedViewSet):
    """Swap requests: propose (exchange or give-away), then the person asked accepts or
    declines (a lead may decide for them) and the requester may cancel. Accepting is
    atomic: of two concurrent accepts one wins, the other gets 400."""

    serializer_class = SwapRequestSerializer
    filterset_class = SwapFilter
    queryset = SwapRequest.objects.none()

    def get_queryset(self) -> QuerySet[SwapRequest]:
        if getattr(self, "swagger_fake_view", False):
            return SwapRequest.objects.none()
        return selectors.swap_requests_for_team(team=self.get_team())

    def list(self, request: Request, team_slug: str) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SwapRequestSerializer(page, many=True).data)

    @extend_schema(parameters=[ID])
    def retrieve(self, request: Request, team_slug: str, pk: str) -> Response:
        return Response(SwapRequestSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(request=SwapRequestCreateSerializer, responses={201: SwapRequestSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team()
        serializer = SwapRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift_of_team(team, serializer.validated_data["shift"], "shift")
        shift_of_team(team, serializer.validated_data.get("counter_shift"), "counter_shift")
        swap = swap_requests.swap_request_create(
            requester=request_user(request), **serializer.validated_data
        )
        return Response(
            SwapRequestSerializer(self.get_queryset().get(pk=swap.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _decide(self, pk: str, decide: Any) -> Response:
        swap = get_object_or_404(self.get_queryset(), pk=pk)
        decide(swap=swap, actor=request_user(self.request))
        return Response(SwapRequestSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(parameters=[ID], request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, team_slug: str, pk: str) -> Response:
        return self._decide(pk, swap_requests.swap_request_accept)

    @extend_schema(parameters=[ID], request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, team_slug: str, pk: str) -> Response:
        return self._decide(pk, swap_requests.swap_request_decline)

    @extend_schema(parameters=[ID], request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, team_slug: str, pk: str) -> Response:
        return self._decide(pk, swap_requests.swap_request_cancel)


# --- Unavailability --------------------------------------------------------------------


class UnavailabilitySerializer(serializers.ModelSerializer[Unavailability]):
    user = UsernameField(
        required=False, allow_null=True, help_text="Empty for a team public holiday."
    )

    class Meta:
        model = Unavailability
        fields = ["id", "user", "kind", "starts_on", "ends_on", "note"]
        validators: list[Any] = []


class UnavailabilityFilter(filters.FilterSet):
    user = filters.CharFilter(field_name="user__username")
    start = filters.DateFilter(field_name="ends_on", lookup_expr="gte")
    end = filters.DateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Unavailability
        fields = ["user", "kind", "start", "end"]


@extend_schema(parameters=[TEAM_SLUG])
class UnavailabilityViewSet(TeamScopedViewSet):
    """Leave, conferences and team public holidays (whole days in the team's zone).
    Members enter their own, leads anyone's and public holidays. Planning skips an
    unavailable person and gives them the next slot they can take."""

    serializer_class = UnavailabilitySerializer
    filterset_class = UnavailabilityFilter
    queryset = Unavailability.objects.none()

    def get_queryset(self) -> QuerySet[Unavailability]:
        if getattr(self, "swagger_fake_view", False):
            return Unavailability.objects.none()
        return selectors.unavailability_for_team(team=self.get_team())

    def list(self, request: Request, team_slug: str) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(UnavailabilitySerializer(page, many=True).data)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team()
        serializer = UnavailabilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        period = leave.unavailability_create(
            team=team,
            actor=request_user(request),
            user=data.get("user"),
            kind=data.get("kind", Unavailability.Kind.VACATION),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data.get("note", ""),
        )
        return Response(UnavailabilitySerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        period = get_object_or_404(self.get_queryset(), pk=pk)
        leave.unavailability_delete(period=period, actor=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
