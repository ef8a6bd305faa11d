"""Swap requests: propose, then accept, decline or cancel."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from shifts.api.serializers import OnCallShiftSerializer, UserRefSerializer, shift_of_team
from shifts.models import Shift, SwapRequest
from shifts.selectors.swaps import swap_requests_for_team
from shifts.services import swaps as swap_services
from teams.bounds import SaneDateTimeField
from teams.models import Team
from teams.rest import ID, TEAM_SLUG, TeamScopedViewSet, UsernameField


class SwapRequestSerializer(serializers.ModelSerializer[SwapRequest]):
    requester = UserRefSerializer()
    recipient = UserRefSerializer()
    decided_by = UserRefSerializer(allow_null=True)
    shift = OnCallShiftSerializer()
    counter_shift = OnCallShiftSerializer(allow_null=True)
    created_at = SaneDateTimeField()
    decided_at = SaneDateTimeField(allow_null=True)

    class Meta:
        model = SwapRequest
        fields = [
            "id",
            "status",
            "requester",
            "recipient",
            "shift",
            "counter_shift",
            "message",
            "created_at",
            "decided_at",
            "decided_by",
        ]


class SwapRequestCreateSerializer(serializers.Serializer[Any]):
    shift = serializers.PrimaryKeyRelatedField(
        queryset=Shift.objects.select_related("team", "rotation"), help_text="Your shift."
    )
    recipient = UsernameField(help_text="The teammate you ask.")
    counter_shift = serializers.PrimaryKeyRelatedField(
        queryset=Shift.objects.select_related("team", "rotation"),
        required=False,
        allow_null=True,
        help_text="Their shift in exchange; leave out for a give-away.",
    )
    message = serializers.CharField(max_length=300, required=False, default="")


class SwapFilter(filters.FilterSet):
    class Meta:
        model = SwapRequest
        fields = ["status"]


Decision = Callable[..., SwapRequest]


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class SwapRequestViewSet(TeamScopedViewSet):
    """Swap requests: propose (exchange or give-away), then the person asked accepts or
    declines (a lead may decide for them) and the requester may cancel. Accepting is
    atomic: of two concurrent accepts one wins, the other gets 400."""

    serializer_class = SwapRequestSerializer
    filterset_class = SwapFilter
    queryset = SwapRequest.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[SwapRequest]:
        return swap_requests_for_team(team=team)

    @extend_schema(request=SwapRequestCreateSerializer, responses={201: SwapRequestSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team()
        serializer = SwapRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift_of_team(team, serializer.validated_data["shift"], "shift")
        shift_of_team(team, serializer.validated_data.get("counter_shift"), "counter_shift")
        swap = swap_services.swap_request_create(requester=self.user, **serializer.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=swap.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _decide(self, pk: str, decide: Decision) -> Response:
        swap = get_object_or_404(self.get_queryset(), pk=pk)
        decide(swap=swap, actor=self.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(parameters=[ID], request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, team_slug: str, pk: str) -> Response:
        return self._decide(pk, swap_services.swap_request_accept)

    @extend_schema(parameters=[ID], request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, team_slug: str, pk: str) -> Response:
        return self._decide(pk, swap_services.swap_request_decline)

    @extend_schema(parameters=[ID], request=None, responses=SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, team_slug: str, pk: str) -> Response:
        return self._decide(pk, swap_services.swap_request_cancel)
