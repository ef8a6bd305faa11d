"""The API dialect every app's endpoints speak: the team-scoped viewset base, the
current user, the username field and one error format (pagination: `teams.pagination`).

Errors: 400 with `{"field": ["message"]}` (or `{"detail": ...}` for non-field errors),
401/403/404 with `{"detail": ...}`, 409 with `{"detail", "version", "current"}` when a
write is based on a stale version. A service's `ValidationError` becomes a 400 and a
`VersionConflict` a 409 here, so viewsets just call services. Anything else (an
unexpected `IntegrityError` included) is the 500 it is.
"""

from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, models
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from teams.access import TeamAccess, team_access
from teams.bounds import SaneDateField, SaneDateTimeField
from teams.errors import VersionConflict
from teams.models import Membership, Team
from teams.selectors import team_members
from teams.timezones import zone

TEAM_SLUG = OpenApiParameter("team_slug", OpenApiTypes.STR, OpenApiParameter.PATH)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
M = TypeVar("M", bound=Model)


def request_user(request: Request) -> User:
    """The signed-in user of an API request (IsAuthenticated guards every endpoint)."""
    return cast(User, request.user)


class UsernameField(serializers.SlugRelatedField[User]):
    """A person by username."""

    def __init__(self, **kwargs: Any) -> None:
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", User.objects.all())
        super().__init__(slug_field="username", **kwargs)


class TeamScopedViewSet(viewsets.GenericViewSet[Any]):
    """A resource under `/api/v1/teams/{team_slug}/`.

    The caller's access to the URL's team is resolved once per request (one query);
    `get_team()` guards a read, `get_team(min_role=...)` a write. Subclasses give
    `queryset = Model.objects.none()` (for the schema) and `team_queryset(team)`;
    `list` and `retrieve` then work as they are. Ids in URLs are digits only, so any
    other id is a 404; offset-less times in query parameters are the team's.
    """

    lookup_value_regex = r"[0-9]+"
    write_role: str = Membership.Role.MEMBER

    @property
    def user(self) -> User:
        return request_user(self.request)

    def access(self) -> TeamAccess:
        cached: TeamAccess | None = getattr(self, "_team_access", None)
        if cached is None:
            cached = team_access(user=self.request.user, slug=self.kwargs["team_slug"])
            self._team_access = cached
        return cached

    def get_team(self, *, min_role: str | None = None) -> Team:
        """The URL's team if the caller may read it (or has `min_role`): else 404/403."""
        return self.access().require(min_role=min_role, readable=min_role is None).team

    def team_queryset(self, team: Team) -> QuerySet[Any]:
        raise ImproperlyConfigured(f"{type(self).__name__} lists nothing: give team_queryset().")

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return self.team_queryset(self.get_team())

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if "team_slug" in self.kwargs and not getattr(self, "swagger_fake_view", False):
            context["team"] = self.get_team()
        return context

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Query parameters without an offset (`?start=2027-03-29T09:00`) are the team's
        # wall-clock time, as in request bodies, for token and session callers alike.
        with timezone.override(zone(self.get_team().time_zone)):
            return super().filter_queryset(queryset)

    def list_response(self, queryset: QuerySet[Any]) -> Response:
        """The filtered rows, paginated unless the viewset sets `pagination_class = None`."""
        rows = self.filter_queryset(queryset)
        if self.paginator is None:
            return Response(self.get_serializer(rows, many=True).data)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list_response(self.get_queryset())

    @extend_schema(parameters=[ID])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return Response(self.get_serializer(obj).data)


# Fields and serializers that take input only from the URL's team ----------------------
# Their queryset is the context team's rows, so another team's id or a stranger's
# username is refused exactly like an unknown one ("object does not exist"): an error
# never names or describes what the caller cannot read.


def context_team(field: serializers.Field[Any, Any, Any, Any]) -> Team | None:
    team = field.context.get("team")
    return team if isinstance(team, Team) else None


class BoundedModelSerializer(serializers.ModelSerializer[M]):
    """A model serializer whose dates and datetimes are the bounded ones: 1970..2200, an
    offset-less time read in the team's zone (a gap or fold time is a 400), output in UTC."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: SaneDateTimeField,
        models.DateField: SaneDateField,
    }


@extend_schema_field(OpenApiTypes.INT)  # every record has an integer id
class TeamRecordField(serializers.PrimaryKeyRelatedField[Model]):
    """A record of the URL's team by id (an incident, a knowledge entry, ...).
    `team_path` reaches the team of a model without its own (`rotation__team`)."""

    def __init__(self, *, model: type[Model], team_path: str = "team", **kwargs: Any) -> None:
        self.model = model
        self.team_path = team_path
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Model]:
        team = context_team(self)
        rows = self.model._default_manager.all()
        return rows.filter(**{self.team_path: team}) if team else rows.none()


class TeamMemberField(UsernameField):
    """An active member of the URL's team, by username."""

    def get_queryset(self) -> QuerySet[User]:
        team = context_team(self)
        return team_members(team=team) if team else User.objects.none()


def validation_error_detail(error: DjangoValidationError) -> Any:
    if hasattr(error, "error_dict"):
        return {
            ("detail" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"detail": error.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the project's own errors (see the module docstring)."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, DataError):
        # The database refused a value the fields let through (a NUL character in a
        # JSON string, a number past its column's range): the input's fault, not ours.
        return Response(
            {"detail": "A value is out of range or holds characters that cannot be stored."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    elif isinstance(exc, VersionConflict):
        return Response(
            {
                "detail": "Changed by someone else since your version; nothing was overwritten.",
                "version": exc.version,
                "current": exc.current,
            },
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
