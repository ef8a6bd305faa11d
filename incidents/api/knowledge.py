"""The knowledge base: known misbehaviour with its symptom, diagnosis and mitigation."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import selectors
from incidents.api.fields import TeamComponentField
from incidents.models import KnowledgeEntry
from incidents.services import knowledge as services
from teams.models import Membership, Team
from teams.rest import BoundedModelSerializer, TeamScopedViewSet


class KnowledgeEntrySerializer(BoundedModelSerializer[KnowledgeEntry]):
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


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Full-text search.")]
    )
)
class KnowledgeEntryViewSet(TeamScopedViewSet):
    """Known misbehaviour: symptom, diagnosis, mitigation. Search with `?q=`."""

    serializer_class = KnowledgeEntrySerializer
    queryset = KnowledgeEntry.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[KnowledgeEntry]:
        return selectors.knowledge_entry_list(
            team=team, query=self.request.query_params.get("q", "")
        )

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.knowledge_entry_create(
            team=team, created_by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        entry = get_object_or_404(selectors.knowledge_entry_list(team=team), pk=pk)
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = services.knowledge_entry_update(
            entry=entry, by=self.user, **serializer.validated_data
        )
        return Response(self.get_serializer(entry).data)
