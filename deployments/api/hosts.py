"""The team's hosts, their state moves and history, and the call a patch script makes:
`POST /api/v1/teams/{slug}/hosts/{name}/changes/{id}/` with `{"state", "note"}`."""

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from deployments import selectors
from deployments.models import HOST_NAME_PATTERN, Host, HostChange, HostEvent
from deployments.services import changes, hosts
from teams.models import Membership, Team
from teams.rest import TeamScopedViewSet, UsernameField

NAME = OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, description="Host name.")
CHANGE_ID = OpenApiParameter(
    "change_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Change id."
)


class HostSerializer(serializers.ModelSerializer[Host]):
    state_changed_by = UsernameField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Host
        fields = [
            "id",
            "name",
            "site",
            "role",
            "release",
            "state",
            "notes",
            "state_changed_at",
            "state_changed_by",
            "url",
        ]
        read_only_fields = ["state", "state_changed_at"]
        # Uniqueness (any letter case) is the service's to word.
        validators: list[Any] = []


class HostUpdateSerializer(HostSerializer):
    class Meta(HostSerializer.Meta):
        extra_kwargs = {"name": {"required": False}, "site": {"required": False}}


class HostStateSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=Host.State.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    release = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="The release it now runs."
    )
    at = serializers.DateTimeField(required=False, help_text="When it happened (default: now).")


class HostEventSerializer(serializers.ModelSerializer[HostEvent]):
    by = UsernameField(read_only=True)
    change_title = serializers.CharField(source="change.title", read_only=True, default=None)

    class Meta:
        model = HostEvent
        fields = [
            "id",
            "kind",
            "change",
            "change_title",
            "old_value",
            "new_value",
            "note",
            "by",
            "at",
        ]


class HostChangeSerializer(serializers.ModelSerializer[HostChange]):
    host = serializers.CharField(source="host.name", read_only=True)
    change_title = serializers.CharField(source="change.title", read_only=True)
    updated_by = UsernameField(read_only=True)

    class Meta:
        model = HostChange
        fields = ["change", "change_title", "host", "state", "note", "updated_at", "updated_by"]
        read_only_fields = fields


class HostChangeRecordSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=HostChange.State.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    at = serializers.DateTimeField(required=False, help_text="When it was done (default: now).")


class HostChangeRecordedSerializer(HostChangeSerializer):
    changed = serializers.BooleanField(
        read_only=True, help_text="False when the cell already had this state (nothing written)."
    )

    class Meta(HostChangeSerializer.Meta):
        fields = [*HostChangeSerializer.Meta.fields, "changed"]


class HostFilter(filters.FilterSet):
    class Meta:
        model = Host
        fields = ["site", "release", "state", "role"]


class HostViewSet(TeamScopedViewSet):
    """The machines the team operates (agents, central services)."""

    serializer_class = HostSerializer
    filterset_class = HostFilter
    queryset = Host.objects.none()
    lookup_field = "name"
    lookup_value_regex = HOST_NAME_PATTERN
    ordering_fields = ["name", "site", "state", "release"]

    def team_queryset(self, team: Team) -> QuerySet[Host]:
        return selectors.hosts_for_team(team=team, include_retired=True)

    @extend_schema(parameters=[NAME])
    def retrieve(self, request: Request, team_slug: str, name: str) -> Response:
        return Response(
            self.get_serializer(selectors.host_get(team=self.get_team(), name=name)).data
        )

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        host = hosts.host_create(team=team, by=self.user, **serializer.validated_data)
        return Response(self.get_serializer(host).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[NAME], request=HostUpdateSerializer, responses=HostSerializer)
    def partial_update(self, request: Request, team_slug: str, name: str) -> Response:
        host = selectors.host_get(team=self.get_team(min_role=Membership.Role.LEAD), name=name)
        serializer = HostUpdateSerializer(host, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        host = hosts.host_update(host=host, by=self.user, **serializer.validated_data)
        return Response(self.get_serializer(host).data)

    @extend_schema(parameters=[NAME], request=HostStateSerializer, responses=HostSerializer)
    @action(detail=True, methods=["post"], url_path="state")
    def set_state(self, request: Request, team_slug: str, name: str) -> Response:
        """Move the host to another state (retiring needs a lead); history is kept."""
        host = selectors.host_get(team=self.get_team(min_role=Membership.Role.MEMBER), name=name)
        serializer = HostStateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        host, _ = hosts.host_set_state(host=host, by=self.user, **serializer.validated_data)
        return Response(self.get_serializer(host).data)

    @extend_schema(parameters=[NAME], responses=HostEventSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request: Request, team_slug: str, name: str) -> Response:
        """The host's history: state, release, change and campaign moves, newest first."""
        host = selectors.host_get(team=self.get_team(), name=name)
        page = self.paginate_queryset(selectors.host_history(host=host))
        return self.get_paginated_response(HostEventSerializer(page, many=True).data)

    @extend_schema(
        parameters=[NAME, CHANGE_ID],
        methods=["GET"],
        request=None,
        responses=HostChangeSerializer,
        summary="Where a change stands on this host",
    )
    @extend_schema(
        parameters=[NAME, CHANGE_ID],
        methods=["POST"],
        request=HostChangeRecordSerializer,
        responses=HostChangeRecordedSerializer,
        summary="Record a change's state on this host (idempotent; for patch scripts)",
        description=(
            "A host outside the change's scope, an unknown state or a time outside "
            "1970..2200 is a 400. The same state again answers 200 with "
            '`"changed": false` and writes no history.'
        ),
    )
    @action(detail=True, methods=["get", "post"], url_path=r"changes/(?P<change_pk>[0-9]+)")
    def change(self, request: Request, team_slug: str, name: str, change_pk: str) -> Response:
        if request.method == "GET":
            team = self.get_team()
        else:
            team = self.get_team(min_role=Membership.Role.MEMBER)
        host = selectors.host_get(team=team, name=name)
        change = selectors.change_get(team=team, pk=change_pk)
        if request.method == "GET":
            return Response(
                HostChangeSerializer(changes.host_change_get(change=change, host=host)).data
            )
        serializer = HostChangeRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cell, changed = changes.host_change_record(
            change=change, host=host, by=self.user, **serializer.validated_data
        )
        return Response({**HostChangeSerializer(cell).data, "changed": changed})
