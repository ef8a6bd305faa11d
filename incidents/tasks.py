from celery import shared_task

from incidents import digests


@shared_task(name="incidents.tasks.overdue_digest_fanout")
def overdue_digest_fanout() -> None:
    """Daily: one digest task per owner who may have overdue action items."""
    for user_id in digests.overdue_digest_owner_ids():
        overdue_digest_send.delay(user_id)


@shared_task(name="incidents.tasks.overdue_digest_send")
def overdue_digest_send(user_id: int) -> None:
    digests.overdue_digest_send(user_id=user_id)
