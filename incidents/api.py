"""REST API for incidents, timelines, support requests, action items and the knowledge base.

Every resource lives under its team: `/api/v1/teams/<slug>/...`. Members write; any
signed-in user reads a team open to all users; another team's private data is a 404.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import selectors, services
from incidents.models import (
    ActionItem,
    Component,
    Incident,
    KnowledgeEntry,
    SupportRequest,
    TimelineEntry,
)
from teams.models import Membership
from teams.rest import TeamScopedViewSet, UsernameField


class TeamComponentField(serializers.SlugRelatedField[Component]):
    """A component of the URL's team, by name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="name", **kwargs)

    def get_queryset(self) -> QuerySet[Component]:
        team = self.context.get("team")
        return Component.objects.filter(team=team) if team else Component.objects.none()


# Components -------------------------------------------------------------------


class ComponentSerializer(serializers.ModelSerializer[Component]):
    class Meta:
        model = Component
        fields = ["id", "name", "description"]


class ComponentViewSet(TeamScopedViewSet):
    """The team's components (JobAccountant, RucioInjector, ...)."""

    serializer_class = ComponentSerializer
    queryset = Component.objects.none()
    pagination_class = None

    def list(self, request: Request, team_slug: str) -> Response:
        components = selectors.components_for_team(team=self.get_team())
        return Response(self.get_serializer(components, many=True).data)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        component = services.component_create(team=team, **serializer.validated_data)
        return Response(self.get_serializer(component).data, status=status.HTTP_201_CREATED)


# Incidents --------------------------------------------------------------------


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    owner = UsernameField(required=False, allow_null=True)
    reporter = UsernameField(required=False, allow_null=True)
    components = TeamComponentField(many=True, required=False)
    related = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Incident.objects.all()
    )
    links = serializers.ListField(child=serializers.URLField(), required=False)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "severity",
            "status",
            "owner",
            "reporter",
            "reporter_team",
            "components",
            "started_at",
            "detected_at",
            "resolved_at",
            "resolution_note",
            "links",
            "related",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "resolved_at", "resolution_note", "created_at", "updated_at"]


class IncidentUpdateSerializer(IncidentSerializer):
    class Meta(IncidentSerializer.Meta):
        read_only_fields = [*IncidentSerializer.Meta.read_only_fields, "owner"]
        extra_kwargs = {"title": {"required": False}, "kind": {"required": False}}


class IncidentStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Incident.Status.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required to resolve (the resolution) and to reopen (the reason).",
    )
    at = serializers.DateTimeField(required=False, help_text="When it happened (default: now).")


class IncidentTransferSerializer(serializers.Serializer[Any]):
    owner = UsernameField()
    note = serializers.CharField(required=False, allow_blank=True)


class IncidentFilter(filters.FilterSet):
    owner = filters.CharFilter(field_name="owner__username", help_text="Owner's username.")
    component = filters.CharFilter(
        field_name="components__name", distinct=True, help_text="Component name."
    )
    detected_after = filters.IsoDateTimeFilter(field_name="detected_at", lookup_expr="gte")
    detected_before = filters.IsoDateTimeFilter(field_name="detected_at", lookup_expr="lt")
    active = filters.BooleanFilter(method="filter_active", help_text="Not resolved.")

    class Meta:
        model = Incident
        fields = ["kind", "status", "severity"]

    def filter_active(
        self, queryset: QuerySet[Incident], name: str, value: bool | None
    ) -> QuerySet[Incident]:
        if value is None:
            return queryset
        if value:
            return queryset.exclude(status=Incident.Status.RESOLVED)
        return queryset.filter(status=Incident.Status.RESOLVED)


