"""Covers (overrides): someone takes over part of a shift."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from shifts.api.serializers import UserRefSerializer, shift_of_team
from shifts.models import Override, Shift
from shifts.selectors.shifts import overrides_for_team
from shifts.services import shifts as shift_services
from teams.bounds import SaneDateTimeField
from teams.models import Team
from teams.rest import ID, TEAM_SLUG, TeamScopedViewSet, UsernameField


class OverrideSerializer(serializers.ModelSerializer[Override]):
    user = UserRefSerializer(read_only=True)
    shift = serializers.IntegerField(source="shift_id", read_only=True)
    covering_for = UserRefSerializer(source="shift.assignee", read_only=True, allow_null=True)
    start_at = SaneDateTimeField(read_only=True)
    end_at = SaneDateTimeField(read_only=True)

    class Meta:
        model = Override
        fields = ["id", "shift", "user", "covering_for", "start_at", "end_at", "reason"]


class OverrideCreateSerializer(serializers.Serializer[Any]):
    shift = serializers.PrimaryKeyRelatedField(queryset=Shift.objects.select_related("team"))
    user = UsernameField(help_text="Who covers.")
    start_at = SaneDateTimeField(help_text="Without an offset: a time in the team's zone.")
    end_at = SaneDateTimeField(help_text="Without an offset: a time in the team's zone.")
    reason = serializers.CharField(max_length=200, required=False, default="")


@extend_schema(parameters=[TEAM_SLUG])
class OverrideViewSet(TeamScopedViewSet):
    """Cover for part of a shift. The people on the shift or a lead add and remove it;
    covers of one shift may not overlap. A time without an offset is in the team's zone
    (one that does not exist or happens twice there is a 400); answers are in UTC."""

    serializer_class = OverrideSerializer
    queryset = Override.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[Override]:
        return overrides_for_team(team=team)

    @extend_schema(request=OverrideCreateSerializer, responses={201: OverrideSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team()
        serializer = OverrideCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        shift_of_team(team, serializer.validated_data["shift"], "shift")
        override = shift_services.override_create(created_by=self.user, **serializer.validated_data)
        override = self.team_queryset(team).get(pk=override.pk)
        return Response(self.get_serializer(override).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        override = get_object_or_404(self.get_queryset(), pk=pk)
        shift_services.override_delete(override=override, actor=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
