"""Leave, conferences and team public holidays."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from shifts.models import Unavailability
from shifts.selectors.leave import unavailability_for_team
from shifts.services import leave as leave_services
from teams.bounds import SaneDateField, SaneDateFilter
from teams.models import Team
from teams.rest import ID, TEAM_SLUG, TeamScopedViewSet, UsernameField


class UnavailabilitySerializer(serializers.ModelSerializer[Unavailability]):
    user = UsernameField(
        required=False, allow_null=True, help_text="Empty for a team public holiday."
    )
    starts_on = SaneDateField()
    ends_on = SaneDateField(help_text="Inclusive.")

    class Meta:
        model = Unavailability
        fields = ["id", "user", "kind", "starts_on", "ends_on", "note"]
        validators: list[Any] = []


class UnavailabilityFilter(filters.FilterSet):
    user = filters.CharFilter(field_name="user__username")
    start = SaneDateFilter(field_name="ends_on", lookup_expr="gte")
    end = SaneDateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Unavailability
        fields = ["user", "kind", "start", "end"]


@extend_schema(parameters=[TEAM_SLUG])
class UnavailabilityViewSet(TeamScopedViewSet):
    """Leave, conferences and team public holidays (whole days in the team's zone).
    Members enter their own, leads anyone's and public holidays. Planning skips an
    unavailable person and gives them the next slot they can take."""

    serializer_class = UnavailabilitySerializer
    filterset_class = UnavailabilityFilter
    queryset = Unavailability.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[Unavailability]:
        return unavailability_for_team(team=team)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        period = leave_services.unavailability_create(
            team=team,
            actor=self.user,
            user=data.get("user"),
            kind=data.get("kind", Unavailability.Kind.VACATION),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        period = get_object_or_404(self.get_queryset(), pk=pk)
        leave_services.unavailability_delete(period=period, actor=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
