"""The reminder a person gets a week before a shift they are on without the access the
team marks required: once per person and shift (outbox key
`access-reminder:<user id>:<shift id>`).

"A week before" is the same wall-clock time seven days earlier in the team's zone, so a
week with a DST change in it is 167 or 169 hours, never an hour early or late. The beat
runs the fan-out hourly; a shift already less than a week away when someone is put on it
(or when a requirement is added) is reminded at the next run.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string

from duties.selectors import missing_required_access
from outbox.models import OutboundEmail
from outbox.services import email_queue
from shifts.models import Override, Shift
from teams.models import Team
from teams.timezones import zone

WEEK = dt.timedelta(days=7)
# Fetch a little more than a week ahead in UTC; the exact local week is checked after.
FETCH_AHEAD = dt.timedelta(days=8)


@dataclass(frozen=True)
class Due:
    user_id: int
    shift_id: int


def week_before(start_at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The same wall-clock time seven days before `start_at` in `tz`."""
    local = start_at.astimezone(tz)
    return (local.replace(tzinfo=None) - WEEK).replace(tzinfo=tz)


def reminders_due(*, now: dt.datetime) -> list[Due]:
    """Who must be reminded now: people starting a shift (or a cover) within a local
    week who lack required access: two queries, and two per team with someone starting."""
    shifts = list(
        Shift.objects.filter(start_at__gt=now, start_at__lte=now + FETCH_AHEAD)
        .exclude(assignee=None)
        .select_related("team")
    )
    covers = list(
        Override.objects.filter(start_at__gt=now, start_at__lte=now + FETCH_AHEAD).select_related(
            "shift__team"
        )
    )
    starts: list[tuple[Team, int, int, dt.datetime]] = [
        (s.team, int(s.assignee_id or 0), s.pk, s.start_at) for s in shifts
    ]
    starts += [(c.shift.team, c.user_id, c.shift_id, c.start_at) for c in covers]
    soon = [
        (team, user_id, shift_id)
        for team, user_id, shift_id, start_at in starts
        if week_before(start_at, zone(team.time_zone)) <= now
    ]
    teams = {team.pk: team for team, _, _ in soon}
    missing: dict[tuple[int, int], bool] = {}
    for team in teams.values():
        people = [user_id for t, user_id, _ in soon if t.pk == team.pk]
        for user_id in missing_required_access(team=team, user_ids=people):
            missing[(team.pk, user_id)] = True
    due = {Due(user_id=u, shift_id=s) for t, u, s in soon if missing.get((t.pk, u))}
    return sorted(due, key=lambda d: (d.shift_id, d.user_id))


def access_reminder_send(*, user_id: int, shift_id: int) -> OutboundEmail | None:
    """Queue the reminder (once); None when there is nothing to say any more."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    shift = Shift.objects.filter(pk=shift_id).select_related("team", "rotation").first()
    if user is None or shift is None or not user.email:
        return None
    titles = missing_required_access(team=shift.team, user_ids=[user.pk]).get(user.pk)
    if not titles:
        return None
    context = {
        "user": user,
        "shift": shift,
        "team": shift.team,
        "titles": titles,
        "site_url": settings.SITE_URL,
    }
    email, _ = email_queue(
        key=f"access-reminder:{user.pk}:{shift.pk}",
        to=[user.email],
        subject=f"[Shiftdesk] {shift.team.name}: access you need before your shift",
        text_body=render_to_string("duties/email/access_reminder.txt", context),
    )
    return email
