from celery import shared_task

from outbox import services


@shared_task(name="outbox.tasks.email_send")
def email_send(email_id: int) -> None:
    services.email_send(email_id=email_id)


@shared_task(name="outbox.tasks.email_sweep")
def email_sweep() -> None:
    """Fan out one send task per email that is still pending."""
    for email_id in services.emails_pending_ids():
        email_send.delay(email_id)
