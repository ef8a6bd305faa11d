"""The daily overdue digest: each owner gets one email a day listing their overdue items.

"Today" is the owner's local date (their display zone); the outbox key
`overdue-digest:<user id>:<local date>` makes it once per day per person.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone

from incidents import selectors
from outbox.models import OutboundEmail
from outbox.services import email_queue
from teams.selectors import user_display_zone_name
from teams.timezones import zone

# The date somewhere on Earth is at most one day ahead of UTC (UTC+14).
LATEST_OFFSET = dt.timedelta(hours=14)


def overdue_digest_owner_ids(*, now: dt.datetime | None = None) -> list[int]:
    """Owners who may have an overdue item somewhere; each owner's task decides exactly."""
    latest_day = ((now or timezone.now()) + LATEST_OFFSET).date()
    return selectors.overdue_owner_ids(latest_day=latest_day)


def overdue_digest_send(*, user_id: int, now: dt.datetime | None = None) -> OutboundEmail | None:
    """Queue the owner's digest for their local today (once); None when nothing is overdue."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return None
    local_date = (now or timezone.now()).astimezone(zone(user_display_zone_name(user=user))).date()
    items = list(selectors.action_items_overdue_for_user(user=user, today=local_date))
    if not items:
        return None
    context = {
        "user": user,
        "items": items,
        "local_date": local_date,
        "site_url": settings.SITE_URL,
    }
    count = len(items)
    email, _ = email_queue(
        key=f"overdue-digest:{user.pk}:{local_date.isoformat()}",
        to=[user.email],
        subject=f"[Shiftdesk] {count} overdue action item{'s' if count != 1 else ''}",
        text_body=render_to_string("incidents/email/overdue_digest.txt", context),
        html_body=render_to_string("incidents/email/overdue_digest.html", context),
    )
    return email
