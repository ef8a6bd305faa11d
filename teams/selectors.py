"""Reads about teams and people that views, the API and other apps share.

Access to a team is decided here and nowhere else: `team_get_for_user` is what every
view, API endpoint and feed calls before it shows a team's data.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from teams.feeds import feed_token_hash
from teams.models import FeedToken, Membership, Profile, Team

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.EXPERT: 1, Membership.Role.LEAD: 2}

AnyUser = User | AnonymousUser


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


def membership_role(*, user: AnyUser, team: Team) -> str | None:
    """The user's active role in the team, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.active()
        .filter(user_id=user.pk, team=team)
        .values_list("role", flat=True)
        .first()
    )


def role_at_least(role: str | None, minimum: str) -> bool:
    return (
        role is not None and ROLE_RANK[Membership.Role(role)] >= ROLE_RANK[Membership.Role(minimum)]
    )


def team_get_for_user(
    *, user: AnyUser, slug: str, min_role: str | None = None, readable: bool = False
) -> Team:
    """The team if the user may see it, else 404; 403 if their role is below `min_role`.

    `readable=True` also lets any signed-in user read a team open to all users.
    Staff may read every team and act as a lead.
    """
    team = Team.objects.filter(slug=slug).first()
    if team is None or not user.is_authenticated:
        raise Http404("No such team.")
    role = membership_role(user=user, team=team)
    open_to_all = readable and min_role is None and team.visibility == Team.Visibility.INTERNAL
    if role is None and not user.is_staff and not open_to_all:
        raise Http404("No such team.")
    if min_role is not None and not user.is_staff and not role_at_least(role, min_role):
        raise PermissionDenied(f"Only a team {min_role} may do this.")
    return team


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
