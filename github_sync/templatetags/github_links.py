from collections.abc import Iterable

from django import template

from github_sync.models import IssueLink
from incidents.models import ActionItem, Incident

register = template.Library()


@register.filter
def any_creating(links: Iterable[IssueLink]) -> bool:
    """True when one of the links is still being created (the fragment refreshes)."""
    return any(link.status == IssueLink.Status.CREATING for link in links or [])


@register.filter
def target_kind(item: ActionItem | Incident) -> str:
    """The URL segment of an item's GitHub pages: "action-items" or "incidents"."""
    return "action-items" if isinstance(item, ActionItem) else "incidents"
