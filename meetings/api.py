"""REST API: meeting series, occurrences (cancel / move), reports (publish) and topics.

Writes go through the same services as the pages, so validation is the same. A write
carrying a stale `version` answers 409 with the current version and values.
"""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from meetings import report_inputs, reports, selectors, services
from meetings.models import Meeting, MeetingReport, MeetingSeries, Topic
from teams.access import team_access
from teams.models import Membership
from teams.search import text_search
from teams.timezones import validate_time_zone

ConflictSerializer = inline_serializer(
    "VersionConflict",
    fields={
        "detail": serializers.CharField(),
        "version": serializers.IntegerField(),
        "current": serializers.DictField(),
    },
)


def _user(request: Request) -> User:
    """The signed-in user (IsAuthenticated guards every endpoint here)."""
    return cast(User, request.user)


def _conflict(error: report_inputs.VersionConflictError) -> Response:
    return Response(
        {
            "detail": "Changed by someone else since your version; nothing was overwritten.",
            "version": error.version,
            "current": error.current,
        },
        status=status.HTTP_409_CONFLICT,
    )


class SeriesSerializer(serializers.ModelSerializer[MeetingSeries]):
    team: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    time_zone = serializers.CharField(validators=[validate_time_zone], required=False)
    contact = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    rule_text = serializers.CharField(read_only=True)

    class Meta:
        model = MeetingSeries
        fields = [
            "id", "team", "title", "time_zone", "rrule", "rule_text", "starts_on", "ends_on",
            "start_time", "duration_minutes", "location", "video_url", "agenda_url", "host",
            "host_team_name", "shifter_covers", "contact", "reminder_hours", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at"]
        # Uniqueness is checked by the service (one message for pages and API).
        validators: list[Any] = []


class SeriesCreateSerializer(SeriesSerializer):
    team = serializers.SlugField(write_only=True)


class SeriesFilter(filters.FilterSet):
    team = filters.CharFilter(field_name="team__slug")

    class Meta:
        model = MeetingSeries
        fields = ["team", "shifter_covers"]


class SeriesViewSet(viewsets.GenericViewSet[MeetingSeries]):
    """Meeting series of your teams. Leads create and edit them."""

    serializer_class = SeriesSerializer
    filterset_class = SeriesFilter
    ordering_fields = ["title"]
    queryset = MeetingSeries.objects.none()

    def get_queryset(self) -> QuerySet[MeetingSeries]:
        return selectors.series_for_user(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        series = selectors.series_get_for_user(user=request.user, pk=int(pk))
        return Response(self.get_serializer(series).data)

    @extend_schema(request=SeriesCreateSerializer, responses={201: SeriesSerializer})
    def create(self, request: Request) -> Response:
        serializer = SeriesCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        team = (
            team_access(user=request.user, slug=data.pop("team"))
            .require(min_role=Membership.Role.LEAD)
            .team
        )
        series = services.series_create(team=team, **data)
        return Response(self.get_serializer(series).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SeriesSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        series = selectors.series_get_for_user(
            user=request.user, pk=int(pk), min_role=Membership.Role.LEAD
        )
        serializer = self.get_serializer(series, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        series = services.series_update(series=series, **serializer.validated_data)
        return Response(self.get_serializer(series).data)


class ReportSerializer(serializers.ModelSerializer[MeetingReport]):
    author: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    series = serializers.IntegerField(source="meeting.series_id", read_only=True)

    class Meta:
        model = MeetingReport
        fields = [
            "id", "meeting", "series", "status", "author", "attendees", "notes", "version",
            "updated_at", "published_at", "html", "text",
        ]  # fmt: skip
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    series_title = serializers.CharField(source="series.title", read_only=True)
    team = serializers.CharField(source="series.team.slug", read_only=True)
    time_zone = serializers.CharField(source="series.time_zone", read_only=True)
    report = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "series", "series_title", "team", "time_zone", "slot_at", "start_at",
            "end_at", "status", "is_detached", "note", "report",
        ]  # fmt: skip
        read_only_fields = fields

    def get_report(self, meeting: Meeting) -> int | None:
        report = getattr(meeting, "report", None)
        return report.pk if report is not None else None


class MeetingMoveSerializer(serializers.Serializer[Any]):
    start_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MeetingCancelSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class MeetingFilter(filters.FilterSet):
    team = filters.CharFilter(field_name="series__team__slug")
    start_after = filters.IsoDateTimeFilter(field_name="start_at", lookup_expr="gte")
    start_before = filters.IsoDateTimeFilter(field_name="start_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["series", "team", "status", "start_after", "start_before"]


class MeetingViewSet(viewsets.GenericViewSet[Meeting]):
    """Occurrences of your teams' series. Members cancel, move and open the report."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["start_at"]
    queryset = Meeting.objects.none()

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meetings_for_user(user=self.request.user).order_by("start_at", "pk")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        meeting = selectors.meeting_get_for_user(user=request.user, pk=int(pk))
        return Response(self.get_serializer(meeting).data)

    @extend_schema(request=MeetingCancelSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        meeting = selectors.meeting_get_for_user(user=request.user, pk=int(pk))
        serializer = MeetingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_cancel(meeting=meeting, **serializer.validated_data)
        return Response(self.get_serializer(meeting).data)

    @extend_schema(request=MeetingMoveSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        meeting = selectors.meeting_get_for_user(user=request.user, pk=int(pk))
        serializer = MeetingMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_move(meeting=meeting, **serializer.validated_data)
        return Response(self.get_serializer(meeting).data)

    @extend_schema(request=None, responses={201: ReportSerializer})
    @action(detail=True, methods=["post"], url_path="report")
    def open_report(self, request: Request, pk: str) -> Response:
        """The occurrence's report (a draft is created, with the carry-over, if none)."""
        meeting = selectors.meeting_get_for_user(user=request.user, pk=int(pk))
        report = reports.report_open(meeting=meeting, user=_user(request))
        report = selectors.report_get_for_user(user=request.user, pk=report.pk)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text="The version your change is based on.")
    attendees = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=50000)


class ReportFilter(filters.FilterSet):
    team = filters.CharFilter(field_name="meeting__series__team__slug")
    series = filters.NumberFilter(field_name="meeting__series_id")
    q = filters.CharFilter(method="search", help_text="Full-text search of published reports.")

    class Meta:
        model = MeetingReport
        fields = ["status", "team", "series", "q"]

    def search(self, queryset: QuerySet[MeetingReport], name: str, value: str) -> Any:
        return text_search(queryset, query=value, fields=selectors.REPORT_SEARCH_FIELDS)


class ReportViewSet(viewsets.GenericViewSet[MeetingReport]):
    """Reports of your teams' meetings: read, edit the header (with `version`), publish."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    queryset = MeetingReport.objects.none()

    def get_queryset(self) -> QuerySet[MeetingReport]:
        return (
            MeetingReport.objects.filter(
                meeting__in=selectors.meetings_for_user(user=self.request.user)
            )
            .select_related("author", "meeting")
            .order_by("-meeting__start_at")
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        report = selectors.report_get_for_user(user=request.user, pk=int(pk))
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=ReportUpdateSerializer, responses={200: ReportSerializer, 409: ConflictSerializer}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        report = selectors.report_get_for_user(user=request.user, pk=int(pk))
        serializer = ReportUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            report = reports.report_update(
                report=report, user=_user(request), version=data.pop("version"), **data
            )
        except report_inputs.VersionConflictError as error:
            return _conflict(error)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        report = selectors.report_get_for_user(user=request.user, pk=int(pk))
        report = reports.report_publish(report=report, user=_user(request))
        return Response(self.get_serializer(report).data)


class TopicSerializer(serializers.ModelSerializer[Topic]):
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
    report = serializers.IntegerField()
    title = serializers.CharField(max_length=300)


class TopicUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(help_text="The version your change is based on.")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    raised_by_team = serializers.CharField(max_length=100, required=False, allow_blank=True)
    raised_by_person = serializers.CharField(max_length=100, required=False, allow_blank=True)
    discussion = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    reply = serializers.ChoiceField(choices=Topic.Reply.choices, required=False, allow_blank=True)
    decision = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class TopicFilter(filters.FilterSet):
    class Meta:
        model = Topic
        fields = ["report", "reply"]


class TopicViewSet(viewsets.GenericViewSet[Topic]):
    """Topics of reports of your teams; writes carry the `version` they are based on."""

    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    queryset = Topic.objects.none()

    def get_queryset(self) -> QuerySet[Topic]:
        return (
            Topic.objects.filter(
                report__meeting__in=selectors.meetings_for_user(user=self.request.user)
            )
            .prefetch_related("action_links")
            .order_by("report", "position", "pk")
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        selectors.topic_get_for_user(user=request.user, pk=int(pk))
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(request=TopicCreateSerializer, responses={201: TopicSerializer})
    def create(self, request: Request) -> Response:
        serializer = TopicCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = selectors.report_get_for_user(
            user=request.user, pk=serializer.validated_data["report"]
        )
        topic = reports.topic_add(
            report=report, user=_user(request), title=serializer.validated_data["title"]
        )
        return Response(self.get_serializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TopicUpdateSerializer, responses={200: TopicSerializer, 409: ConflictSerializer}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        topic = selectors.topic_get_for_user(user=request.user, pk=int(pk))
        serializer = TopicUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            topic = reports.topic_update(
                topic=topic, user=_user(request), version=data.pop("version"), **data
            )
        except report_inputs.VersionConflictError as error:
            return _conflict(error)
        return Response(self.get_serializer(topic).data)

    def destroy(self, request: Request, pk: str) -> Response:
        topic = selectors.topic_get_for_user(user=request.user, pk=int(pk))
        reports.topic_delete(topic=topic, user=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
