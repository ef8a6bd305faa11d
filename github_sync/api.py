"""REST API: an item's GitHub issues (create exactly once, link, list, retry) and the
team's sync status.

`POST .../action-items/{id}/github-issues/` (and under incidents) takes
`{"create": {...}}` or `{"link": "owner/repo#n" | URL}`. A new creation answers
**202 Accepted** with the link in status `creating` (the issue is opened by a task:
poll the link, or GET the list); the same item and repository again answer **200**
with the existing link (creating, created or failed), never a second issue. A new link
answers 201, an existing one 200.
"""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from github_sync import selectors
from github_sync.models import GitHubIssue, IssueLink, RepositorySync, SyncError
from github_sync.services import creation, linking
from incidents import selectors as incident_selectors
from incidents.models import ActionItem, Incident
from teams.access import team_access
from teams.models import Membership, Team
from teams.rest import TEAM_SLUG, TeamScopedViewSet


class GitHubIssueSerializer(serializers.ModelSerializer[GitHubIssue]):
    reference = serializers.CharField(read_only=True)
    state_label = serializers.CharField(read_only=True)

    class Meta:
        model = GitHubIssue
        fields = [
            "reference",
            "repository",
            "number",
            "title",
            "state",
            "state_reason",
            "state_label",
            "labels",
            "assignees",
            "html_url",
            "comments",
            "github_updated_at",
            "github_closed_at",
            "closed_by_login",
            "closing_reference",
            "is_regression",
            "regression_at",
            "deleted_at",
            "transferred_from",
            "synced_at",
        ]
        read_only_fields = fields


class IssueLinkSerializer(serializers.ModelSerializer[IssueLink]):
    issue = GitHubIssueSerializer(read_only=True, allow_null=True)
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = IssueLink
        fields = [
            "id",
            "repository",
            "status",
            "failure_reason",
            "attempts",
            "issue",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_created_by(self, link: IssueLink) -> str | None:
        return link.created_by.username if link.created_by else None


class CreateRequestSerializer(serializers.Serializer[dict[str, Any]]):
    repository = serializers.CharField(max_length=140)
    title = serializers.CharField(max_length=256, required=False, help_text="Default: the item's.")
    body = serializers.CharField(
        max_length=60_000,
        required=False,
        allow_blank=True,
        help_text="Default: the item's details; a link back to the item is appended.",
    )
    labels = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=20, required=False
    )
    assignee = serializers.CharField(
        max_length=39,
        required=False,
        allow_blank=True,
        help_text="A GitHub login. Default: the owner's GitHub login from their profile.",
    )


class IssueLinkRequestSerializer(serializers.Serializer[dict[str, Any]]):
    """`{"create": {...}}` or `{"link": "owner/repo#n"}` (`create` is also the name of a
    serializer method, hence `get_fields`)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            "create": CreateRequestSerializer(required=False),
            "link": serializers.CharField(
                max_length=300, required=False, help_text="owner/repo#n or the issue's GitHub URL."
            ),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("create" in attrs) == ("link" in attrs):
            raise serializers.ValidationError("Give either `create` or `link`.")
        return attrs


class _ItemIssueLinkViewSet(TeamScopedViewSet):
    serializer_class = IssueLinkSerializer
    queryset = IssueLink.objects.none()
    target_kwarg = ""

    def target(self, team: Team) -> ActionItem | Incident:
        raise NotImplementedError

    def team_queryset(self, team: Team) -> QuerySet[IssueLink]:
        return selectors.links_for_target(target=self.target(team))

    @extend_schema(
        request=IssueLinkRequestSerializer,
        responses={200: IssueLinkSerializer, 201: IssueLinkSerializer, 202: IssueLinkSerializer},
    )
    def create(self, request: Request, **kwargs: Any) -> Response:
        """Open a GitHub issue for it (exactly once per repository) or link an existing one.

        202: the creation is queued (status `creating`); 200: it existed already (no
        second issue); 201: a new link to an existing issue.
        """
        team = self.get_team(min_role=Membership.Role.MEMBER)
        target = self.target(team)
        serializer = IssueLinkRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "create" in data:
            fields = dict(data["create"])
            link, new = creation.issue_create_request(target=target, by=self.user, **fields)
            code: int = status.HTTP_202_ACCEPTED if new else status.HTTP_200_OK
        else:
            link, new = linking.issue_link_existing(
                target=target, reference=data["link"], by=self.user
            )
            code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
        link = selectors.links_queryset().get(pk=link.pk)
        return Response(self.get_serializer(link).data, status=code)

    @extend_schema(request=None, responses={200: IssueLinkSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, **kwargs: Any) -> Response:
        """Retry a failed creation (the issue is looked for before it is created again)."""
        team = self.get_team(min_role=Membership.Role.MEMBER)
        link = get_object_or_404(
            selectors.links_for_target(target=self.target(team)), pk=kwargs["pk"]
        )
        link = creation.issue_create_retry(link=link)
        return Response(self.get_serializer(link).data)


class ActionItemIssueLinkViewSet(_ItemIssueLinkViewSet):
    """An action item's GitHub issues."""

    def target(self, team: Team) -> ActionItem:
        return incident_selectors.action_item_get(team=team, pk=int(self.kwargs["item_pk"]))


