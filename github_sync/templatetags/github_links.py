from collections.abc import Iterable

from django import template

from github_sync.models import IssueLink

register = template.Library()


@register.filter
def any_creating(links: Iterable[IssueLink]) -> bool:
    """True when one of the links is still being created (the fragment refreshes)."""
    return any(link.status == IssueLink.Status.CREATING for link in links or [])
