"""Calendar feed tokens never reach a log: Django's "Not Found" lines, the development
server's request lines and gunicorn's access log all show `/feeds/[redacted]/`."""

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from teams import services as team_services
from teams.logging import FeedTokenFilter
from teams.tokens import feed_token_value

ROOT = Path(__file__).resolve().parents[1]
SECRET = "Zm9vYmFyYmF6cXV4c2VjcmV0dG9rZW4tZG8tbm90LWxvZw"


@pytest.fixture
def console_log():
    """What the configured console handler writes (the one every logger ends in)."""
    (handler,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, FeedTokenFilter) for f in handler.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_not_found_on_a_feed_url_logs_no_token(client, member, console_log):
    valid = feed_token_value(team_services.feed_token_get_or_create(user=member).salt)
    team_services.feed_token_regenerate(user=member)  # the old URL now answers 404
    for url in (f"/shifts/feeds/{valid}/me.ics", f"/meetings/feeds/{SECRET}/ops.ics"):
        assert client.get(url).status_code == 404
    logged = console_log.getvalue()
    assert "Not Found: /shifts/feeds/[redacted]/me.ics" in logged
    assert "Not Found: /meetings/feeds/[redacted]/ops.ics" in logged
    assert valid not in logged
    assert SECRET not in logged


def test_development_server_request_lines_are_redacted(console_log):
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /shifts/feeds/{SECRET}/me.ics HTTP/1.1", "404", "179"
    )
    assert '"GET /shifts/feeds/[redacted]/me.ics HTTP/1.1" 404 179' in console_log.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_binds_to_localhost_and_its_access_log_has_no_token(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "SHIFTDESK_VAR_DIR": str(tmp_path),
        "PORT": str(port),
    }
    env.pop("HOST", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}/shifts/feeds/{SECRET}/"  # no such page, no database
            status = None
            for _ in range(100):
                try:
                    urllib.request.urlopen(url, timeout=5)
                except urllib.error.HTTPError as error:
                    status = error.code
                    break
                except urllib.error.URLError:
                    time.sleep(0.1)
            assert status == 404, log.read_text()
        finally:
            server.terminate()
            server.wait(20)
    logged = log.read_text()
    assert f"Listening at: http://127.0.0.1:{port}" in logged
    assert '"GET /shifts/feeds/[redacted]/ HTTP/1.1" 404' in logged
    assert "Not Found: /shifts/feeds/[redacted]/" in logged
    assert SECRET not in logged
