"""The team-access kernel: what one user may do in one team, decided in one place.

Every HTML view, API endpoint, feed and service asks `team_access` and reads the answer
(`can_write`, `is_expert`, `is_lead`, ...) or calls `require(...)`, which raises the 404
or 403 every surface shows. Non-members of a private team get a 404, never a hint that
the team exists; staff may read every team and act as a lead.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404

from teams.models import Membership, Team

AnyUser = User | AnonymousUser

ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.EXPERT: 1, Membership.Role.LEAD: 2}


@dataclass(frozen=True)
class TeamAccess:
    """A user's standing in a team: their active role (None for a non-member)."""

    team: Team
    role: str | None
    is_authenticated: bool
    is_staff: bool

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def can_read(self) -> bool:
        """May read the team's shared data (its own members, staff, or anyone signed in
        for a team open to all users)."""
        return self.is_authenticated and (
            self.is_member or self.is_staff or self.team.visibility == Team.Visibility.INTERNAL
        )

    def at_least(self, minimum: str) -> bool:
        if self.is_staff and self.is_authenticated:
            return True
        if self.role is None:
            return False
        return ROLE_RANK[Membership.Role(self.role)] >= ROLE_RANK[Membership.Role(minimum)]

    @property
    def can_write(self) -> bool:
        return self.at_least(Membership.Role.MEMBER)

    @property
    def is_expert(self) -> bool:
        return self.at_least(Membership.Role.EXPERT)

    @property
    def is_lead(self) -> bool:
        return self.at_least(Membership.Role.LEAD)

    def require(self, *, min_role: str | None = None, readable: bool = False) -> "TeamAccess":
        """This access if it allows the operation; else 404 (may not see the team) or 403.

        `readable=True` marks a read of shared data, which a team open to all users
        allows to any signed-in user; everything else needs membership (or staff).
        """
        visible = self.is_member or (self.is_staff and self.is_authenticated)
        if readable and min_role is None:
            visible = self.can_read
        if not visible:
            raise Http404("No such team.")
        if min_role is not None and not self.at_least(min_role):
            raise PermissionDenied(f"Only a team {min_role} may do this.")
        return self


def _role_subquery(user_id: int) -> Subquery:
    return Subquery(
        Membership.objects.filter(team=OuterRef("pk"), user_id=user_id, is_active=True).values(
            "role"
        )[:1]
    )


def team_access(*, user: AnyUser, slug: str | None = None, team: Team | None = None) -> TeamAccess:
    """What `user` may do in the team named by `slug` (or the given `team`): one query.

    An unknown slug is a 404. Call `.require(...)` on the answer to guard an operation.
    """
    authenticated = bool(user.is_authenticated)
    staff = authenticated and bool(user.is_staff)
    user_id = int(user.pk or 0)
    if team is None:
        if slug is None:
            raise TypeError("team_access needs a slug or a team.")
        query = Team.objects.filter(slug=slug)
        if authenticated:
            query = query.annotate(viewer_role=_role_subquery(user_id))
        team = query.first()
        if team is None:
            raise Http404("No such team.")
        role = getattr(team, "viewer_role", None)
    else:
        role = None
        if authenticated:
            role = (
                Membership.objects.filter(team=team, user_id=user_id, is_active=True)
                .values_list("role", flat=True)
                .first()
            )
    return TeamAccess(team=team, role=role, is_authenticated=authenticated, is_staff=staff)
