"""Celery tasks: thin, by id, safe to run twice. Periodic ones are declared in
config/celery.py: the poll fan-out, the sweep and the seed-rule reminders."""

from celery import shared_task

from github_sync import selectors
from github_sync.services import creation, deliveries, polling, reminders


@shared_task(name="github_sync.tasks.issue_create")
def issue_create(link_id: int) -> str:
    """Create (or find) one issue; a rate limit or an outage re-queues with a countdown."""
    outcome = creation.issue_create_run(link_id=link_id)
    if outcome.retry_in is not None:
        issue_create.apply_async(args=(link_id,), countdown=outcome.retry_in)
    return outcome.result


@shared_task(name="github_sync.tasks.issue_refresh")
def issue_refresh(issue_id: int) -> None:
    polling.issue_refresh(issue_id=issue_id)


@shared_task(name="github_sync.tasks.webhook_process")
def webhook_process(delivery_id: int) -> None:
    deliveries.delivery_process(delivery_id=delivery_id)


@shared_task(name="github_sync.tasks.poll_fanout")
def poll_fanout() -> None:
    """One poll task per repository with linked issues."""
    for repository in selectors.repositories_to_poll():
        poll_repository.delay(repository)


@shared_task(name="github_sync.tasks.poll_repository")
def poll_repository(repository: str) -> str:
    return str(polling.repository_poll(repository=repository))


@shared_task(name="github_sync.tasks.sweep")
def sweep() -> None:
    """What lost tasks left: creations, webhook deliveries, never-fetched issues."""
    for link_id in creation.creations_due_ids():
        issue_create.delay(link_id)
    for delivery_id in deliveries.deliveries_pending_ids():
        webhook_process.delay(delivery_id)
    for issue_id in polling.issues_unsynced_ids():
        issue_refresh.delay(issue_id)


@shared_task(name="github_sync.tasks.seed_reminders")
def seed_reminders() -> int:
    return reminders.seed_reminders_send()
