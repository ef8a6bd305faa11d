"""REST API: a team's meeting reports. Members edit the header with the `version` they
read (a stale one is a 409 with the current values) and publish."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from meetings import selectors
from meetings.models import MeetingReport
from meetings.services import report_editor, reports
from teams.bounds import RecordIdFilter
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamScopedViewSet
from teams.search import text_search

CONFLICT = inline_serializer(
    "VersionConflict",
    fields={
        "detail": serializers.CharField(),
        "version": serializers.IntegerField(),
        "current": serializers.DictField(),
    },
)


class ReportSerializer(BoundedModelSerializer[MeetingReport]):
    author: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    series = serializers.IntegerField(source="meeting.series_id", read_only=True)

    class Meta:
        model = MeetingReport
        fields = [
            "id", "meeting", "series", "status", "author", "attendees", "notes", "version",
            "updated_at", "published_at", "html", "text",
        ]  # fmt: skip
        read_only_fields = fields


class ReportUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text="The version your change is based on.")
    attendees = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=50000)


class ReportFilter(filters.FilterSet):
    series = RecordIdFilter(field_name="meeting__series_id")
    q = filters.CharFilter(method="search", help_text="Full-text search of published reports.")

    class Meta:
        model = MeetingReport
        fields = ["status", "series", "q"]

    def search(self, queryset: QuerySet[MeetingReport], name: str, value: str) -> Any:
        return text_search(queryset, query=value, fields=selectors.REPORT_SEARCH_FIELDS)


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class ReportViewSet(TeamScopedViewSet):
    """The team's meeting reports (open one with `POST meetings/{id}/report/`): members
    edit the header with the `version` they read, and publish."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    queryset = MeetingReport.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[MeetingReport]:
        return selectors.reports_for_team(team=team)

    @extend_schema(
        parameters=[ID],
        request=ReportUpdateSerializer,
        responses={200: ReportSerializer, 409: CONFLICT},
    )
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        report = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = ReportUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        report = report_editor.report_update(
            report=report, user=self.user, version=data.pop("version"), **data
        )
        return Response(self.get_serializer(report).data)

    @extend_schema(parameters=[ID], request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        report = get_object_or_404(self.team_queryset(team), pk=pk)
        report = reports.report_publish(report=report, user=self.user)
        return Response(self.get_serializer(report).data)
