""" "Your shift moved": when a re-plan (new or removed leave, an .ics import, a rotation
change) changes people's future shifts, each person whose shifts changed gets one email
listing before → after, in their zone.

A re-plan service takes a `ShiftMoves` snapshot of the team's future assignments before
it plans, and calls `notify(event=...)` after. Only the span that was planned before
counts (up to each rotation's last planned shift), so extending the horizon or a brand
new rotation emails nobody. The emails are rows written in the re-plan's transaction
and sent after commit; the key `shift-moved:<event>:<user>` makes each one exactly-once.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from outbox.notifications import Notification, local_time, notification_queue
from shifts.models import Shift
from teams.models import Team
from teams.selectors import user_display_zone_name


@dataclass(frozen=True, order=True)
class Assignment:
    start_at: dt.datetime
    end_at: dt.datetime
    rotation_id: int
    rotation_name: str


Snapshot = dict[int, set[Assignment]]


def _snapshot(*, team: Team, now: dt.datetime) -> tuple[Snapshot, dict[int, dt.datetime]]:
    """Future shifts of the team by assignee, and each rotation's last planned end."""
    by_person: Snapshot = defaultdict(set)
    planned_until: dict[int, dt.datetime] = {}
    rows = Shift.objects.filter(team=team, start_at__gt=now).values_list(
        "assignee_id", "start_at", "end_at", "rotation_id", "rotation__name"
    )
    for assignee_id, start_at, end_at, rotation_id, rotation_name in rows:
        planned_until[rotation_id] = max(end_at, planned_until.get(rotation_id, end_at))
        if assignee_id is not None:
            by_person[assignee_id].add(Assignment(start_at, end_at, rotation_id, rotation_name))
    return by_person, planned_until


def moved_shifts(
    before: Snapshot, after: Snapshot, planned_until: dict[int, dt.datetime]
) -> dict[int, tuple[list[Assignment], list[Assignment]]]:
    """Per person whose assignments changed: (what they lose, what they get), in order;
    only within what was planned before."""

    def planned(items: set[Assignment]) -> set[Assignment]:
        return {
            a
            for a in items
            if a.rotation_id in planned_until and a.end_at <= planned_until[a.rotation_id]
        }

    moves = {}
    for person in set(before) | set(after):
        old, new = planned(before.get(person, set())), planned(after.get(person, set()))
        if old != new:
            moves[person] = (sorted(old - new), sorted(new - old))
    return moves


class ShiftMoves:
    """Before/after snapshot of a team's future assignments around one re-plan."""

    def __init__(self, *, team: Team, now: dt.datetime | None = None) -> None:
        self.team = team
        self.now = now or timezone.now()
        self.before, self.planned_until = _snapshot(team=team, now=self.now)

    def notify(self, *, event: str) -> int:
        """Email everyone whose future shifts the re-plan changed; how many were queued."""
        after, _ = _snapshot(team=self.team, now=self.now)
        moves = moved_shifts(self.before, after, self.planned_until)
        people = User.objects.in_bulk(list(moves))
        queued = 0
        for person_id, (lost, gained) in sorted(moves.items()):
            person = people.get(person_id)
            if person is None:
                continue
            zone_name = user_display_zone_name(user=person)

            def shown(items: list[Assignment], zone_name: str = zone_name) -> list[str]:
                return [
                    f"{a.rotation_name}: {local_time(a.start_at, zone_name)}"
                    f" to {local_time(a.end_at, zone_name)}"
                    for a in items
                ]

            email = notification_queue(
                kind=Notification.SHIFT_MOVED,
                key=f"shift-moved:{event}:{person_id}",
                user=person,
                subject=f"[{self.team.name}] Your shifts changed",
                template="shifts/email/shift_moved",
                context={"team": self.team, "before": shown(lost), "after": shown(gained)},
            )
            queued += email is not None
        return queued
