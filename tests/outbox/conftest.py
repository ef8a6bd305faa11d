"""A real SMTP server on 127.0.0.1 (aiosmtpd) that the outbox sends to."""

import asyncio
import email
import socket
import threading
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


class RecordingHandler:
    """Keeps every message received; `hold()` makes the server wait inside DATA until
    `release()`, to stand for a slow mail server."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.in_data = threading.Event()
        self._gate = threading.Event()
        self._gate.set()

    def hold(self) -> None:
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.in_data.set()
        await asyncio.get_running_loop().run_in_executor(None, self._gate.wait, 15)
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Start the server and point Django's SMTP backend at it; yields the handler."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 20
    try:
        yield handler
    finally:
        handler.release()
        controller.stop()
