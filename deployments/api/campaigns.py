"""Draining / redeployment campaigns: their hosts' stages and their checklists."""

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

from deployments import selectors
from deployments.api.changes import TeamHostField
from deployments.models import (
    HOST_NAME_PATTERN,
    Campaign,
    CampaignHost,
    ChecklistItem,
    ChecklistTick,
)
from deployments.services import campaigns
from teams.models import Membership, Team
from teams.rest import ID, TeamScopedViewSet, UsernameField

NAME = OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, description="Host name.")
ITEM = OpenApiParameter("item_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Step id.")


class ChecklistStepSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=300)
    per_host = serializers.BooleanField(default=True)


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    created_by = UsernameField(read_only=True)
    hosts = TeamHostField(many=True, write_only=True, help_text="Host names.")
    checklist = ChecklistStepSerializer(many=True, write_only=True, required=False)
    hosts_count = serializers.IntegerField(read_only=True, default=None)
    draining_count = serializers.IntegerField(read_only=True, default=None)
    drained_count = serializers.IntegerField(
        read_only=True, default=None, help_text="Drained or further."
    )
    redeployed_count = serializers.IntegerField(
        read_only=True, default=None, help_text="Redeployed or validated."
    )
    validated_count = serializers.IntegerField(read_only=True, default=None)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "kind",
            "reason",
            "target_release",
            "status",
            "starts_on",
            "ends_on",
            "hosts",
            "checklist",
            "created_by",
            "created_at",
            "hosts_count",
            "draining_count",
            "drained_count",
            "redeployed_count",
            "validated_count",
            "url",
        ]
        read_only_fields = ["status", "created_at"]


class CampaignUpdateSerializer(serializers.ModelSerializer[Campaign]):
    class Meta:
        model = Campaign
        fields = ["title", "kind", "reason", "target_release", "status", "starts_on", "ends_on"]


class CampaignHostSerializer(serializers.ModelSerializer[CampaignHost]):
    name = serializers.CharField(source="host.name", read_only=True)
    site = serializers.CharField(source="host.site", read_only=True)
    host_state = serializers.CharField(source="host.state", read_only=True)
    release = serializers.CharField(source="host.release", read_only=True)
    stage_changed_by = UsernameField(read_only=True)

    class Meta:
        model = CampaignHost
        fields = [
            "name",
            "site",
            "host_state",
            "release",
            "stage",
            "stage_changed_at",
            "stage_changed_by",
        ]


class ChecklistTickSerializer(serializers.ModelSerializer[ChecklistTick]):
    host = serializers.SerializerMethodField()
    by = UsernameField(read_only=True)

    class Meta:
        model = ChecklistTick
        fields = ["host", "by", "at"]

    def get_host(self, tick: ChecklistTick) -> str | None:
        row = tick.campaign_host
        return None if row is None else row.host.name


class ChecklistItemSerializer(serializers.ModelSerializer[ChecklistItem]):
    ticks = ChecklistTickSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "text", "per_host", "ticks"]


class CampaignDetailSerializer(CampaignSerializer):
    campaign_hosts = CampaignHostSerializer(many=True, read_only=True)
    checklist_steps = ChecklistItemSerializer(many=True, read_only=True, source="checklist")

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "campaign_hosts", "checklist_steps"]


class StageSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=CampaignHost.Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class TickSerializer(serializers.Serializer[Any]):
    host = serializers.RegexField(
        rf"^{HOST_NAME_PATTERN}$", required=False, help_text="For a per-host step."
    )
    done = serializers.BooleanField(default=True)


class TickedSerializer(serializers.Serializer[Any]):
    done = serializers.BooleanField()


class CampaignFilter(filters.FilterSet):
    class Meta:
        model = Campaign
        fields = ["status", "kind"]


class CampaignViewSet(TeamScopedViewSet):
    """Draining and redeployment campaigns."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    queryset = Campaign.objects.none()
    ordering_fields = ["created_at", "title"]

    def team_queryset(self, team: Team) -> QuerySet[Campaign]:
        return selectors.campaigns_for_team(team=team)

    @extend_schema(responses=CampaignDetailSerializer)
    def retrieve(self, request: Request, team_slug: str, pk: str) -> Response:
        campaign = selectors.campaign_get(team=self.get_team(), pk=pk)
        return Response(
            CampaignDetailSerializer(campaign, context=self.get_serializer_context()).data
        )

    def create(self, request: Request, team_slug: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        steps = [(step["text"], step["per_host"]) for step in data.pop("checklist", [])]
        campaign = campaigns.campaign_create(team=team, by=self.user, checklist=steps, **data)
        campaign = selectors.campaigns_for_team(team=team).get(pk=campaign.pk)
        return Response(self.get_serializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CampaignUpdateSerializer, responses=CampaignSerializer)
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.LEAD)
        campaign = get_object_or_404(selectors.campaigns_for_team(team=team), pk=pk)
        serializer = CampaignUpdateSerializer(campaign, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        campaigns.campaign_update(campaign=campaign, by=self.user, **serializer.validated_data)
        campaign = selectors.campaigns_for_team(team=team).get(pk=campaign.pk)
        return Response(self.get_serializer(campaign).data)

    @extend_schema(parameters=[ID, NAME], request=StageSerializer, responses=CampaignHostSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"hosts/(?P<name>{HOST_NAME_PATTERN})/stage",
    )
    def stage(self, request: Request, team_slug: str, pk: str, name: str) -> Response:
        """Move a host of the campaign to a stage (draining, drained, redeployed, validated)."""
        team = self.get_team(min_role=Membership.Role.MEMBER)
        campaign = get_object_or_404(Campaign.objects.filter(team=team), pk=pk)
        row = selectors.campaign_host_get(campaign=campaign, name=name)
        serializer = StageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = campaigns.campaign_host_set_stage(
            campaign_host=row, by=self.user, **serializer.validated_data
        )
        return Response(CampaignHostSerializer(row).data)

    @extend_schema(parameters=[ID, ITEM], request=TickSerializer, responses=TickedSerializer)
    @action(detail=True, methods=["post"], url_path=r"checklist/(?P<item_pk>[0-9]+)/tick")
    def tick(self, request: Request, team_slug: str, pk: str, item_pk: str) -> Response:
        """Tick (or untick, `"done": false`) a checklist step, for one host or the campaign."""
        team = self.get_team(min_role=Membership.Role.MEMBER)
        campaign = get_object_or_404(Campaign.objects.filter(team=team), pk=pk)
        item = selectors.checklist_item_get(campaign=campaign, pk=item_pk)
        serializer = TickSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.get("host")
        row = selectors.campaign_host_get(campaign=campaign, name=name) if name else None
        done = campaigns.checklist_tick(
            item=item, campaign_host=row, by=self.user, done=serializer.validated_data["done"]
        )
        return Response({"done": done})
