"""POST a JSON body to an incoming webhook (Slack, Mattermost) exactly once per key:
recorded first, posted after commit by a task outside any transaction, claimed like an
email (`outbox.claims`), retried by the periodic sweep.

The webhook URL is a secret (whoever has it may post to the channel): it is never
logged, and errors record the target host and the HTTP status only.
"""

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from outbox import claims
from outbox.models import OutboundWebhookPost
from teams.enqueue import enqueue_on_commit

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30


def webhook_host(url: str) -> str:
    """The host a webhook URL points at (what may be shown of it)."""
    return urlsplit(url).hostname or "?"


@transaction.atomic
def webhook_post_queue(
    *, key: str, url: str, payload: dict[str, object]
) -> tuple[OutboundWebhookPost, bool]:
    """Record a post under `key` and send it after commit; `(post, created)`. Queueing a
    key that exists changes nothing."""
    post, created = OutboundWebhookPost.objects.get_or_create(
        key=key, defaults={"url": url, "target_host": webhook_host(url), "payload": payload}
    )
    if created:
        from outbox.tasks import webhook_post_send

        enqueue_on_commit(webhook_post_send, post.pk)
    return post, created


def _post(post: OutboundWebhookPost) -> None:
    """One HTTP POST; raises OSError (URLError, HTTPError, timeouts) on any failure."""
    if urlsplit(post.url).scheme not in {"http", "https"}:
        raise OSError("the webhook address is not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        post.url,
        data=json.dumps(post.payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        response.read()


def _reason(error: OSError) -> str:
    """What went wrong, without the URL (urllib puts it in some messages)."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect: {error.reason}"
    return f"{type(error).__name__}: {error}"


def webhook_post_send(*, post_id: int) -> OutboundWebhookPost | None:
    """Post it unless it was posted already or another sender holds it; safe to run
    twice or concurrently. A failure is recorded (host and reason) for the sweep."""
    claim = claims.claim_take(OutboundWebhookPost.objects.all(), pk=post_id)
    if claim is None:
        return OutboundWebhookPost.objects.filter(pk=post_id).first()
    post = OutboundWebhookPost.objects.get(pk=post_id)
    try:
        _post(post)
    except OSError as error:
        reason = _reason(error)
        claims.claim_failed(claim, error=reason)
        logger.warning(
            "webhook post %s to %s failed (attempt %s): %s",
            post.key,
            post.target_host,
            post.attempts,
            reason,
        )
    else:
        if not claims.claim_done(claim):
            logger.error("webhook post %s was sent after its claim had expired", post.key)
    post.refresh_from_db()
    return post


def webhook_posts_pending_ids(*, now: dt.datetime | None = None) -> list[int]:
    return claims.pending_ids(OutboundWebhookPost.objects.all(), now=now or timezone.now())


def webhook_posts_failing(*, limit: int = 20) -> QuerySet[OutboundWebhookPost]:
    """Unsent posts that have failed at least once (the status page), newest first;
    `url` is deferred: the page has no business reading it."""
    return (
        OutboundWebhookPost.objects.filter(sent_at__isnull=True, attempts__gt=0)
        .exclude(last_error="")
        .defer("url", "payload")
        .order_by("-created_at")[:limit]
    )


def webhook_posts_waiting_count() -> int:
    """Unsent posts not yet tried (their task should run any moment)."""
    return OutboundWebhookPost.objects.filter(sent_at__isnull=True, attempts=0).count()
