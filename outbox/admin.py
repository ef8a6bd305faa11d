from django.contrib import admin

from outbox.models import OutboundEmail


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
        "created_at",
        "claimed_until",
    ]
