"""REST API for the signed-in user, teams and memberships."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from teams import selectors, services
from teams.access import team_access
from teams.feeds import feed_links
from teams.models import Membership, Team
from teams.rest import TeamScopedViewSet, request_user
from teams.timezones import validate_time_zone
from teams.tokens import feed_token_value


class TeamSerializer(serializers.ModelSerializer[Team]):
    time_zone = serializers.CharField(validators=[validate_time_zone], required=False)

    class Meta:
        model = Team
        fields = [
            "slug",
            "name",
            "time_zone",
            "mailing_list",
            "github_repo",
            "visibility",
            "support_target_hours",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class TeamUpdateSerializer(TeamSerializer):
    class Meta(TeamSerializer.Meta):
        read_only_fields = ["slug", "created_at"]
        extra_kwargs = {"name": {"required": False}}


class MemberUserSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user = MemberUserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "is_active", "joined_on"]
        read_only_fields = ["id", "joined_on"]


class MembershipCreateSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)


class MembershipUpdateSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)


class MeTeamSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField(source="team.slug")
    name = serializers.CharField(source="team.name")
    time_zone = serializers.CharField(source="team.time_zone")
    role = serializers.CharField()


class FeedSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    url = serializers.URLField()
    webcal_url = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    display_time_zone = serializers.CharField()
    github_login = serializers.CharField()
    is_staff = serializers.BooleanField()
    teams = MeTeamSerializer(many=True)
    feeds = FeedSerializer(many=True, help_text="Calendar feeds to subscribe to.")


class MeView(APIView):
    """The signed-in user, their teams and roles, and the calendar feeds they can subscribe to."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request_user(request)
        profile = selectors.profile_for_user(user=user)
        token = services.feed_token_get_or_create(user=user)
        data: dict[str, Any] = {
            "id": user.pk,
            "username": user.get_username(),
            "email": getattr(user, "email", ""),
            "full_name": user.get_full_name(),
            "display_time_zone": selectors.user_display_zone_name(user=user),
            "github_login": profile.github_login if profile else "",
            "is_staff": user.is_staff,
            "teams": selectors.memberships_for_user(user=user),
            "feeds": [
                {"title": link.title, "url": link.url, "webcal_url": link.webcal_url}
                for link in feed_links(user=user, token=feed_token_value(token.salt))
            ],
        }
        return Response(MeSerializer(data).data)


class TeamFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Team
        fields = ["name", "visibility"]


class TeamViewSet(viewsets.GenericViewSet[Team]):
    """Teams you belong to. Staff create teams; leads edit theirs."""

    serializer_class = TeamSerializer
    lookup_field = "slug"
    filterset_class = TeamFilter
    ordering_fields = ["name", "slug"]

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.teams_for_user(user=self.request.user).order_by("name")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, slug: str) -> Response:
        team = team_access(user=request.user, slug=slug).require(readable=True).team
        return Response(self.get_serializer(team).data)

    def create(self, request: Request) -> Response:
        if not request.user.is_staff:
            raise PermissionDenied("Only staff create teams.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        team = services.team_create(created_by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamUpdateSerializer)
    def partial_update(self, request: Request, slug: str) -> Response:
        team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
        serializer = TeamUpdateSerializer(team, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        team = services.team_update(team=team, **serializer.validated_data)
        return Response(self.get_serializer(team).data)


class MembershipFilter(filters.FilterSet):
    class Meta:
        model = Membership
        fields = ["role", "is_active"]


class MembershipViewSet(TeamScopedViewSet):
    """A team's memberships. Members read; leads add, change roles and deactivate."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    queryset = Membership.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[Membership]:
        return selectors.memberships_for_team(team=team)

    def get_team(self, *, min_role: str | None = None) -> Team:
        # Memberships are not shared data: a team open to all users shows them to members only.
        return self.access().require(min_role=min_role).team

    @extend_schema(request=MembershipCreateSerializer)
    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = MembershipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_add(team=team, **serializer.validated_data)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MembershipUpdateSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        membership = get_object_or_404(selectors.memberships_for_team(team=team), pk=pk)
        serializer = MembershipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_update(membership=membership, **serializer.validated_data)
        return Response(self.get_serializer(membership).data)