class IncidentViewSet(TeamScopedViewSet):
    """A team's incidents (the debugging log)."""

    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    queryset = Incident.objects.none()
    ordering_fields = ["detected_at", "severity", "status"]

    def get_queryset(self) -> QuerySet[Incident]:
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return selectors.incident_list(team=self.get_team()).prefetch_related("related")

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_open(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentUpdateSerializer, responses=IncidentSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        incident = selectors.incident_get(team=team, pk=int(pk))
        serializer = IncidentUpdateSerializer(
            incident, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        incident = services.incident_update(
            incident=incident, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data)

    @extend_schema(request=IncidentStatusSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, team_slug: str, pk: str) -> Response:
        """Change the status; resolving needs a note, reopening a reason."""
        incident = selectors.incident_get(
            team=self.get_team(min_role=Membership.Role.MEMBER), pk=int(pk)
        )
        serializer = IncidentStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_set_status(
            incident=incident, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data)

    @extend_schema(request=IncidentTransferSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, team_slug: str, pk: str) -> Response:
        """Hand the incident to another team member, with a note."""
        incident = selectors.incident_get(
            team=self.get_team(min_role=Membership.Role.MEMBER), pk=int(pk)
        )
        serializer = IncidentTransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_transfer(
            incident=incident, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(incident).data)


# Timeline ---------------------------------------------------------------------


class TimelineEntrySerializer(serializers.ModelSerializer[TimelineEntry]):
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

    def get_incident(self, *, write: bool = False) -> Incident:
        team = self.get_team(min_role=Membership.Role.MEMBER if write else None)
        return get_object_or_404(Incident.objects.filter(team=team), pk=self.kwargs["incident_pk"])

    def list(self, request: Request, team_slug: str, incident_pk: str) -> Response:
        incident = self.get_incident()
        return self.list_response(
            TimelineEntry.objects.filter(incident=incident).select_related("author")
        )

    def create(self, request: Request, team_slug: str, incident_pk: str) -> Response:
        incident = self.get_incident(write=True)
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
        incident = self.get_incident(write=True)
        entry = selectors.timeline_entry_get(incident=incident, pk=int(pk))
        serializer = TimelineEntryEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.timeline_entry_edit(entry=entry, by=self.user, **serializer.validated_data)
        return Response(self.get_serializer(entry).data)


# Support requests -------------------------------------------------------------


class SupportRequestSerializer(serializers.ModelSerializer[SupportRequest]):
    handled_by = UsernameField(required=False, allow_null=True)
    response_seconds = serializers.SerializerMethodField()
    resolution_seconds = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "asked_by",
            "asking_team",
            "channel",
            "link",
            "question",
            "answer",
            "asked_at",
            "first_response_at",
            "resolved_at",
            "handled_by",
            "incident",
            "response_seconds",
            "resolution_seconds",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"asked_at": {"required": False}}

    def get_response_seconds(self, obj: SupportRequest) -> int | None:
        return int(obj.response_time.total_seconds()) if obj.response_time else None

    def get_resolution_seconds(self, obj: SupportRequest) -> int | None:
        return int(obj.resolution_time.total_seconds()) if obj.resolution_time else None


class SupportRequestFilter(filters.FilterSet):
    handled_by = filters.CharFilter(field_name="handled_by__username")
    asked_after = filters.IsoDateTimeFilter(field_name="asked_at", lookup_expr="gte")
    asked_before = filters.IsoDateTimeFilter(field_name="asked_at", lookup_expr="lt")
    unanswered = filters.BooleanFilter(field_name="first_response_at", lookup_expr="isnull")

    class Meta:
        model = SupportRequest
        fields = ["channel"]


class ResponseStatsSerializer(serializers.Serializer[Any]):
    period = serializers.CharField(source="label")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    resolved = serializers.IntegerField()
    median_response_seconds = serializers.SerializerMethodField()
    max_response_seconds = serializers.SerializerMethodField()
    median_resolution_seconds = serializers.SerializerMethodField()

    def get_median_response_seconds(self, obj: selectors.ResponseStats) -> int | None:
        return _seconds(obj.median_response)

    def get_max_response_seconds(self, obj: selectors.ResponseStats) -> int | None:
        return _seconds(obj.max_response)

    def get_median_resolution_seconds(self, obj: selectors.ResponseStats) -> int | None:
        return _seconds(obj.median_resolution)


def _seconds(value: dt.timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


class StatsQuerySerializer(serializers.Serializer[Any]):
    by = serializers.ChoiceField(choices=["day", "week"], default="week")
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and until < since:
            raise serializers.ValidationError({"until": "The end is before the start."})
        if since and until and (until - since).days > 370:
            raise serializers.ValidationError({"until": "Ask for at most about a year."})
        return attrs


class SupportRequestViewSet(TeamScopedViewSet):
    """Questions from other teams, with their response and resolution times."""

    serializer_class = SupportRequestSerializer
    filterset_class = SupportRequestFilter
    queryset = SupportRequest.objects.none()

    def get_queryset(self) -> QuerySet[SupportRequest]:
        if getattr(self, "swagger_fake_view", False):
            return SupportRequest.objects.none()
        return selectors.support_request_list(team=self.get_team())

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.support_request_create(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        item = get_object_or_404(selectors.support_request_list(team=team), pk=pk)
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.support_request_update(support_request=item, **serializer.validated_data)
        return Response(self.get_serializer(item).data)

    @extend_schema(
        parameters=[StatsQuerySerializer],
        responses=ResponseStatsSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def stats(self, request: Request, team_slug: str) -> Response:
        """Response and resolution times per day or per week (in the team's zone)."""
        team = self.get_team()
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        by = query.validated_data["by"]
        today = selectors.local_now(team=team).date()
        until = query.validated_data.get("until") or today
        default_span = dt.timedelta(days=13 if by == "day" else 7 * 7)
        since = query.validated_data.get("since") or until - default_span
        periods = selectors.periods_in_zone(
            zone_name=team.time_zone, first_day=since, last_day=until, by=by
        )
        stats = selectors.support_response_stats(team=team, periods=periods)
        return Response(ResponseStatsSerializer(stats, many=True).data)


# Action items -----------------------------------------------------------------


class ActionItemSerializer(serializers.ModelSerializer[ActionItem]):
    owner = UsernameField(required=False, allow_null=True)
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
            "github_repo",
            "github_issue_number",
            "created_at",
            "closed_at",
        ]
        read_only_fields = ["created_at", "closed_at"]


class ActionItemFilter(filters.FilterSet):
    owner = filters.CharFilter(field_name="owner__username")
    mine = filters.BooleanFilter(method="filter_mine")
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = ActionItem
        fields = ["status", "source", "incident", "needs_github_issue"]

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

    def get_queryset(self) -> QuerySet[ActionItem]:
        if getattr(self, "swagger_fake_view", False):
            return ActionItem.objects.none()
        return selectors.action_item_list(team=self.get_team(), user=self.request.user)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_create(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        item = selectors.action_item_get(
            team=self.get_team(min_role=Membership.Role.MEMBER), pk=int(pk)
        )
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_update(action_item=item, **serializer.validated_data)
        return Response(self.get_serializer(item).data)


# Knowledge base ---------------------------------------------------------------


class KnowledgeEntrySerializer(serializers.ModelSerializer[KnowledgeEntry]):
    components = TeamComponentField(many=True, required=False)
    links = serializers.ListField(child=serializers.URLField(), required=False)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = KnowledgeEntry
        fields = [
            "id",
            "title",
            "symptom",
            "diagnosis",
            "mitigation",
            "components",
            "links",
            "expert_only",
            "source_incident",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source_incident", "created_at", "updated_at"]


class KnowledgeEntryViewSet(TeamScopedViewSet):
    """Known misbehaviour: symptom, diagnosis, mitigation. Search with `?q=`."""

    serializer_class = KnowledgeEntrySerializer
    queryset = KnowledgeEntry.objects.none()

    def get_queryset(self) -> QuerySet[KnowledgeEntry]:
        if getattr(self, "swagger_fake_view", False):
            return KnowledgeEntry.objects.none()
        return selectors.knowledge_entry_list(
            team=self.get_team(), query=self.request.query_params.get("q", "")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Full-text search."),
        ]
    )
    def retrieve(self, request: Request, team_slug: str, pk: str) -> Response:
        entry = selectors.knowledge_entry_get(team=self.get_team(), pk=int(pk))
        return Response(self.get_serializer(entry).data)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.knowledge_entry_create(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        entry = selectors.knowledge_entry_get(
            team=self.get_team(min_role=Membership.Role.MEMBER), pk=int(pk)
        )
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = services.knowledge_entry_update(
            entry=entry, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(entry).data)
