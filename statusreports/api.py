"""REST API: a team's monthly status reports. Leads see drafts and published reports,
members the published ones; leads open a month's report, save the summary with the
`version` they read (a stale one is a 409 with the stored summary) and publish."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from meetings.api.reports import CONFLICT
from statusreports import selectors, services
from statusreports.models import StatusReport
from statusreports.months import month_parse
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamScopedViewSet


class StatusReportSerializer(BoundedModelSerializer[StatusReport]):
    published_by: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    html = serializers.CharField(
        source="published_html", read_only=True, help_text="As emailed; empty for a draft."
    )
    text = serializers.CharField(
        source="published_text", read_only=True, help_text="As emailed; empty for a draft."
    )

    class Meta:
        model = StatusReport
        fields = [
            "id", "month", "state", "summary", "version", "created_at", "updated_at",
            "published_at", "published_by", "emailed_to", "html", "text",
        ]  # fmt: skip
        read_only_fields = fields


class StatusReportCreateSerializer(serializers.Serializer[Any]):
    month = serializers.CharField(max_length=7, help_text="An ended month, YYYY-MM.")


class StatusReportUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version your change is based on."
    )
    summary = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=services.SUMMARY_MAX
    )


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class StatusReportViewSet(TeamScopedViewSet):
    """The team's monthly status reports (drafts for leads only)."""

    serializer_class = StatusReportSerializer
    queryset = StatusReport.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[StatusReport]:
        return selectors.reports_visible(access=self.access())

    @extend_schema(
        request=StatusReportCreateSerializer,
        responses={200: StatusReportSerializer, 201: StatusReportSerializer},
    )
    def create(self, request: Request, team_slug: str) -> Response:
        """Open the report of an ended month (a lead); an existing one is returned (200)."""
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = StatusReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        month = month_parse(serializer.validated_data["month"])
        existed = StatusReport.objects.filter(team=team, month=month).exists()
        report = services.status_report_create(team=team, user=self.user, month=month)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(report).data, status=code)

    @extend_schema(
        parameters=[ID],
        request=StatusReportUpdateSerializer,
        responses={200: StatusReportSerializer, 409: CONFLICT},
    )
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        report = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = StatusReportUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.status_report_update(
            report=report, user=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(report).data)

    @extend_schema(parameters=[ID], request=None, responses=StatusReportSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, team_slug: str, pk: str) -> Response:
        """Publish the report and email it (a lead); publishing again changes nothing."""
        team = self.get_team(min_role=Membership.Role.LEAD)
        report = get_object_or_404(self.team_queryset(team), pk=pk)
        report = services.status_report_publish(report=report, user=self.user)
        return Response(self.get_serializer(report).data)
