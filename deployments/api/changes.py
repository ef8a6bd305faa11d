"""Changes (patches, releases), where each stands on each host, and the matrix."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from deployments import selectors
from deployments.api.hosts import HostChangeSerializer
from deployments.models import Change, Host, HostChange
from deployments.selectors import Matrix, MatrixRow
from deployments.services import changes
from teams.models import Membership, Team
from teams.rest import TeamScopedViewSet, UsernameField

SITE = OpenApiParameter("site", OpenApiTypes.STR, description="Only the hosts at this site.")
RELEASE = OpenApiParameter("release", OpenApiTypes.STR, description="Only hosts on this release.")


@extend_schema_field(OpenApiTypes.STR)
class TeamHostField(serializers.SlugRelatedField[Host]):
    """A host of the URL's team, by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="name", **kwargs)

    def get_queryset(self) -> QuerySet[Host]:
        team = self.context.get("team")
        return Host.objects.filter(team=team) if team else Host.objects.none()


class ChangeSerializer(serializers.ModelSerializer[Change]):
    created_by = UsernameField(read_only=True)
    hosts = TeamHostField(
        many=True,
        write_only=True,
        required=False,
        help_text="The scope; default: the active hosts on the target release, else all.",
    )
    closed = serializers.BooleanField(
        required=False, help_text="Closed changes leave the matrix; they take no records."
    )
    hosts_count = serializers.IntegerField(read_only=True, default=None)
    pending_count = serializers.IntegerField(read_only=True, default=None)
    applied_count = serializers.IntegerField(read_only=True, default=None)
    failed_count = serializers.IntegerField(read_only=True, default=None)
    not_needed_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Change
        fields = [
            "id",
            "kind",
            "title",
            "link",
            "target_release",
            "description",
            "hosts",
            "created_by",
            "created_at",
            "closed",
            "closed_at",
            "hosts_count",
            "pending_count",
            "applied_count",
            "failed_count",
            "not_needed_count",
        ]
        read_only_fields = ["closed_at"]

    def to_representation(self, instance: Change) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        data["closed"] = instance.closed_at is not None
        return data


class ChangeUpdateSerializer(ChangeSerializer):
    class Meta(ChangeSerializer.Meta):
        read_only_fields = ["closed_at", "created_at", "hosts"]
        extra_kwargs = {"title": {"required": False}}


class ChangeDetailSerializer(ChangeSerializer):
    cells = serializers.SerializerMethodField()

    class Meta(ChangeSerializer.Meta):
        fields = [*ChangeSerializer.Meta.fields, "cells"]

    @extend_schema_field(HostChangeSerializer(many=True))
    def get_cells(self, change: Change) -> Any:
        return HostChangeSerializer(selectors.change_cells(change=change), many=True).data


class ApplyPendingSerializer(serializers.Serializer[Any]):
    site = serializers.CharField(required=False, allow_blank=True, help_text="Only this site.")
    release = serializers.CharField(
        required=False, allow_blank=True, help_text="Only this release."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AppliedSerializer(serializers.Serializer[Any]):
    applied = serializers.IntegerField(help_text="How many pending cells are now applied.")


class MatrixCellSerializer(serializers.ModelSerializer[HostChange]):
    updated_by = UsernameField(read_only=True)

    class Meta:
        model = HostChange
        fields = ["change", "state", "note", "updated_at", "updated_by"]


class MatrixChangeSerializer(serializers.ModelSerializer[Change]):
    class Meta:
        model = Change
        fields = ["id", "kind", "title", "link", "target_release", "created_at"]


class MatrixRowSerializer(serializers.Serializer[MatrixRow]):
    name = serializers.CharField(source="host.name")
    site = serializers.CharField(source="host.site")
    role = serializers.CharField(source="host.role")
    release = serializers.CharField(source="host.release")
    state = serializers.CharField(source="host.state")
    cells = serializers.SerializerMethodField(
        help_text="One per change, in the order of `changes`; null: not in its scope."
    )

    @extend_schema_field(MatrixCellSerializer(many=True, allow_null=True))
    def get_cells(self, row: MatrixRow) -> list[Any]:
        return [None if cell is None else MatrixCellSerializer(cell).data for cell in row.cells]


class MatrixSerializer(serializers.Serializer[Matrix]):
    changes = MatrixChangeSerializer(many=True)
    pending = serializers.ListField(
        child=serializers.IntegerField(), help_text="Pending hosts per change (shown rows)."
    )
    hosts = MatrixRowSerializer(many=True, source="rows")
    sites = serializers.ListField(child=serializers.CharField())
    releases = serializers.ListField(child=serializers.CharField())


class ChangeFilter(filters.FilterSet):
    open = filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", help_text="Open.")

    class Meta:
        model = Change
        fields = ["kind", "target_release"]


class ChangeViewSet(TeamScopedViewSet):
    """Patches and releases rolled out to the team's hosts."""

    serializer_class = ChangeSerializer
    filterset_class = ChangeFilter
    queryset = Change.objects.none()
    ordering_fields = ["created_at", "title"]

    def team_queryset(self, team: Team) -> QuerySet[Change]:
        return selectors.changes_for_team(team=team)

    @extend_schema(responses=ChangeDetailSerializer)
    def retrieve(self, request: Request, team_slug: str, pk: str) -> Response:
        change = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(ChangeDetailSerializer(change, context=self.get_serializer_context()).data)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("closed", None)
        change = changes.change_create(team=team, by=self.user, **data)
        change = selectors.changes_for_team(team=team).get(pk=change.pk)
        return Response(self.get_serializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChangeUpdateSerializer, responses=ChangeSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        change = selectors.change_get(team=team, pk=pk)
        serializer = ChangeUpdateSerializer(
            change, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        changes.change_update(change=change, by=self.user, **serializer.validated_data)
        change = selectors.changes_for_team(team=team).get(pk=change.pk)
        return Response(self.get_serializer(change).data)

    @extend_schema(request=ApplyPendingSerializer, responses=AppliedSerializer)
    @action(detail=True, methods=["post"], url_path="apply-pending")
    def apply_pending(self, request: Request, team_slug: str, pk: str) -> Response:
        """Mark the change applied on every host where it is pending (a lead only)."""
        team = self.get_team(min_role=Membership.Role.LEAD)
        change = selectors.change_get(team=team, pk=pk)
        serializer = ApplyPendingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        hosts = selectors.hosts_for_team(
            team=team, site=data.get("site", ""), release=data.get("release", "")
        )
        applied = changes.change_apply_pending(
            change=change, by=self.user, hosts=hosts, note=data.get("note", "")
        )
        return Response({"applied": applied})

    @extend_schema(parameters=[SITE, RELEASE], responses=MatrixSerializer, filters=False)
    @action(detail=False, methods=["get"], url_path="matrix", filterset_class=None)
    def matrix(self, request: Request, team_slug: str) -> Response:
        """The drift: every active host by every open change, with each cell's state."""
        matrix = selectors.change_matrix(
            team=self.get_team(),
            site=request.query_params.get("site", ""),
            release=request.query_params.get("release", ""),
        )
        return Response(MatrixSerializer(matrix).data)
