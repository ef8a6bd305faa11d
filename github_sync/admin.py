from django.contrib import admin

from github_sync.models import (
    GitHubIssue,
    IssueLink,
    RepositorySync,
    SyncError,
    TeamRepository,
    WebhookDelivery,
)


@admin.register(TeamRepository)
class TeamRepositoryAdmin(admin.ModelAdmin[TeamRepository]):
    list_display = ["repository", "team"]
    list_filter = ["team"]
    search_fields = ["repository"]


@admin.register(GitHubIssue)
class GitHubIssueAdmin(admin.ModelAdmin[GitHubIssue]):
    list_display = [
        "__str__",
        "title",
        "state",
        "state_reason",
        "is_regression",
        "github_updated_at",
        "synced_at",
    ]
    list_filter = ["state", "state_reason", "is_regression"]
    search_fields = ["repository", "title"]
    readonly_fields = ["synced_at"]


@admin.register(IssueLink)
class IssueLinkAdmin(admin.ModelAdmin[IssueLink]):
    list_display = ["__str__", "team", "status", "attempts", "failure_reason", "created_at"]
    list_filter = ["status", "team"]
    search_fields = ["repository", "creation_key", "failure_reason"]
    raw_id_fields = ["action_item", "incident", "issue", "created_by"]
    readonly_fields = ["creation_key", "attempts", "first_attempt_at", "claimed_until"]


@admin.register(RepositorySync)
class RepositorySyncAdmin(admin.ModelAdmin[RepositorySync]):
    list_display = [
        "repository",
        "last_poll_at",
        "last_poll_result",
        "last_webhook_at",
        "rate_remaining",
        "last_error_at",
    ]
    search_fields = ["repository"]


@admin.register(SyncError)
class SyncErrorAdmin(admin.ModelAdmin[SyncError]):
    list_display = ["occurred_at", "operation", "repository", "message"]
    list_filter = ["operation"]
    search_fields = ["repository", "message"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = [
        "delivery_id",
        "event",
        "action",
        "repository",
        "issue_number",
        "received_at",
        "processed_at",
        "result",
    ]
    list_filter = ["event", "action"]
    search_fields = ["delivery_id", "repository"]
