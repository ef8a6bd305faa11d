"""Copy the hand-typed `ActionItem.github_repo` + `github_issue_number` into links.

Each item with both set gets an `IssueLink` (status linked) to a `GitHubIssue` row that
has never been fetched (`synced_at` empty); the sweep fetches those from GitHub. The old
fields stay on ActionItem until incidents drops them (a follow-up migration there,
after this one). Running it again adds nothing.
"""

from django.db import migrations


def copy_forward(apps, schema_editor):
    ActionItem = apps.get_model("incidents", "ActionItem")
    GitHubIssue = apps.get_model("github_sync", "GitHubIssue")
    IssueLink = apps.get_model("github_sync", "IssueLink")
    items = (
        ActionItem.objects.exclude(github_repo="")
        .filter(github_issue_number__isnull=False)
        .values_list("pk", "team_id", "github_repo", "github_issue_number")
        .order_by("pk")
    )
    issues = {}
    for item_id, team_id, repository, number in items.iterator():
        key = (repository.lower(), number)
        issue = issues.get(key)
        if issue is None:
            issue = (
                GitHubIssue.objects.filter(repository__iexact=repository, number=number).first()
                or GitHubIssue.objects.create(repository=repository, number=number)
            )
            issues[key] = issue
        IssueLink.objects.get_or_create(
            action_item_id=item_id,
            issue=issue,
            defaults={"team_id": team_id, "repository": issue.repository, "status": "linked"},
        )


def copy_backward(apps, schema_editor):
    """Put the first linked issue of each item back into the old fields."""
    ActionItem = apps.get_model("incidents", "ActionItem")
    IssueLink = apps.get_model("github_sync", "IssueLink")
    links = (
        IssueLink.objects.filter(action_item__isnull=False, issue__isnull=False)
        .order_by("action_item_id", "created_at", "pk")
        .values_list("action_item_id", "issue__repository", "issue__number")
    )
    done = set()
    for item_id, repository, number in links:
        if item_id in done:
            continue
        done.add(item_id)
        ActionItem.objects.filter(pk=item_id, github_issue_number__isnull=True).update(
            github_repo=repository, github_issue_number=number
        )


class Migration(migrations.Migration):
    dependencies = [
        ("github_sync", "0001_initial"),
        ("incidents", "0002_incidents_timeline_support_knowledge"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_backward)]
