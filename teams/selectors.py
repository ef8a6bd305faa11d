"""Reads about teams and people that views, the API and other apps share.

Access to a team is decided in `teams.access` (`team_access`); the helpers here answer
who is in a team and how a person is named.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from teams.access import AnyUser
from teams.models import FeedToken, Membership, Profile, Team
from teams.tokens import feed_token_hash


def teams_for_user(*, user: AnyUser) -> QuerySet[Team]:
    """Teams the user is an active member of (staff: every team)."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_staff:
        return Team.objects.all()
    return Team.objects.filter(memberships__user=user, memberships__is_active=True)


def teams_readable_by(*, user: AnyUser) -> QuerySet[Team]:
    """Teams whose shared data the user may read: their own plus teams open to all users."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_staff:
        return Team.objects.all()
    return Team.objects.filter(
        Q(memberships__user=user, memberships__is_active=True)
        | Q(visibility=Team.Visibility.INTERNAL)
    ).distinct()


def team_members(*, team: Team) -> QuerySet[User]:
    """The team's active members by username: owner pickers, assignee lists, checks."""
    return User.objects.filter(memberships__team=team, memberships__is_active=True).order_by(
        "username"
    )


def team_member_get(*, team: Team, user_id: int | str) -> User:
    """An active member of the team by id, else 404 (a non-member is not described)."""
    user = team_members(team=team).filter(pk=user_id).first() if str(user_id).isdigit() else None
    if user is None:
        raise Http404("No such member.")
    return user


def team_members_check(*, team: Team, users: Iterable[User | None], field: str) -> None:
    """ValidationError on `field` unless every given user is an active member of the team."""
    people = [user for user in users if user is not None]
    ids = {user.pk for user in people}
    if not ids:
        return
    members = set(
        Membership.objects.active()
        .filter(team=team, user_id__in=ids)
        .values_list("user_id", flat=True)
    )
    strangers = sorted({user.get_username() for user in people if user.pk not in members})
    if strangers:
        raise ValidationError({field: f"Not a member of {team.name}: {', '.join(strangers)}."})


def person_name(user: AbstractBaseUser | None) -> str:
    """How a person is named on pages, in feeds and in emails: full name, else username."""
    if user is None:
        return "nobody"
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or user.get_username())


def memberships_for_team(*, team: Team, include_inactive: bool = True) -> QuerySet[Membership]:
    qs = Membership.objects.filter(team=team).select_related("user", "user__profile")
    if not include_inactive:
        qs = qs.active()
    return qs.order_by("-is_active", "user__username")


def memberships_for_user(*, user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.active().filter(user_id=user.pk).select_related("team")


def teams_with_memberships(*, teams: QuerySet[Team]) -> QuerySet[Team]:
    return teams.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("user").order_by("user__username"),
        )
    )


def profile_for_user(*, user: AnyUser) -> Profile | None:
    if not user.is_authenticated:
        return None
    return Profile.objects.filter(user_id=user.pk).first()


def user_display_zone_name(*, user: AnyUser) -> str:
    """The zone the user sees times in: their profile's, else their first team's, else UTC."""
    if not user.is_authenticated:
        return str(settings.TIME_ZONE)
    row = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
    if row:
        return row
    team_zone = (
        Membership.objects.active()
        .filter(user_id=user.pk)
        .order_by("joined_on", "pk")
        .values_list("team__time_zone", flat=True)
        .first()
    )
    return team_zone or str(settings.TIME_ZONE)


def feed_token_for_user(*, user: AnyUser) -> FeedToken | None:
    if not user.is_authenticated:
        return None
    return FeedToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()


def feed_user_for_token(*, token: str) -> User | None:
    """The active user a feed token belongs to; None for unknown or revoked tokens."""
    if not token or len(token) > 100:
        return None
    row = (
        FeedToken.objects.filter(
            token_hash=feed_token_hash(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return row.user if row else None
