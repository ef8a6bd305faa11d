from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Outgoing email, recorded first and sent exactly once per key."""

    name = "outbox"
    verbose_name = "Outgoing email"
