"""A real SMTP server (aiosmtpd) and a real HTTP server (a chat webhook) on 127.0.0.1."""

import asyncio
import email
import json
import socket
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class WebhookHandler(BaseHTTPRequestHandler):
    """Records every POST body; answers `server.status` (200 unless told otherwise)."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.server.received.append(  # type: ignore[attr-defined]
            {"path": self.path, "type": self.headers.get("Content-Type"), "body": json.loads(body)}
        )
        status = self.server.status  # type: ignore[attr-defined]
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"broken")

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture
def webhook_server():
    """A real HTTP server on 127.0.0.1 standing for Slack or Mattermost: `.url` (with a
    secret path), `.received` (the JSON bodies), `.status` (what it answers)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), WebhookHandler)
    server.received = []  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    server.url = (  # type: ignore[attr-defined]
        f"http://127.0.0.1:{server.server_port}/hooks/T000/B000/s3cr3tXYZtoken"
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
