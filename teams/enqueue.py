"""Queue a Celery task once the current transaction commits, without ever failing the write.

The database is the source of truth for pending work: a task is only a trigger, and a
periodic sweep picks up whatever a lost trigger left behind. So when the broker is down
the write that queued the task has still succeeded, and the caller must not see an
error for it: the failure to publish is logged and left to the sweep.
"""

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task[Any, Any], *args: Any, countdown: int | None = None) -> None:
    """Send `task(*args)` to the broker after commit (at once outside a transaction),
    to run `countdown` seconds later if given; log a warning, never raise, when the
    broker cannot be reached."""

    def publish() -> None:
        try:
            if countdown:
                task.apply_async(args=args, countdown=countdown)
            else:
                task.delay(*args)
        except Exception:
            # Broker down or unreachable (kombu's OperationalError, a socket error, a
            # timeout): the row is committed and the periodic sweep will retry it.
            logger.warning(
                "could not queue %s%r; left for the periodic sweep", task.name, args, exc_info=True
            )

    transaction.on_commit(publish)
