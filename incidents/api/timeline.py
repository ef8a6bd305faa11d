"""An incident's timeline, nested under `incidents/{incident_pk}/timeline/`."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.models import Incident, TimelineEntry
from incidents.services import incidents as services
from teams.models import Membership, Team
from teams.rest import BoundedModelSerializer, TeamScopedViewSet


class TimelineEntrySerializer(BoundedModelSerializer[TimelineEntry]):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = TimelineEntry
        fields = ["id", "kind", "occurred_at", "author", "body", "created_at", "edited_at"]
        read_only_fields = ["kind", "created_at", "edited_at"]
        extra_kwargs = {"occurred_at": {"required": False}}


class TimelineEntryEditSerializer(serializers.Serializer[Any]):
    body = serializers.CharField()


class TimelineEntryViewSet(TeamScopedViewSet):
    """An incident's timeline. Members add notes; authors edit their own (history kept)."""

    serializer_class = TimelineEntrySerializer
    queryset = TimelineEntry.objects.none()

    def team_incident(self, team: Team) -> Incident:
        return get_object_or_404(Incident.objects.filter(team=team), pk=self.kwargs["incident_pk"])

    def team_queryset(self, team: Team) -> QuerySet[TimelineEntry]:
        """The URL's incident's entries (a 404 when the team has no such incident)."""
        incident = self.team_incident(team)
        return TimelineEntry.objects.filter(incident=incident).select_related("author")

    def create(self, request: Request, team_slug: str, incident_pk: str) -> Response:
        incident = self.team_incident(self.get_team(min_role=Membership.Role.MEMBER))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.timeline_entry_add(
            incident=incident, author=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TimelineEntryEditSerializer)
    def partial_update(
        self, request: Request, team_slug: str, incident_pk: str, pk: str
    ) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        entry = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = TimelineEntryEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.timeline_entry_edit(entry=entry, by=self.user, **serializer.validated_data)
        return Response(self.get_serializer(entry).data)
