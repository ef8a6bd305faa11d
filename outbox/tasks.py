from celery import shared_task

from outbox import services, webhooks


@shared_task(name="outbox.tasks.email_send")
def email_send(email_id: int) -> None:
    services.email_send(email_id=email_id)


@shared_task(name="outbox.tasks.email_sweep")
def email_sweep() -> None:
    """Fan out one send task per email (and webhook post) that is still pending."""
    for email_id in services.emails_pending_ids():
        email_send.delay(email_id)
    for post_id in webhooks.webhook_posts_pending_ids():
        webhook_post_send.delay(post_id)


@shared_task(name="outbox.tasks.webhook_post_send")
def webhook_post_send(post_id: int) -> None:
    webhooks.webhook_post_send(post_id=post_id)
