"""What every team page of this app starts with: the caller's access, and list pages.

Reading needs `readable` access to the team (a team open to all users lets anyone
signed in read); every write needs membership. Both come from `teams.access`.
"""

from typing import Any

from django.core.paginator import Paginator

from teams.access import team_access
from teams.models import Membership, Team
from teams.requests import AuthenticatedRequest


def team_reader(request: AuthenticatedRequest, slug: str) -> tuple[Team, dict[str, Any]]:
    """The team the caller may read, and what the templates need to know of their role."""
    access = team_access(user=request.user, slug=slug).require(readable=True)
    context = {
        "team": access.team,
        "role": access.role,
        "can_write": access.can_write,
        "is_expert": access.is_expert,
        "is_lead": access.is_lead,
    }
    return access.team, context


def team_writer(request: AuthenticatedRequest, slug: str) -> Team:
    """The team the caller may write in (a member): else 404 or 403."""
    return team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER).team


def list_page(request: AuthenticatedRequest, queryset: Any, per_page: int) -> dict[str, Any]:
    """One page of a list, and the query string (without `page`) for the pager links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page, "pager_query": query.urlencode()}
