from django.contrib import admin
from django.http import HttpRequest

from handover.models import ChatWebhook, HandoverDispatch


@admin.register(HandoverDispatch)
class HandoverDispatchAdmin(admin.ModelAdmin[HandoverDispatch]):
    list_display = ["shift", "team", "via", "was_draft", "late", "created_at"]
    list_filter = ["via", "late", "was_draft"]
    readonly_fields = [
        "shift",
        "team",
        "email",
        "recipients",
        "was_draft",
        "late",
        "via",
        "created_at",
        "created_by",
    ]


@admin.register(ChatWebhook)
class ChatWebhookAdmin(admin.ModelAdmin[ChatWebhook]):
    """The URL is a secret: listed and shown masked; set it on the team's chat page."""

    list_display = ["team", "kind", "masked_url", "is_active", "updated_at"]
    exclude = ["url"]
    readonly_fields = ["team", "masked_url", "updated_at", "updated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
