"""The real SMTP and HTTP (chat webhook) servers of the outbox tests, for the weekly email."""

from tests.outbox.conftest import smtp_server, webhook_server

__all__ = ["smtp_server", "webhook_server"]
