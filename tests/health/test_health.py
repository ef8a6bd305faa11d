import datetime as dt

import pytest
import time_machine

from health import services, tasks
from health.models import Heartbeat, WorkerPing


@pytest.fixture
def mocker_delay(monkeypatch):
    """Record what would be sent to the broker instead of sending it."""
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(tasks.worker_ping_answer, "delay", lambda *args: calls.append(args))
    return calls


def test_ping_is_queued_only_after_commit(db, django_capture_on_commit_callbacks, mocker_delay):
    with django_capture_on_commit_callbacks() as callbacks:
        ping = services.worker_ping_request()
        assert mocker_delay == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert mocker_delay == [(ping.pk,)]


def test_ping_answer_task_is_safe_to_run_twice(db):
    ping = WorkerPing.objects.create()
    tasks.worker_ping_answer(ping.pk)
    ping.refresh_from_db()
    first = ping.answered_at
    assert first is not None
    tasks.worker_ping_answer(ping.pk)
    ping.refresh_from_db()
    assert ping.answered_at == first
    tasks.worker_ping_answer(999_999)  # a ping deleted meanwhile is no error


def test_heartbeat_counts_and_status_page(user_client, member):
    with time_machine.travel(dt.datetime(2027, 3, 28, 0, 59, tzinfo=dt.UTC), tick=False):
        tasks.heartbeat_record("beat")
    with time_machine.travel(dt.datetime(2027, 3, 28, 1, 0, 30, tzinfo=dt.UTC), tick=False):
        tasks.heartbeat_record("beat")
        page = user_client(member).get("/health/").content.decode()
    heartbeat = Heartbeat.objects.get(source="beat")
    assert heartbeat.count == 2
    assert "Running" in page
    # 01:00:30 UTC is 03:00:30 CEST, just after Zurich's spring-forward.
    assert "Sun 28 Mar 03:00:30" in page


def test_status_page_says_when_beat_is_not_seen(user_client, member):
    Heartbeat.objects.create(source="beat", beat_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert "Not seen lately" in user_client(member).get("/health/").content.decode()


def test_ping_button_creates_ping_and_htmx_gets_fragment(user_client, member):
    client = user_client(member)
    response = client.post("/health/ping/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert WorkerPing.objects.count() == 1
    assert client.get("/health/ping/").status_code == 405
