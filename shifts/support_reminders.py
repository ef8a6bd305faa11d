"""One reminder to the person on shift when a support request passes the team's response
target (working hours, `incidents.working_hours`) without an answer.

It lives in `shifts` because "the person on shift" is the effective schedule (covers
included, `oncall_at`). The outbox key `support-overdue:<request>` makes it exactly one
reminder per request, whoever is on shift when the beat job finds it.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from incidents import selectors as incident_selectors
from incidents.models import SupportRequest
from outbox.models import OutboundEmail
from outbox.notifications import Notification, local_time, notification_queue
from shifts.selectors.oncall import oncall_at
from teams.selectors import user_display_zone_name

KEY_PREFIX = "support-overdue:"
# Requests older than this are history: no reminder for them any more.
HORIZON = dt.timedelta(days=60)
SHORTEST_TARGET = dt.timedelta(hours=1)


def support_overdue_candidates(*, now: dt.datetime) -> list[int]:
    """Waiting requests old enough to be past a target (working time never exceeds
    elapsed time) and not reminded yet; each one's task decides exactly."""
    reminded = OutboundEmail.objects.filter(
        key=Concat(Value(KEY_PREFIX), Cast(OuterRef("pk"), output_field=CharField()))
    )
    return list(
        SupportRequest.objects.filter(
            first_response_at__isnull=True,
            resolved_at__isnull=True,
            asked_at__lte=now - SHORTEST_TARGET,
            asked_at__gte=now - HORIZON,
        )
        .exclude(Exists(reminded))
        .order_by("asked_at", "pk")
        .values_list("pk", flat=True)[:500]
    )


def support_overdue_send(
    *, request_id: int, now: dt.datetime | None = None
) -> OutboundEmail | None:
    """Queue the reminder if the request is still waiting past the target and someone is
    on shift; None otherwise. Safe to run twice."""
    now = now or timezone.now()
    request = (
        SupportRequest.objects.filter(
            pk=request_id, first_response_at__isnull=True, resolved_at__isnull=True
        )
        .select_related("team")
        .first()
    )
    if request is None:
        return None
    team = request.team
    waiting = incident_selectors.waiting_request(request=request, team=team, now=now)
    if not waiting.is_overdue:
        return None
    oncall = oncall_at(team=team, at=now)
    if oncall is None or oncall.person is None:
        return None
    shifter = User.objects.get(pk=oncall.person.id)
    zone_name = user_display_zone_name(user=shifter)
    context = {
        "team": team,
        "request": request,
        "waiting": waiting,
        "asked": local_time(request.asked_at, zone_name),
        "due": local_time(waiting.due_at, zone_name),
    }
    return notification_queue(
        kind=Notification.SUPPORT_OVERDUE,
        key=f"{KEY_PREFIX}{request.pk}",
        user=shifter,
        subject=f"[{team.name}] Support request waiting past the target: {request.asked_by}",
        template="shifts/email/support_overdue",
        context=context,
    )
