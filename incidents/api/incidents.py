"""A team's incidents (the debugging log): list, log, edit, move along, hand over."""

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
from incidents.api.fields import TeamComponentField
from incidents.models import Incident
from incidents.services import incidents as services
from teams.bounds import SaneDateTimeField, SaneIsoDateTimeFilter
from teams.models import Membership, Team
from teams.rest import BoundedModelSerializer, TeamMemberField, TeamRecordField, TeamScopedViewSet


class IncidentSerializer(BoundedModelSerializer[Incident]):
    owner = TeamMemberField(required=False, allow_null=True)
    reporter = TeamMemberField(required=False, allow_null=True)
    components = TeamComponentField(many=True, required=False)
    related = TeamRecordField(model=Incident, many=True, required=False)
    links = serializers.ListField(child=serializers.URLField(), required=False)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "severity",
            "status",
            "owner",
            "reporter",
            "reporter_team",
            "components",
            "started_at",
            "detected_at",
            "resolved_at",
            "resolution_note",
            "links",
            "related",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "resolved_at", "resolution_note", "created_at", "updated_at"]


class IncidentUpdateSerializer(IncidentSerializer):
    class Meta(IncidentSerializer.Meta):
        read_only_fields = [*IncidentSerializer.Meta.read_only_fields, "owner"]
        extra_kwargs = {"title": {"required": False}, "kind": {"required": False}}


class IncidentStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Incident.Status.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required to resolve (the resolution) and to reopen (the reason).",
    )
    at = SaneDateTimeField(required=False, help_text="When it happened (default: now).")


class IncidentTransferSerializer(serializers.Serializer[Any]):
    owner = TeamMemberField()
    note = serializers.CharField(required=False, allow_blank=True)


class IncidentFilter(filters.FilterSet):
    owner = filters.CharFilter(field_name="owner__username", help_text="Owner's username.")
    component = filters.CharFilter(
        field_name="components__name", distinct=True, help_text="Component name."
    )
    detected_after = SaneIsoDateTimeFilter(field_name="detected_at", lookup_expr="gte")
    detected_before = SaneIsoDateTimeFilter(field_name="detected_at", lookup_expr="lt")
    active = filters.BooleanFilter(method="filter_active", help_text="Not resolved.")

    class Meta:
        model = Incident
        fields = ["kind", "status", "severity"]

    def filter_active(
        self, queryset: QuerySet[Incident], name: str, value: bool | None
    ) -> QuerySet[Incident]:
        if value is None:
            return queryset
        if value:
            return queryset.exclude(status=Incident.Status.RESOLVED)
        return queryset.filter(status=Incident.Status.RESOLVED)


class IncidentViewSet(TeamScopedViewSet):
    """A team's incidents (the debugging log)."""

    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    queryset = Incident.objects.none()
    ordering_fields = ["detected_at", "severity", "status"]

    def team_queryset(self, team: Team) -> QuerySet[Incident]:
        return selectors.incident_list(team=team).prefetch_related("related")

    def team_incident(self, pk: str) -> Incident:
        """The incident to change: the caller must be a member of its team."""
        team = self.get_team(min_role=Membership.Role.MEMBER)
        return get_object_or_404(self.team_queryset(team), pk=pk)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_open(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentUpdateSerializer, responses=IncidentSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        incident = self.team_incident(pk)
        serializer = IncidentUpdateSerializer(
            incident, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        incident = services.incident_update(
            incident=incident, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data)

    @extend_schema(request=IncidentStatusSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, team_slug: str, pk: str) -> Response:
        """Change the status; resolving needs a note, reopening a reason."""
        incident = self.team_incident(pk)
        serializer = IncidentStatusSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        incident = services.incident_set_status(
            incident=incident, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data)

    @extend_schema(request=IncidentTransferSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, team_slug: str, pk: str) -> Response:
        """Hand the incident to another team member, with a note."""
        incident = self.team_incident(pk)
        serializer = IncidentTransferSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        incident = services.incident_transfer(
            incident=incident, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data)
