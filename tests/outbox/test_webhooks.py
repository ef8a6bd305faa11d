"""Webhook posts (Slack, Mattermost) against a real HTTP server on 127.0.0.1: posted once
per key, after commit, outside any transaction; a failing server is retried by the sweep;
the secret URL never reaches a log line or an error."""

import datetime as dt
import logging
import threading

import pytest
import time_machine
from django.db import connection, connections

from outbox import claims, tasks, webhooks
from outbox.models import OutboundWebhookPost

pytestmark = pytest.mark.django_db(transaction=True)


def test_queued_once_and_posted_after_commit(webhook_server, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks.webhook_post_send, "delay", queued.append)
    post, created = webhooks.webhook_post_queue(
        key="handover-chat:1", url=webhook_server.url, payload={"text": "Hello"}
    )
    again, created_again = webhooks.webhook_post_queue(
        key="handover-chat:1", url=webhook_server.url, payload={"text": "Other"}
    )
    assert (created, created_again, again.pk) == (True, False, post.pk)
    assert queued == [post.pk]
    assert webhook_server.received == []
    # Run the queued task as the worker would (twice: a redelivery changes nothing).
    tasks.webhook_post_send(post.pk)
    tasks.webhook_post_send(post.pk)
    assert webhook_server.received == [
        {
            "path": "/hooks/T000/B000/s3cr3tXYZtoken",
            "type": "application/json",
            "body": {"text": "Hello"},
        }
    ]
    post.refresh_from_db()
    assert post.sent_at is not None
    assert post.target_host == "127.0.0.1"
    assert not connection.in_atomic_block


def test_two_concurrent_senders_post_once(webhook_server):
    post = OutboundWebhookPost.objects.create(
        key="k", url=webhook_server.url, target_host="127.0.0.1", payload={"text": "x"}
    )
    start = threading.Barrier(2)

    def send():
        try:
            start.wait(5)
            webhooks.webhook_post_send(post_id=post.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(webhook_server.received) == 1
    post.refresh_from_db()
    assert post.attempts == 1


def test_a_failing_server_is_retried_by_the_sweep_then_posted_once(
    webhook_server, monkeypatch, caplog
):
    webhook_server.status = 500
    post = OutboundWebhookPost.objects.create(
        key="k", url=webhook_server.url, target_host="127.0.0.1", payload={"text": "x"}
    )
    with caplog.at_level(logging.DEBUG):
        webhooks.webhook_post_send(post_id=post.pk)
    post.refresh_from_db()
    assert post.sent_at is None
    assert post.last_error == "HTTP 500 Internal Server Error"
    assert list(webhooks.webhook_posts_failing()) == [post]
    assert "s3cr3t" not in caplog.text
    assert "127.0.0.1" in caplog.text

    webhook_server.status = 200
    swept: list[int] = []
    monkeypatch.setattr(tasks.webhook_post_send, "delay", swept.append)
    monkeypatch.setattr(tasks.email_send, "delay", lambda pk: None)
    later = dt.datetime.now(tz=dt.UTC) + claims.SWEEP_GRACE + dt.timedelta(seconds=1)
    with time_machine.travel(later):
        tasks.email_sweep()
    assert swept == [post.pk]
    tasks.webhook_post_send(post.pk)
    tasks.webhook_post_send(post.pk)
    assert len(webhook_server.received) == 2  # the failed attempt and the good one
    post.refresh_from_db()
    assert post.sent_at is not None
    assert (post.attempts, post.last_error) == (2, "")
    assert list(webhooks.webhook_posts_failing()) == []


def test_an_unreachable_host_or_a_bad_scheme_is_an_error_without_the_url(caplog):
    closed = OutboundWebhookPost.objects.create(
        key="a", url="http://127.0.0.1:9/hooks/secretpath", target_host="127.0.0.1", payload={}
    )
    odd = OutboundWebhookPost.objects.create(
        key="b", url="file:///etc/secretpath", target_host="?", payload={}
    )
    with caplog.at_level(logging.DEBUG):
        webhooks.webhook_post_send(post_id=closed.pk)
        webhooks.webhook_post_send(post_id=odd.pk)
    closed.refresh_from_db()
    odd.refresh_from_db()
    assert closed.last_error.startswith("cannot connect:")
    assert odd.last_error == "OSError: the webhook address is not an http(s) URL"
    assert "secretpath" not in caplog.text + closed.last_error + odd.last_error
