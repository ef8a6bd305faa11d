"""A team's rotations: members read them, leads create and change them."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from shifts.models import Rotation
from shifts.selectors.rotations import rotations_for_team
from shifts.services import rotations as rotation_services
from shifts.services.rotations import ROTATION_FIELDS
from teams.bounds import SaneDateField
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, TeamScopedViewSet, UsernameField


class RotationSerializer(serializers.ModelSerializer[Rotation]):
    participants = serializers.SerializerMethodField(help_text="Usernames in rotation order.")

    class Meta:
        model = Rotation
        fields = ["id", *ROTATION_FIELDS, "participants"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_participants(self, rotation: Rotation) -> list[str]:
        return [p.user.get_username() for p in rotation.participants.all()]


class RotationWriteSerializer(serializers.ModelSerializer[Rotation]):
    participants = serializers.ListField(
        child=UsernameField(), help_text="Usernames in rotation order (add, remove, reorder)."
    )
    start_on = SaneDateField(
        help_text="The first handover is on the first handover weekday from here."
    )

    class Meta:
        model = Rotation
        fields = [*ROTATION_FIELDS, "participants"]
        # The unique (team, name) check is the service's: the team is not a field here.
        validators: list[Any] = []


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class RotationViewSet(TeamScopedViewSet):
    """A team's rotations. Members read; leads create and change them (participants as
    an ordered list of usernames). Changing a rotation re-plans future shifts that
    nobody changed by hand."""

    serializer_class = RotationSerializer
    queryset = Rotation.objects.none()
    pagination_class = None

    def team_queryset(self, team: Team) -> QuerySet[Rotation]:
        return rotations_for_team(team=team)

    def list(self, request: Request, team_slug: str) -> Response:
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(request=RotationWriteSerializer, responses={201: RotationSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = RotationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rotation = rotation_services.rotation_create(team=team, **serializer.validated_data)
        rotation = self.team_queryset(team).get(pk=rotation.pk)
        return Response(self.get_serializer(rotation).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID], request=RotationWriteSerializer, responses=RotationSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        rotation = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = RotationWriteSerializer(rotation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        participants = fields.pop("participants", None)
        if participants is not None:
            rotation_services.rotation_set_participants(
                rotation=rotation, participants=participants
            )
        if fields or participants is None:
            rotation_services.rotation_update(rotation=rotation, **fields)
        return Response(self.get_serializer(self.team_queryset(team).get(pk=pk)).data)
