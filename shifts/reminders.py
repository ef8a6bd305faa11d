""" "Your shift starts tomorrow": one email per shift to whoever is on it when it starts
(the effective schedule: swaps and covers included), a day ahead.

"A day ahead" is the same wall-clock time on the day before, in the team's zone, so a
Monday 09:00 shift is announced on Sunday at 09:00 even when the night between is 23 or
25 hours long (a DST change). The beat job runs often (config/celery.py); the outbox key
`shift-tomorrow:<shift>:<user>` makes each reminder exactly-once however often it runs.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from incidents import selectors as incident_selectors
from incidents.models import ActionItem
from outbox.models import OutboundEmail
from outbox.notifications import Notification, local_time, notification_queue
from shifts.extensions import shift_reminder_sections
from shifts.models import Shift
from shifts.selectors.shifts import OVERRIDES, segments_of
from teams.selectors import user_display_zone_name
from teams.timezones import zone

# Look this far ahead for shifts: a day, plus the hour a DST change can add.
LOOKAHEAD = dt.timedelta(hours=26)
LISTED = 20


def reminder_due_at(start_at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The same local time one calendar day before `start_at`, as an instant."""
    local = start_at.astimezone(tz)
    day_before = dt.datetime.combine(local.date() - dt.timedelta(days=1), local.time(), tzinfo=tz)
    return day_before.astimezone(dt.UTC)


def shift_reminders_due(*, now: dt.datetime) -> list[int]:
    """Ids of the shifts of active rotations that start tomorrow and are due a reminder."""
    shifts = Shift.objects.filter(
        rotation__is_active=True, start_at__gt=now, start_at__lte=now + LOOKAHEAD
    ).values_list("pk", "start_at", "team__time_zone")
    return [pk for pk, start_at, tz in shifts if reminder_due_at(start_at, zone(tz)) <= now]


def _inherited(*, shift: Shift) -> dict[str, object]:
    """What the incoming shifter takes over: the team's open incidents, its overdue
    action items (today in the team's zone) and its unanswered support requests."""
    team = shift.team
    today = timezone.now().astimezone(zone(team.time_zone)).date()
    overdue = (
        ActionItem.objects.overdue(today=today)
        .filter(team=team)
        .select_related("owner", "team")
        .order_by("due_on", "pk")
    )
    return {
        "incidents": list(
            incident_selectors.incident_list(team=team, filters={"status": "active"})[:LISTED]
        ),
        "overdue_items": list(overdue[:LISTED]),
        "waiting": incident_selectors.support_requests_waiting(team=team, now=timezone.now())[
            :LISTED
        ],
    }


def shift_reminder_send(*, shift_id: int, now: dt.datetime | None = None) -> OutboundEmail | None:
    """Queue the reminder to whoever is on the shift when it starts; safe to run twice."""
    now = now or timezone.now()
    shift = (
        Shift.objects.filter(pk=shift_id, rotation__is_active=True, start_at__gt=now)
        .select_related("team", "rotation", "assignee")
        .prefetch_related(OVERRIDES)
        .first()
    )
    if shift is None:
        return None
    person = segments_of(shift=shift)[0].person
    if not isinstance(person, User):
        return None
    zone_name = user_display_zone_name(user=person)
    sections = shift_reminder_sections(shift=shift, user=person)
    context = {
        "shift": shift,
        "team": shift.team,
        "starts": local_time(shift.start_at, zone_name),
        "ends": local_time(shift.end_at, zone_name),
        "covering": person.pk != shift.assignee_id,
        "sections": sections,
        **_inherited(shift=shift),
    }
    return notification_queue(
        kind=Notification.SHIFT_TOMORROW,
        key=f"shift-tomorrow:{shift.pk}:{person.pk}",
        user=person,
        subject=f"[{shift.team.name}] Your shift starts tomorrow, {context['starts']}",
        template="shifts/email/shift_tomorrow",
        context=context,
    )
