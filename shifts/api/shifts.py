"""A team's shifts, past ones included; leads set who is on a future shift by hand."""

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from shifts.api.serializers import UserRefSerializer
from shifts.models import Override, Shift
from shifts.selectors.shifts import shifts_for_team
from shifts.services.shifts import shift_assign
from teams.bounds import RecordIdFilter, SaneDateTimeField, SaneIsoDateTimeFilter
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, TeamScopedViewSet, UsernameField


class OverrideInShiftSerializer(serializers.ModelSerializer[Override]):
    user = UserRefSerializer()
    start_at = SaneDateTimeField()
    end_at = SaneDateTimeField()

    class Meta:
        model = Override
        fields = ["id", "user", "start_at", "end_at", "reason"]


class ShiftSerializer(serializers.ModelSerializer[Shift]):
    assignee = UserRefSerializer(allow_null=True)
    rotation = serializers.IntegerField(source="rotation_id")
    overrides = OverrideInShiftSerializer(many=True)
    start_at = SaneDateTimeField()
    end_at = SaneDateTimeField()

    class Meta:
        model = Shift
        fields = ["id", "rotation", "slot", "assignee", "start_at", "end_at", "origin", "overrides"]


class ShiftAssignSerializer(serializers.Serializer[Any]):
    assignee = UsernameField()


class ShiftFilter(filters.FilterSet):
    rotation = RecordIdFilter(field_name="rotation_id")
    person = filters.CharFilter(method="filter_person", help_text="Username: on it or covering.")
    start = SaneIsoDateTimeFilter(
        field_name="end_at", lookup_expr="gt", help_text="Shifts ending after this instant."
    )
    end = SaneIsoDateTimeFilter(
        field_name="start_at", lookup_expr="lt", help_text="Shifts starting before this instant."
    )

    class Meta:
        model = Shift
        fields = ["rotation", "person", "start", "end", "origin"]

    def filter_person(self, queryset: QuerySet[Shift], name: str, value: str) -> QuerySet[Shift]:
        return queryset.filter(
            Q(assignee__username=value) | Q(overrides__user__username=value)
        ).distinct()

    def filter_queryset(self, queryset: QuerySet[Shift]) -> QuerySet[Shift]:
        start, end = self.form.cleaned_data.get("start"), self.form.cleaned_data.get("end")
        if start and end and end <= start:
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        return super().filter_queryset(queryset)


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class ShiftViewSet(TeamScopedViewSet):
    """A team's shifts, past ones included ("who was on shift on 3 March?"): filter by
    rotation, person and range (`start` and `end` without an offset are times in the
    team's zone). Leads set who is on a future shift by hand."""

    serializer_class = ShiftSerializer
    filterset_class = ShiftFilter
    queryset = Shift.objects.none()
    ordering_fields = ["start_at"]

    def team_queryset(self, team: Team) -> QuerySet[Shift]:
        return shifts_for_team(team=team)

    @extend_schema(parameters=[ID], request=ShiftAssignSerializer, responses=ShiftSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        shift = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = ShiftAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift_assign(shift=shift, actor=self.user, **serializer.validated_data)
        return Response(self.get_serializer(self.team_queryset(team).get(pk=pk)).data)
