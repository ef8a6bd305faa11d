"""Questions from other teams, with their response and resolution times per day or week."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import selectors
from incidents.models import Incident, SupportRequest
from incidents.services import support as services
from teams.bounds import SaneDateField, SaneDateTimeField, SaneIsoDateTimeFilter
from teams.models import Membership, Team
from teams.rest import BoundedModelSerializer, TeamMemberField, TeamRecordField, TeamScopedViewSet


class SupportRequestSerializer(BoundedModelSerializer[SupportRequest]):
    handled_by = TeamMemberField(required=False, allow_null=True)
    incident = TeamRecordField(model=Incident, required=False, allow_null=True)
    response_seconds = serializers.SerializerMethodField()
    resolution_seconds = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "asked_by",
            "asking_team",
            "channel",
            "link",
            "question",
            "answer",
            "asked_at",
            "first_response_at",
            "resolved_at",
            "handled_by",
            "incident",
            "response_seconds",
            "resolution_seconds",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"asked_at": {"required": False}}

    def get_response_seconds(self, obj: SupportRequest) -> int | None:
        return _seconds(obj.response_time)

    def get_resolution_seconds(self, obj: SupportRequest) -> int | None:
        return _seconds(obj.resolution_time)


class SupportRequestFilter(filters.FilterSet):
    handled_by = filters.CharFilter(field_name="handled_by__username")
    asked_after = SaneIsoDateTimeFilter(field_name="asked_at", lookup_expr="gte")
    asked_before = SaneIsoDateTimeFilter(field_name="asked_at", lookup_expr="lt")
    unanswered = filters.BooleanFilter(field_name="first_response_at", lookup_expr="isnull")

    class Meta:
        model = SupportRequest
        fields = ["channel"]


class ResponseStatsSerializer(serializers.Serializer[Any]):
    period = serializers.CharField(source="label")
    start = SaneDateTimeField()
    end = SaneDateTimeField()
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    resolved = serializers.IntegerField()
    median_response_seconds = serializers.SerializerMethodField()
    max_response_seconds = serializers.SerializerMethodField()
    median_resolution_seconds = serializers.SerializerMethodField()

    def get_median_response_seconds(self, obj: selectors.ResponseStats) -> int | None:
        return _seconds(obj.median_response)

    def get_max_response_seconds(self, obj: selectors.ResponseStats) -> int | None:
        return _seconds(obj.max_response)

    def get_median_resolution_seconds(self, obj: selectors.ResponseStats) -> int | None:
        return _seconds(obj.median_resolution)


def _seconds(value: dt.timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


class StatsQuerySerializer(serializers.Serializer[Any]):
    by = serializers.ChoiceField(choices=["day", "week"], default="week")
    since = SaneDateField(required=False)
    until = SaneDateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and until < since:
            raise serializers.ValidationError({"until": "The end is before the start."})
        if since and until and (until - since).days > 370:
            raise serializers.ValidationError({"until": "Ask for at most about a year."})
        return attrs


class SupportRequestViewSet(TeamScopedViewSet):
    """Questions from other teams, with their response and resolution times."""

    serializer_class = SupportRequestSerializer
    filterset_class = SupportRequestFilter
    queryset = SupportRequest.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[SupportRequest]:
        return selectors.support_request_list(team=team)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.support_request_create(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        item = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.support_request_update(support_request=item, **serializer.validated_data)
        return Response(self.get_serializer(item).data)

    @extend_schema(
        parameters=[StatsQuerySerializer],
        responses=ResponseStatsSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def stats(self, request: Request, team_slug: str) -> Response:
        """Response and resolution times per day or per week (in the team's zone)."""
        team = self.get_team()
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        by = query.validated_data["by"]
        today = selectors.local_now(team=team).date()
        until = query.validated_data.get("until") or today
        default_span = dt.timedelta(days=13 if by == "day" else 7 * 7)
        since = query.validated_data.get("since") or until - default_span
        periods = selectors.periods_in_zone(
            zone_name=team.time_zone, first_day=since, last_day=until, by=by
        )
        stats = selectors.support_response_stats(team=team, periods=periods)
        return Response(ResponseStatsSerializer(stats, many=True).data)
