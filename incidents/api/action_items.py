"""The team's action items, whatever their source (meeting topic, incident)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import selectors
from incidents.models import ActionItem, Incident
from incidents.services import action_items as services
from teams.bounds import RecordIdFilter, SaneDateFilter
from teams.models import Membership, Team
from teams.rest import BoundedModelSerializer, TeamMemberField, TeamRecordField, TeamScopedViewSet


class ActionItemSerializer(BoundedModelSerializer[ActionItem]):
    owner = TeamMemberField(required=False, allow_null=True)
    incident = TeamRecordField(model=Incident, required=False, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "title",
            "details",
            "owner",
            "due_on",
            "status",
            "is_overdue",
            "source",
            "source_label",
            "source_url",
            "incident",
            "needs_github_issue",
            "created_at",
            "closed_at",
        ]
        read_only_fields = ["created_at", "closed_at"]


class ActionItemFilter(filters.FilterSet):
    owner = filters.CharFilter(field_name="owner__username")
    # By id, not by a choice of every incident: another team's id just matches nothing.
    incident = RecordIdFilter(field_name="incident_id")
    mine = filters.BooleanFilter(method="filter_mine")
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_after = SaneDateFilter(field_name="due_on", lookup_expr="gte")
    due_before = SaneDateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = ActionItem
        fields = ["status", "source", "needs_github_issue"]

    def filter_mine(
        self, queryset: QuerySet[ActionItem], name: str, value: bool | None
    ) -> QuerySet[ActionItem]:
        return queryset.filter(owner_id=self.request.user.pk) if value else queryset

    def filter_overdue(
        self, queryset: QuerySet[ActionItem], name: str, value: bool | None
    ) -> QuerySet[ActionItem]:
        return queryset.overdue() if value else queryset  # type: ignore[attr-defined]


class ActionItemViewSet(TeamScopedViewSet):
    """The team's action items, whatever their source (meeting topic, incident)."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    queryset = ActionItem.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[ActionItem]:
        return selectors.action_item_list(team=team, user=self.user)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_create(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        item = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_update(
            action_item=item, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(item).data)
