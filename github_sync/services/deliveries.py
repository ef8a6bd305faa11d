"""Webhook deliveries: accept (fast, in the request) and process (in a task).

`delivery_receive` stores an `issues` or `issue_comment` delivery about a linked issue
as a `WebhookDelivery` row (unique by `X-GitHub-Delivery`, so a redelivery is ignored)
and queues its processing after the commit; events about issues nobody linked are
answered and forgotten. `delivery_process` applies the payload through the same
`issue_apply_remote` as polling; a sweep processes rows a lost task left.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from github_sync.client import RemoteIssue
from github_sync.models import GitHubIssue, RepositorySync, WebhookDelivery
from github_sync.services.issues import (
    issue_apply_remote,
    issue_mark_deleted,
    issue_mark_transferred,
    sync_error_record,
)
from teams.enqueue import enqueue_on_commit

EVENTS = {"issues", "issue_comment"}
SWEEP_GRACE = dt.timedelta(minutes=1)
MAX_ATTEMPTS = 5


def _repository(payload: dict[str, Any]) -> str:
    repository = payload.get("repository")
    return str(repository.get("full_name") or "") if isinstance(repository, dict) else ""


def _issue_number(payload: dict[str, Any]) -> int | None:
    issue = payload.get("issue")
    if isinstance(issue, dict) and isinstance(issue.get("number"), int):
        return int(issue["number"])
    return None


def delivery_receive(*, delivery_id: str, event: str, payload: dict[str, Any]) -> str:
    """Accept one verified delivery; returns what became of it (for the answer body)."""
    repository = _repository(payload)
    if event == "ping":
        if repository:
            RepositorySync.objects.filter(repository__iexact=repository).update(
                last_webhook_at=timezone.now()
            )
        return "pong"
    if event not in EVENTS:
        return "ignored: event not handled"
    number = _issue_number(payload)
    if not repository or number is None:
        return "ignored: no issue in the payload"
    linked = (
        GitHubIssue.objects.in_repository(repository)
        .filter(number=number, links__isnull=False)
        .exists()
    )
    if not linked:
        return "ignored: issue not linked"
    if WebhookDelivery.objects.filter(delivery_id=delivery_id).exists():
        return "ignored: redelivery"
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                delivery_id=delivery_id,
                event=event,
                action=str(payload.get("action") or "")[:40],
                repository=repository,
                issue_number=number,
                payload=payload,
            )
            from github_sync import tasks

            enqueue_on_commit(tasks.webhook_process, delivery.pk)
    except IntegrityError:
        return "ignored: redelivery"
    return "queued"


def delivery_process(*, delivery_id: int) -> WebhookDelivery | None:
    """Apply one stored delivery unless done already; safe to run twice."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, processed_at__isnull=True).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    try:
        result = _apply(delivery, now=now)
    except (KeyError, TypeError, ValueError) as error:  # a payload we cannot read
        result = f"unreadable payload: {type(error).__name__}"
        sync_error_record(repository=delivery.repository, operation="webhook", message=result)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(processed_at=now, result=result)
        RepositorySync.objects.filter(repository__iexact=delivery.repository).update(
            last_webhook_at=now
        )
    delivery.processed_at, delivery.result = now, result
    return delivery


def _apply(delivery: WebhookDelivery, *, now: dt.datetime) -> str:
    payload = delivery.payload
    repository = delivery.repository
    number = int(delivery.issue_number or 0)
    if delivery.event == "issues" and delivery.action == "deleted":
        issue_mark_deleted(repository=repository, number=number, now=now)
        return "deleted"
    if delivery.event == "issues" and delivery.action == "transferred":
        changes = payload.get("changes") or {}
        new_issue = dict(changes.get("new_issue") or {})
        new_repository = _repository({"repository": changes.get("new_repository")})
        new = RemoteIssue.from_json(new_issue, repository=new_repository)
        moved = issue_mark_transferred(repository=repository, number=number, new=new, now=now)
        return f"transferred to {new.repository}#{new.number}" if moved else "not linked"
    remote = RemoteIssue.from_json(payload["issue"], repository=repository)
    issue = issue_apply_remote(remote=remote, now=now)
    return f"{delivery.event}.{delivery.action} applied" if issue else "not linked"


def deliveries_pending_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Stored deliveries a lost task left unprocessed."""
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    return list(
        WebhookDelivery.objects.filter(
            Q(processed_at__isnull=True), received_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:200]
    )
