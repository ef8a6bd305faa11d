"""The team's components (JobAccountant, RucioInjector, ...), a short list: not paginated."""

from django.db.models import QuerySet
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import selectors
from incidents.models import Component
from incidents.services import components as services
from teams.models import Membership, Team
from teams.rest import TeamScopedViewSet


class ComponentSerializer(serializers.ModelSerializer[Component]):
    class Meta:
        model = Component
        fields = ["id", "name", "description"]


class ComponentViewSet(TeamScopedViewSet):
    """The team's components (JobAccountant, RucioInjector, ...)."""

    serializer_class = ComponentSerializer
    queryset = Component.objects.none()
    pagination_class = None

    def team_queryset(self, team: Team) -> QuerySet[Component]:
        return selectors.components_for_team(team=team)

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        component = services.component_create(team=team, **serializer.validated_data)
        return Response(self.get_serializer(component).data, status=status.HTTP_201_CREATED)
