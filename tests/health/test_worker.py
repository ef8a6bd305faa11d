"""A real Celery worker (with beat) on the configured broker: Redis in CI, the file
broker of `make run` by default. The web app queues a task; the worker must run it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from health.models import Heartbeat, WorkerPing
from tests.processes import database_url_of_test_db

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, *, seconds: float, what: str, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) before {what}")
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what} on broker {settings.CELERY_BROKER_URL}")


@pytest.fixture
def worker(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_db(),
        "HEARTBEAT_INTERVAL_SECONDS": "1",
        "DEBUG": "false",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--schedule",
            str(tmp_path / "beat-schedule"),
            "--hostname",
            f"test-worker-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_queued_from_web_app_runs_on_real_worker_and_beat_fires(client, worker):
    from tests.teams.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post("/health/ping/").status_code == 302
    ping = WorkerPing.objects.get()
    wait_for(
        lambda: WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).exists(),
        seconds=60,
        what="the worker to answer the ping",
        worker=worker,
    )
    wait_for(
        lambda: Heartbeat.objects.filter(source="beat", count__gte=2).exists(),
        seconds=30,
        what="two beat heartbeats",
        worker=worker,
    )
    assert WorkerPing.objects.get().answered_by