class IncidentIssueLinkViewSet(_ItemIssueLinkViewSet):
    """An incident's GitHub issues."""

    def target(self, team: Team) -> Incident:
        return _incident_get(team=team, pk=int(self.kwargs["incident_pk"]))


def _incident_get(*, team: Team, pk: int) -> Incident:
    return get_object_or_404(Incident.objects.filter(team=team).select_related("team"), pk=pk)


class RepositorySyncSerializer(serializers.ModelSerializer[RepositorySync]):
    class Meta:
        model = RepositorySync
        fields = [
            "last_poll_at",
            "last_poll_result",
            "last_poll_requests",
            "last_poll_changed",
            "requests_total",
            "rate_limit",
            "rate_remaining",
            "rate_reset_at",
            "next_poll_at",
            "last_webhook_at",
            "last_error",
            "last_error_at",
        ]
        read_only_fields = fields


class RepositoryStatusSerializer(serializers.Serializer[Any]):
    repository = serializers.CharField()
    sync = RepositorySyncSerializer(allow_null=True)


class SyncErrorSerializer(serializers.ModelSerializer[SyncError]):
    class Meta:
        model = SyncError
        fields = ["repository", "operation", "message", "occurred_at"]
        read_only_fields = fields


class PendingLinkSerializer(IssueLinkSerializer):
    action_item = serializers.PrimaryKeyRelatedField[ActionItem](read_only=True)
    incident = serializers.PrimaryKeyRelatedField[Incident](read_only=True)

    class Meta(IssueLinkSerializer.Meta):
        fields = [*IssueLinkSerializer.Meta.fields, "action_item", "incident"]
        read_only_fields = fields


class SyncStatusSerializer(serializers.Serializer[Any]):
    """Read only (`errors` is also a serializer property, hence `get_fields`)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {
            "repositories": RepositoryStatusSerializer(many=True),
            "pending": PendingLinkSerializer(many=True),
            "failed": PendingLinkSerializer(many=True),
            "errors": SyncErrorSerializer(many=True),
        }


class GitHubSyncStatusView(APIView):
    """The team's GitHub sync status (leads): one document, not a list of rows."""

    @extend_schema(
        summary="The team's GitHub sync status (leads)",
        parameters=[TEAM_SLUG],
        responses={200: SyncStatusSerializer},
    )
    def get(self, request: Request, team_slug: str) -> Response:
        """Per repository: the last poll and its result, the last webhook, requests used and
        the rate limit left, errors; the team's pending and failed creations."""
        team = (
            team_access(user=request.user, slug=team_slug)
            .require(min_role=Membership.Role.LEAD)
            .team
        )
        return Response(SyncStatusSerializer(selectors.sync_status(team=team)).data)
