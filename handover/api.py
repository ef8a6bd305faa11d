"""REST API: a team's handover notes (members only). Draft the note of a shift
(`POST handover-notes/` with the shift's id, idempotent), edit its text with the
`version` you read (a stale one is a 409 with the stored text), finalise (the outgoing
shifter or a lead), acknowledge (the incoming shifter or a lead), and read the period
summary of its shift."""

import dataclasses
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from handover import selectors, services
from handover.models import HandoverNote
from handover.services import NOTE_TEXT_MAX
from meetings.api.reports import CONFLICT
from shifts.models import Shift
from teams.bounds import RecordIdFilter
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamRecordField, TeamScopedViewSet


def _username() -> Any:
    return serializers.SlugRelatedField(slug_field="username", read_only=True)


class HandoverNoteSerializer(BoundedModelSerializer[HandoverNote]):
    outgoing = _username()
    incoming = _username()
    finalised_by = _username()
    acknowledged_by = _username()
    state = serializers.CharField(read_only=True, help_text="draft, finalised or acknowledged.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    shift_start_at = serializers.DateTimeField(source="shift.start_at", read_only=True)
    shift_end_at = serializers.DateTimeField(
        source="shift.end_at", read_only=True, help_text="The handover instant."
    )

    class Meta:
        model = HandoverNote
        fields = [
            "id", "shift", "shift_start_at", "shift_end_at", "state", "outgoing", "incoming",
            "ongoing_debugging", "watch_out_for", "next_week", "version", "updated_at",
            "finalised_at", "finalised_by", "edited_after_finalising", "acknowledged_at",
            "acknowledged_by", "url",
        ]  # fmt: skip
        read_only_fields = fields


class HandoverNoteDraftSerializer(serializers.Serializer[Any]):
    shift = TeamRecordField(model=Shift, help_text="The id of one of the team's shifts.")


class HandoverNoteUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version your change is based on."
    )
    ongoing_debugging = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_TEXT_MAX, trim_whitespace=False
    )
    watch_out_for = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_TEXT_MAX, trim_whitespace=False
    )
    next_week = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_TEXT_MAX, trim_whitespace=False
    )


class PeriodSummarySerializer(serializers.Serializer[Any]):
    """The period summary of the note's shift (`handover.summary.PeriodSummary`)."""

    team_slug = serializers.CharField()
    time_zone = serializers.CharField()
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    built_at = serializers.DateTimeField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    is_month = serializers.BooleanField()
    incidents = serializers.DictField(help_text="opened, resolved, ongoing.")
    support = serializers.DictField(help_text="Counts, response hours, requests, waiting.")
    duties = serializers.DictField(help_text="The rotation's duties: done, skipped, noted, missed.")
    meetings = serializers.DictField(help_text="held, without_report, decisions.")
    action_items = serializers.DictField(help_text="created, done, overdue, regressed.")
    github = serializers.DictField(help_text="opened, closed, reopened.")
    deployments = serializers.DictField(help_text="applied, pending, draining.")
    schedule = serializers.DictField(help_text="swaps, covers.")
    upcoming = serializers.DictField(help_text="The next period: meetings, leave, items due.")


class HandoverNoteFilter(filters.FilterSet):
    shift = RecordIdFilter(field_name="shift_id")

    class Meta:
        model = HandoverNote
        fields = ["shift"]


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class HandoverNoteViewSet(TeamScopedViewSet):
    """The team's handover notes, one per shift (members only)."""

    serializer_class = HandoverNoteSerializer
    filterset_class = HandoverNoteFilter
    queryset = HandoverNote.objects.none()

    def get_team(self, *, min_role: str | None = None) -> Team:
        """Notes are the team's own: members only, whatever the team's visibility."""
        return super().get_team(min_role=min_role or Membership.Role.MEMBER)

    def team_queryset(self, team: Team) -> QuerySet[HandoverNote]:
        return selectors.notes_for_team(team=team)

    def _note(self, pk: str) -> HandoverNote:
        return get_object_or_404(self.team_queryset(self.get_team()), pk=pk)

    @extend_schema(
        request=HandoverNoteDraftSerializer,
        responses={200: HandoverNoteSerializer, 201: HandoverNoteSerializer},
    )
    def create(self, request: Request, team_slug: str) -> Response:
        """Draft the note of a shift (200 with the existing one if it is there)."""
        self.get_team()
        serializer = HandoverNoteDraftSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        shift = serializer.validated_data["shift"]
        existed = HandoverNote.objects.filter(shift=shift).exists()
        note = services.handover_note_get_or_draft(shift=shift)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(note).data, status=code)

    @extend_schema(
        parameters=[ID],
        request=HandoverNoteUpdateSerializer,
        responses={200: HandoverNoteSerializer, 409: CONFLICT},
    )
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        note = self._note(pk)
        serializer = HandoverNoteUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        note = services.handover_note_update(
            note=note, user=self.user, version=data.pop("version"), data=data
        )
        return Response(self.get_serializer(note).data)

    @extend_schema(parameters=[ID], request=None, responses=HandoverNoteSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request: Request, team_slug: str, pk: str) -> Response:
        """Finalise the note (the outgoing shifter or a lead); again changes nothing."""
        note = services.handover_note_finalise(note=self._note(pk), user=self.user)
        return Response(self.get_serializer(note).data)

    @extend_schema(parameters=[ID], request=None, responses=HandoverNoteSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, team_slug: str, pk: str) -> Response:
        """Acknowledge a finalised note (the incoming shifter or a lead)."""
        note = services.handover_note_acknowledge(note=self._note(pk), user=self.user)
        return Response(self.get_serializer(note).data)

    @extend_schema(parameters=[ID], responses=PeriodSummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, team_slug: str, pk: str) -> Response:
        """The period summary of the note's shift, as of now."""
        summary = selectors.note_summary(note=self._note(pk), now=timezone.now())
        return Response(PeriodSummarySerializer(dataclasses.asdict(summary)).data)
