"""The team's access checklist (a lead edits it) and who has each item (everyone ticks
their own; a lead confirms)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from duties import selectors, services
from duties.models import AccessGrant, AccessRequirement
from teams.markdown import render_markdown
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamRecordField, TeamScopedViewSet


class AccessRequirementSerializer(serializers.ModelSerializer[AccessRequirement]):
    instructions_html = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequirement
        fields = ["id", "title", "instructions", "instructions_html", "required", "position"]
        validators: list[Any] = []

    def get_instructions_html(self, requirement: AccessRequirement) -> str:
        return render_markdown(requirement.instructions)


@extend_schema(parameters=[TEAM_SLUG])
class AccessRequirementViewSet(TeamScopedViewSet):
    """The onboarding checklist: what a shifter needs (accounts, groups, keys, roles)."""

    serializer_class = AccessRequirementSerializer
    queryset = AccessRequirement.objects.none()
    pagination_class = None

    def team_queryset(self, team: Team) -> QuerySet[AccessRequirement]:
        return selectors.access_requirements_for_team(team=team)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        requirement = services.access_requirement_create(team=team, title=data.pop("title"), **data)
        return Response(self.get_serializer(requirement).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        requirement = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = self.get_serializer(requirement, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        requirement = services.access_requirement_update(
            requirement=requirement, data=dict(serializer.validated_data)
        )
        return Response(self.get_serializer(requirement).data)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        requirement = get_object_or_404(self.team_queryset(team), pk=pk)
        services.access_requirement_delete(requirement=requirement)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessGrantSerializer(BoundedModelSerializer[AccessGrant]):
    requirement = TeamRecordField(model=AccessRequirement)
    user = serializers.CharField(source="user.username", read_only=True)
    confirmed_by = serializers.CharField(
        source="confirmed_by.username", read_only=True, default=None
    )

    class Meta:
        model = AccessGrant
        fields = ["id", "requirement", "user", "ticked_at", "confirmed_by", "confirmed_at"]
        read_only_fields = ["ticked_at", "confirmed_at"]
        validators: list[Any] = []


@extend_schema(parameters=[TEAM_SLUG])
class AccessGrantViewSet(TeamScopedViewSet):
    """Who has which checklist item. Each member ticks (and unticks) their own; a lead
    confirms."""

    serializer_class = AccessGrantSerializer
    queryset = AccessGrant.objects.none()
    filterset_fields = ["requirement", "user__username"]

    def team_queryset(self, team: Team) -> QuerySet[AccessGrant]:
        return selectors.access_grants_for_team(team=team)

    def get_queryset(self) -> QuerySet[AccessGrant]:
        if getattr(self, "swagger_fake_view", False):
            return AccessGrant.objects.none()
        # Who has which access is the team's own business, even in an open team.
        return self.team_queryset(self.get_team(min_role=Membership.Role.MEMBER))

    def create(self, request: Request, team_slug: str) -> Response:
        """Tick an item for yourself (ticking it again changes nothing)."""
        self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = services.access_grant_tick(
            requirement=serializer.validated_data["requirement"], user=self.user
        )
        return Response(self.get_serializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        """Untick an item: your own, or anyone's for a lead."""
        grant = get_object_or_404(self.get_queryset(), pk=pk)
        if grant.user_id != self.user.pk and not self.access().is_lead:
            raise PermissionDenied("Only the person or a lead unticks an item.")
        services.access_grant_untick(grant=grant)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[ID], request=None, responses=AccessGrantSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, team_slug: str, pk: str) -> Response:
        """Confirm that the person has the item (a lead)."""
        team = self.get_team(min_role=Membership.Role.LEAD)
        grant = get_object_or_404(self.team_queryset(team), pk=pk)
        grant = services.access_grant_confirm(grant=grant, lead=self.user)
        return Response(self.get_serializer(grant).data)
