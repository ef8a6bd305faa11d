"""REST API: the topics of a team's meeting reports. Members add, edit (with the
`version` they read; a stale one is a 409 with the current values) and remove them."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from meetings import selectors
from meetings.api.reports import CONFLICT
from meetings.models import MeetingReport, Topic
from meetings.services import report_editor, reports
from teams.models import Membership, Team
from teams.rest import ID, TEAM_SLUG, BoundedModelSerializer, TeamScopedViewSet


class TopicSerializer(BoundedModelSerializer[Topic]):
    action_items = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = [
            "id", "report", "position", "title", "raised_by_team", "raised_by_person",
            "discussion", "reply", "decision", "version", "carried_from", "action_items",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_action_items(self, topic: Topic) -> list[int]:
        return [link.action_item_id for link in topic.action_links.all()]


class TopicCreateSerializer(serializers.Serializer[Any]):
    report = serializers.IntegerField(help_text="A report of this team.")
    title = serializers.CharField(max_length=300)

    def validate_report(self, value: int) -> MeetingReport:
        report = selectors.reports_for_team(team=self.context["team"]).filter(pk=value).first()
        if report is None:
            raise serializers.ValidationError("No such report in this team.")
        return report


class TopicUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text="The version your change is based on.")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    raised_by_team = serializers.CharField(max_length=100, required=False, allow_blank=True)
    raised_by_person = serializers.CharField(max_length=100, required=False, allow_blank=True)
    discussion = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    reply = serializers.ChoiceField(choices=Topic.Reply.choices, required=False, allow_blank=True)
    decision = serializers.CharField(required=False, allow_blank=True, max_length=20000)


@extend_schema(parameters=[TEAM_SLUG])
@extend_schema_view(retrieve=extend_schema(parameters=[ID]))
class TopicViewSet(TeamScopedViewSet):
    """Topics of the team's meeting reports (filter `report`, `reply`); members add,
    edit with the `version` they read, and remove them."""

    serializer_class = TopicSerializer
    filterset_fields = ["report", "reply"]
    queryset = Topic.objects.none()

    def team_queryset(self, team: Team) -> QuerySet[Topic]:
        return selectors.topics_for_team(team=team)

    @extend_schema(request=TopicCreateSerializer, responses={201: TopicSerializer})
    def create(self, request: Request, team_slug: str) -> Response:
        self.get_team(min_role=Membership.Role.MEMBER)
        serializer = TopicCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        topic = reports.topic_add(user=self.user, **serializer.validated_data)
        return Response(self.get_serializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID],
        request=TopicUpdateSerializer,
        responses={200: TopicSerializer, 409: CONFLICT},
    )
    def partial_update(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        topic = get_object_or_404(self.team_queryset(team), pk=pk)
        serializer = TopicUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        topic = report_editor.topic_update(
            topic=topic, user=self.user, version=data.pop("version"), **data
        )
        return Response(self.get_serializer(topic).data)

    @extend_schema(parameters=[ID])
    def destroy(self, request: Request, team_slug: str, pk: str) -> Response:
        team = self.get_team(min_role=Membership.Role.MEMBER)
        topic = get_object_or_404(self.team_queryset(team), pk=pk)
        reports.topic_delete(topic=topic, user=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
