"""REST API: the occurrences of a team's meeting series. Members cancel and move one
occurrence, and open its report."""

from typing import Any

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from meetings import selectors
from meetings.api.reports import ReportSerializer
from meetings.models import LONGEST_MEETING_MINUTES, Meeting, MeetingQuerySet
from meetings.services import reports
from meetings.services import series as series_services
from teams.bounds import SaneDateTimeField, SaneIsoDateTimeFilter
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamScopedViewSet


class MeetingSerializer(BoundedModelSerializer[Meeting]):
    series_title = serializers.CharField(source="series.title", read_only=True)
    team = serializers.CharField(source="series.team.slug", read_only=True)
    time_zone = serializers.CharField(source="series.time_zone", read_only=True)
    report = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "series", "series_title", "team", "time_zone", "slot_at", "start_at",
            "end_at", "status", "is_detached", "note", "report",
        ]  # fmt: skip
        read_only_fields = fields

    def get_report(self, meeting: Meeting) -> int | None:
        report = getattr(meeting, "report", None)
        return report.pk if report is not None else None


class MeetingMoveSerializer(serializers.Serializer[Any]):
    start_at = SaneDateTimeField(
        help_text="With an offset, or the team's wall-clock time (a DST gap or fold is a 400)."
    )
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=LONGEST_MEETING_MINUTES, required=False
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MeetingCancelSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MeetingFilter(filters.FilterSet):
    start_after = SaneIsoDateTimeFilter(field_name="start_at", lookup_expr="gte")
    start_before = SaneIsoDateTimeFilter(field_name="start_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["series", "status", "start_after", "start_before"]


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class MeetingViewSet(TeamScopedViewSet):
    """Occurrences of the team's series. Members cancel, move and open the report."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["start_at"]
    queryset = Meeting.objects.none()

    def team_queryset(self, team: Team) -> MeetingQuerySet:
        return selectors.meetings_for_team(team=team)

    @extend_schema(parameters=[ID], request=MeetingCancelSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        meeting = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = MeetingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = series_services.meeting_cancel(meeting=meeting, **serializer.validated_data)
        return Response(self.get_serializer(meeting).data)

    @extend_schema(parameters=[ID], request=MeetingMoveSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        meeting = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = MeetingMoveSerializer(data=request.data, context={"team": team})
        serializer.is_valid(raise_exception=True)
        meeting = series_services.meeting_move(meeting=meeting, **serializer.validated_data)
        return Response(self.get_serializer(meeting).data)

    @extend_schema(parameters=[ID], request=None, responses={201: ReportSerializer})
    @action(detail=True, methods=["post"], url_path="report")
    def open_report(self, request: Request, team_slug: str, pk: str) -> Response:
        """The occurrence's report (a draft is created, with the carry-over, if none)."""
        team = self.get_team(min_role=Membership.Role.MEMBER)
        meeting = get_object_or_404(self.team_queryset(team), pk=pk)
        report = reports.report_open(meeting=meeting, user=self.user)
        report = selectors.reports_for_team(team=team).get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
