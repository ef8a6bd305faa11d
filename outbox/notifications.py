"""Personal notifications: one email per event and person, unless the person opted out.

Each kind has an opt-out on `teams.Profile` (`notify_<kind>`, on by default, edited on
the profile page). Every sender goes through `notification_queue`, which checks the
opt-out, renders `<template>.txt` and `<template>.html` (text and HTML parts) with the
site URL, and queues the email under the caller's key, so a second call for the same
event changes nothing. Times are shown with `local_time` in the recipient's zone.
"""

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string

from outbox.models import OutboundEmail
from outbox.services import email_queue
from teams.models import Profile
from teams.timezones import zone


class Notification(StrEnum):
    """The kinds of personal notification; each value names its Profile opt-out field."""

    SHIFT_TOMORROW = "notify_shift_tomorrow"
    ASSIGNED = "notify_assigned"
    SHIFT_MOVED = "notify_shift_moved"
    SUPPORT_OVERDUE = "notify_support_overdue"


def users_notified(*, user_ids: Iterable[int], kind: Notification) -> set[int]:
    """Of `user_ids`, the active users with an address who keep `kind` on (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    opted_out = Profile.objects.filter(user_id__in=ids, **{kind.value: False}).values("user_id")
    return set(
        User.objects.filter(pk__in=ids, is_active=True)
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .values_list("pk", flat=True)
    )


def local_time(instant: dt.datetime, zone_name: str) -> str:
    """An instant as notifications show it: in the recipient's zone, the zone named."""
    return f"{instant.astimezone(zone(zone_name)):%a %d %b %Y %H:%M} ({zone_name})"


def notification_queue(
    *,
    kind: Notification,
    key: str,
    user: User,
    subject: str,
    template: str,
    context: dict[str, Any],
) -> OutboundEmail | None:
    """Queue the notification `key` to `user` (exactly once); None when they opted out
    (or have no address). Call it inside the transaction that made the event: the email
    row commits with it and is sent after commit."""
    if user.pk not in users_notified(user_ids=[user.pk], kind=kind):
        return None
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    email, _ = email_queue(
        key=key,
        to=[user.email],
        subject=subject,
        text_body=render_to_string(f"{template}.txt", context),
        html_body=render_to_string(f"{template}.html", context),
    )
    return email
