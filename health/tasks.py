import socket

from celery import shared_task

from health import services


@shared_task(name="health.tasks.heartbeat_record")
def heartbeat_record(source: str) -> None:
    services.heartbeat_record(source=source)


@shared_task(name="health.tasks.worker_ping_answer")
def worker_ping_answer(ping_id: int) -> None:
    services.worker_ping_answer(ping_id=ping_id, worker=socket.gethostname())
