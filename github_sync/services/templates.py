"""The repositories' issue templates (`.github/ISSUE_TEMPLATE/*.md`), cached for a while:
the create form offers them as starting bodies."""

from django.core.cache import cache

from github_sync.client import GitHubClient, GitHubError, IssueTemplate

CACHE_SECONDS = 600


def issue_templates_cached(
    *, repository: str, client: GitHubClient | None = None
) -> tuple[list[IssueTemplate], str]:
    """`(templates, error)`: from the cache, else from GitHub (an error: none, and why)."""
    key = f"github-issue-templates:{repository.lower()}"
    cached = cache.get(key)
    if cached is not None:
        return list(cached), ""
    client = client or GitHubClient.from_settings()
    try:
        templates = client.issue_templates(repository)
    except GitHubError as error:
        return [], str(error)
    cache.set(key, templates, CACHE_SECONDS)
    return templates, ""
