"""The reminder to the incoming shifter when a finalised handover note is still not
acknowledged some hours after the handover: sent once per note (keyed email, and the
note records it)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from handover.models import HandoverNote
from outbox.services import email_queue
from teams.selectors import person_name
from teams.timezones import zone

# Notes finalised longer ago than this are not chased any more (a sweep stays bounded).
REMINDER_LOOKBACK = dt.timedelta(days=7)


def _due(*, now: dt.datetime) -> QuerySet[HandoverNote]:
    """Finalised, unacknowledged, not reminded, and N hours past both the handover and
    the finalisation."""
    threshold = now - dt.timedelta(hours=settings.HANDOVER_ACK_REMINDER_HOURS)
    return HandoverNote.objects.filter(
        finalised_at__lte=threshold,
        finalised_at__gte=now - REMINDER_LOOKBACK,
        shift__end_at__lte=threshold,
        acknowledged_at__isnull=True,
        ack_reminder_sent_at__isnull=True,
        incoming__isnull=False,
    )


def ack_reminders_due_ids(*, now: dt.datetime | None = None) -> list[int]:
    return list(_due(now=now or timezone.now()).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def ack_reminder_send(*, note_id: int, now: dt.datetime | None = None) -> bool:
    """Queue the reminder for one note, once; False when not (or no longer) due."""
    now = now or timezone.now()
    note = (
        _due(now=now)
        .select_for_update(of=("self",))
        .select_related("team", "shift", "incoming", "outgoing", "finalised_by")
        .filter(pk=note_id)
        .first()
    )
    if note is None or note.incoming is None:
        return False
    local_end = note.shift.end_at.astimezone(zone(note.team.time_zone))
    context = {
        "note": note,
        "team": note.team,
        "incoming": person_name(note.incoming),
        "outgoing": person_name(note.outgoing),
        "handover": f"{local_end:%a %d %b %Y %H:%M} {local_end.tzname()}",
        "url": f"{settings.SITE_URL}{note.get_absolute_url()}",
    }
    _, created = email_queue(
        key=f"handover-ack-reminder:{note.pk}",
        to=[note.incoming.email],
        subject=f"[{note.team.name}] Please acknowledge the handover note of {context['handover']}",
        text_body=render_to_string("handover/ack_reminder_email.txt", context),
        html_body=render_to_string("handover/ack_reminder_email.html", context),
    )
    HandoverNote.objects.filter(pk=note.pk).update(ack_reminder_sent_at=now)
    return created
