from django.contrib import admin
from django.http import HttpRequest

from outbox.models import OutboundEmail, OutboundWebhookPost


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_display = ["subject", "key", "created_at", "sent_at", "attempts"]
    list_filter = ["sent_at"]
    search_fields = ["key", "subject"]
    readonly_fields = [
        "key",
        "to",
        "subject",
        "text_body",
        "html_body",
        "headers",
        "created_at",
        "claimed_until",
    ]


@admin.register(OutboundWebhookPost)
class OutboundWebhookPostAdmin(admin.ModelAdmin[OutboundWebhookPost]):
    """The URL is a secret: the admin shows the target host only."""

    list_display = ["key", "target_host", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["sent_at"]
    search_fields = ["key", "target_host"]
    exclude = ["url", "claim_token"]
    readonly_fields = [
        "key",
        "target_host",
        "payload",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "claimed_until",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
