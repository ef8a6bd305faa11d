"""The handover summary posted to a chat webhook (a real HTTP server on 127.0.0.1): once
per shift, never blocking the email; a failing server is retried by the sweep, shown on
the status page (host and error, never the URL), and posted once when it recovers."""

import datetime as dt
import logging

import pytest
import time_machine
from django.urls import reverse

from handover import dispatch
from handover.models import ChatWebhook
from outbox import claims
from outbox import tasks as outbox_tasks
from outbox.models import OutboundWebhookPost
from shifts.models import Shift
from tests.handover.dispatching import deliver_all, handover_messages, utc
from tests.shifts.factories import people, rotation

HANDOVER = utc(2027, 1, 18, 8)


@pytest.fixture
def shift(team, settings):
    settings.SITE_URL = "https://shiftdesk.example.org"
    rotation(team, people(team, 3), now=utc(2027, 1, 1))
    return Shift.objects.get(team=team, end_at=HANDOVER)


@pytest.mark.parametrize(
    ("kind", "head", "link"),
    [
        ("slack", "*[Ops] Handover", "|Open the handover note>"),
        ("mattermost", "#### [Ops] Handover", "[Open the handover note](https://"),
    ],
)
def test_the_summary_is_posted_once_with_a_link(
    team, shift, webhook_server, kind, head, link, monkeypatch
):
    ChatWebhook.objects.create(team=team, kind=kind, url=webhook_server.url)
    queued: list[int] = []
    monkeypatch.setattr(outbox_tasks.webhook_post_send, "delay", queued.append)
    dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    (post,) = OutboundWebhookPost.objects.all()
    assert post.key == f"handover-chat:{shift.pk}"
    outbox_tasks.webhook_post_send(post.pk)
    outbox_tasks.webhook_post_send(post.pk)
    (received,) = webhook_server.received
    text = received["body"]["text"]
    assert text.startswith(head)
    assert link in text
    assert f"/handover/ops/shifts/{shift.pk}/" in text
    assert "Incidents" in text


def test_a_paused_webhook_posts_nothing(team, shift, webhook_server):
    ChatWebhook.objects.create(team=team, url=webhook_server.url, is_active=False)
    dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
    assert not OutboundWebhookPost.objects.exists()


def test_a_failing_chat_never_blocks_the_email_and_shows_on_the_status_page(
    team, shift, lead, webhook_server, smtp_server, user_client, monkeypatch, caplog
):
    ChatWebhook.objects.create(team=team, url=webhook_server.url)
    webhook_server.status = 500
    with caplog.at_level(logging.DEBUG):
        dispatch.handover_dispatch_send(shift=shift, now=HANDOVER, via="schedule")
        post = OutboundWebhookPost.objects.get()
        outbox_tasks.webhook_post_send(post.pk)
        deliver_all()
    assert len(handover_messages(smtp_server, shift)) == 1  # the email went anyway
    assert "s3cr3t" not in caplog.text

    status = user_client(lead).get(reverse("health:status")).content.decode()
    assert "HTTP 500 Internal Server Error" in status
    assert "127.0.0.1" in status
    assert "s3cr3t" not in status
    assert "/hooks/" not in status

    webhook_server.status = 200
    swept: list[int] = []
    monkeypatch.setattr(outbox_tasks.webhook_post_send, "delay", swept.append)
    monkeypatch.setattr(outbox_tasks.email_send, "delay", lambda pk: None)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + claims.SWEEP_GRACE * 2):
        outbox_tasks.email_sweep()
    assert swept == [post.pk]
    outbox_tasks.webhook_post_send(post.pk)
    outbox_tasks.email_sweep()
    outbox_tasks.webhook_post_send(post.pk)
    assert len(webhook_server.received) == 2  # the failed try and the one that worked
    post.refresh_from_db()
    assert post.sent_at is not None
    status = user_client(lead).get(reverse("health:status")).content.decode()
    assert "None failing" in status
