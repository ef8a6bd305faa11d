"""The team-access kernel: what one user may do in one team, decided in one place.

Every HTML view, API endpoint, feed and service asks `team_access` and reads the answer
(`can_write`, `is_expert`, `is_lead`, ...) or calls `require(...)`, which raises the 404
or 403 every surface shows. Non-members of a private team get a 404, never a hint that
the team exists; staff may read every team and act as a lead.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from teams.cache_versions import (
    team_cache_get_many,
    team_cache_key,
    team_cache_read_keys,
    team_cache_set,
)
from teams.models import Membership, Team
from teams.read_ahead import ReadAhead

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


def _active_role(**filters: Any) -> QuerySet[Membership, str]:
    """The active role rows: without `Membership`'s default ordering (and its joins)."""
    return (
        Membership.objects.filter(is_active=True, **filters)
        .order_by()
        .values_list("role", flat=True)
    )


def _role_subquery(user_id: int) -> Subquery:
    return Subquery(_active_role(team=OuterRef("pk"), user_id=user_id)[:1])


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
            role = _active_role(team=team, user_id=user_id).first()
    return TeamAccess(team=team, role=role, is_authenticated=authenticated, is_staff=staff)


# Read-only endpoints for scripts (who is on shift now) ---------------------------------

ACCESS_CACHE_SECONDS = 600
# This process's slug -> team id hints (a team's cache keys are by id). Only a hint: an
# entry found through it is used only under the team's current version, and renaming
# or deleting the team replaces that version.
team_id_hints: dict[str, int] = {}
TEAM_ID_HINTS_KEPT = 10_000


@dataclass(frozen=True)
class CachedTeamRead:
    """A signed-in caller's access to a team, with the values cached for the team under
    the asked keys (`version`: the team's cache version, to cache new values under)."""

    access: TeamAccess
    version: str
    values: dict[str, Any]


def access_cache_key(*, team_id: int, user_id: int) -> str:
    return f"team-access:{team_id}:{user_id}"


def team_access_read_ahead_keys(*, user_id: int, slug: str, names: Sequence[str]) -> list[str]:
    """The cache keys `team_access_cached` will read (none while the team's id is not
    known in this process), for the API token check to read ahead."""
    team_id = team_id_hints.get(slug)
    if team_id is None:
        return []
    access_key = access_cache_key(team_id=team_id, user_id=user_id)
    keys = _team_entry_keys(team_id=team_id, names=names, access_key=access_key)
    return team_cache_read_keys(team_id=team_id, keys=list(keys))


def team_access_cached(
    *, user: User, slug: str, names: Sequence[str] = (), read_ahead: ReadAhead | None = None
) -> CachedTeamRead:
    """`team_access` of a signed-in `user`, kept in the shared cache under the team's
    cache version, with the team's entries `names` (`team_cache_key`): one cache round
    trip and no query once warm.

    Any change to the team or its memberships replaces the version (`teams.signals`), so
    removals, role changes, deletion and visibility take effect at once. Staff status
    comes from `user` itself, never from the cache. The first call in a process for a
    slug costs the access query (the team's id, which the keys need, is not known yet);
    the access is cached by the next one, which reads the version before the query, so
    a change committed in between can only have replaced that version.
    """
    team_id = team_id_hints.get(slug)
    if team_id is None:
        access = team_access(user=user, slug=slug)
        if len(team_id_hints) >= TEAM_ID_HINTS_KEPT:
            team_id_hints.clear()
        team_id_hints[slug] = access.team.pk
        version, values = _team_entries(team_id=access.team.pk, names=names)
        return CachedTeamRead(access=access, version=version, values=values)
    access_key = access_cache_key(team_id=team_id, user_id=user.pk)
    version, values = _team_entries(
        team_id=team_id, names=names, access_key=access_key, read_ahead=read_ahead
    )
    cached = values.pop(access_key, None)
    if cached is not None and cached[0].slug == slug:
        team, role = cached
        access = TeamAccess(
            team=team, role=role, is_authenticated=True, is_staff=bool(user.is_staff)
        )
        return CachedTeamRead(access=access, version=version, values=values)
    access = team_access(user=user, slug=slug)
    if access.team.pk != team_id:  # the slug names another team now
        del team_id_hints[slug]
        return team_access_cached(user=user, slug=slug, names=names)
    team_cache_set(
        key=access_key,
        version=version,
        value=(access.team, access.role),
        timeout=ACCESS_CACHE_SECONDS,
    )
    return CachedTeamRead(access=access, version=version, values=values)


def _team_entry_keys(*, team_id: int, names: Sequence[str], access_key: str) -> dict[str, str]:
    """Cache key -> name of the team's entries `names`, and of `access_key` itself."""
    keys = {team_cache_key(team_id=team_id, name=name): name for name in names}
    if access_key:
        keys[access_key] = access_key
    return keys


def _team_entries(
    *,
    team_id: int,
    names: Sequence[str],
    access_key: str = "",
    read_ahead: ReadAhead | None = None,
) -> tuple[str, dict[str, Any]]:
    """The team's version and its entries found under `names` (by name), plus the
    caller's cached access under `access_key`."""
    keys = _team_entry_keys(team_id=team_id, names=names, access_key=access_key)
    version, found = team_cache_get_many(team_id=team_id, keys=list(keys), read_ahead=read_ahead)
    return version, {keys[key]: value for key, value in found.items()}
