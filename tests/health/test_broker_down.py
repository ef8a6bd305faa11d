"""With the broker unreachable, a write that queues a task still succeeds: the failure
to publish is logged and left to the periodic sweep."""

import logging

import pytest

from config.celery import app
from health.models import WorkerPing
from outbox import claims
from outbox import services as outbox_services
from outbox.models import OutboundEmail


@pytest.fixture
def broker_down(monkeypatch):
    """Point the Celery app at a closed local port (nothing listens on port 1), whatever
    broker the run uses (Celery reads CELERY_BROKER_URL from the environment first)."""
    closed = "amqp://guest:guest@127.0.0.1:1//"
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    monkeypatch.setattr(app.conf, "broker_url", closed)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)


def test_ping_is_recorded_and_the_page_answers(
    user_client, member, broker_down, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.WARNING, logger="teams.enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = user_client(member).post("/health/ping/")
    assert response.status_code == 302
    assert WorkerPing.objects.count() == 1
    (record,) = caplog.records
    assert "health.tasks.worker_ping_answer" in record.getMessage()
    assert "sweep" in record.getMessage()
    assert record.exc_info is not None


def test_queued_email_stays_for_the_sweep(
    db, broker_down, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.WARNING, logger="teams.enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email, created = outbox_services.email_queue(
            key="reminder:1", to=["bob@example.org"], subject="Report due", text_body="."
        )
    assert created
    assert OutboundEmail.objects.get().sent_at is None
    assert "outbox.tasks.email_send" in caplog.records[0].getMessage()
    assert outbox_services.emails_pending_ids(now=email.created_at + claims.SWEEP_GRACE) == [
        email.pk
    ]
