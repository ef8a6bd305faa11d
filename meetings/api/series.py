"""REST API: a team's meeting series. Members read them; leads create and edit them."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from meetings import selectors
from meetings.models import MeetingSeries
from meetings.services import series as series_services
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamScopedViewSet, UsernameField
from teams.timezones import validate_time_zone


class SeriesSerializer(BoundedModelSerializer[MeetingSeries]):
    team: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    time_zone = serializers.CharField(validators=[validate_time_zone], required=False)
    contact = UsernameField(required=False, allow_null=True)
    rule_text = serializers.CharField(read_only=True)

    class Meta:
        model = MeetingSeries
        fields = [
            "id", "team", "title", "time_zone", "rrule", "rule_text", "starts_on", "ends_on",
            "start_time", "duration_minutes", "location", "video_url", "agenda_url", "host",
            "host_team_name", "shifter_covers", "contact", "reminder_hours", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at"]
        # Uniqueness is checked by the service (one message for pages and API).
        validators: list[Any] = []


class SeriesFilter(filters.FilterSet):
    class Meta:
        model = MeetingSeries
        fields = ["shifter_covers"]


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class SeriesViewSet(TeamScopedViewSet):
    """The team's meeting series (the team is the URL's). Members read them; leads
    create and edit them, and future occurrences follow."""

    serializer_class = SeriesSerializer
    filterset_class = SeriesFilter
    ordering_fields = ["title"]
    queryset = MeetingSeries.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[MeetingSeries]:
        return selectors.series_for_team(team=team).order_by("title")

    @extend_schema(responses={201: SeriesSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        series = series_services.series_create(team=team, **serializer.validated_data)
        return Response(self.get_serializer(series).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        series = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = self.get_serializer(series, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        series = series_services.series_update(series=series, **serializer.validated_data)
        return Response(self.get_serializer(series).data)
