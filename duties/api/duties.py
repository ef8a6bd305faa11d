"""A rotation's duties (leads edit, members read) and the ticks of each shift (the
shifter on duty writes)."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from duties import selectors, services
from duties.models import Duty, DutyCheck
from meetings.models import MeetingSeries
from shifts.models import Rotation, Shift
from teams.bounds import SaneDateFilter
from teams.markdown import render_markdown
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamRecordField, TeamScopedViewSet


class DutySerializer(serializers.ModelSerializer[Duty]):
    rotation = TeamRecordField(model=Rotation)
    meeting_series = TeamRecordField(
        model=MeetingSeries,
        required=False,
        allow_null=True,
        help_text="The series followed; only with cadence `at_meeting`.",
    )
    instructions_html = serializers.SerializerMethodField()

    class Meta:
        model = Duty
        fields = [
            "id",
            "rotation",
            "title",
            "instructions",
            "instructions_html",
            "cadence",
            "meeting_series",
            "expert_only",
            "position",
            "is_active",
        ]
        validators: list[Any] = []

    def get_instructions_html(self, duty: Duty) -> str:
        return render_markdown(duty.instructions)


@extend_schema(parameters=[TEAM_SLUG])
class DutyViewSet(TeamScopedViewSet):
    """The duties of the team's rotations: members read, a lead edits."""

    serializer_class = DutySerializer
    queryset = Duty.objects.none()
    filterset_fields = ["rotation", "cadence", "is_active"]

    def team_queryset(self, team: Team) -> QuerySet[Duty]:
        return selectors.duties_for_team(team=team)

    def create(self, request: Request, team_slug: str) -> Response:
        self.get_team(min_role=Membership.Role.LEAD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        duty = services.duty_create(
            rotation=data.pop("rotation"),
            title=data.pop("title"),
            cadence=data.pop("cadence"),
            **data,
        )
        return Response(self.get_serializer(duty).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        duty = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = self.get_serializer(duty, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "rotation" in data and data.pop("rotation") != duty.rotation:
            raise serializers.ValidationError({"rotation": ["A duty stays in its rotation."]})
        duty = services.duty_update(duty=duty, data=data)
        return Response(self.get_serializer(duty).data)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        services.duty_delete(duty=get_object_or_404(self.team_queryset(team), pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DutyCheckSerializer(BoundedModelSerializer[DutyCheck]):
    duty = TeamRecordField(model=Duty, team_path="rotation__team")
    shift = TeamRecordField(model=Shift)
    done_by = serializers.CharField(source="done_by.username", read_only=True, default=None)

    class Meta:
        model = DutyCheck
        fields = ["id", "duty", "shift", "occurs_on", "state", "note", "done_by", "done_at"]
        read_only_fields = ["done_at"]
        validators: list[Any] = []


class DutyCheckFilter(filters.FilterSet):
    after = SaneDateFilter(field_name="occurs_on", lookup_expr="gte")
    before = SaneDateFilter(field_name="occurs_on", lookup_expr="lte")

    class Meta:
        model = DutyCheck
        fields = ["shift", "duty", "state", "after", "before"]


@extend_schema(parameters=[TEAM_SLUG])
class DutyCheckViewSet(TeamScopedViewSet):
    """What was done about each duty in each shift. Only the shifter on duty ticks (an
    expert-only duty needs an expert); ticking an occurrence again updates it."""

    serializer_class = DutyCheckSerializer
    filterset_class = DutyCheckFilter
    queryset = DutyCheck.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[DutyCheck]:
        return selectors.duty_checks_for_team(team=team)

    def create(self, request: Request, team_slug: str) -> Response:
        self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check = services.duty_check_record(
            duty=data["duty"],
            shift=data["shift"],
            occurs_on=data["occurs_on"],
            actor=self.user,
            state=data.get("state", DutyCheck.State.DONE),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        check = get_object_or_404(self.team_queryset(team), pk=pk)
        services.duty_check_delete(check=check, actor=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
