"""The outbox's real SMTP server, for the reminder that goes out."""

from tests.outbox.conftest import smtp_server

__all__ = ["smtp_server"]
