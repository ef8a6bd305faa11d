"""Demo data: the weekly "Developer on shift" rotation of wmcore (Monday 09:00
Europe/Zurich), with a vacation, an accepted swap, a pending one and a cover in the
coming weeks. Running it again changes nothing (each piece is looked up first)."""

import datetime as dt
from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from shifts.models import Override, Rotation, Shift, SwapRequest, Unavailability
from shifts.services import leave, rotations, swaps
from shifts.services import shifts as shift_services
from teams.demo import DemoContext
from teams.timezones import zone

ROTATION = "Developer on shift"
VACATION_NOTE = "Demo: family vacation"
SWAP_MESSAGE = "Demo: conference week, can we swap?"
GIVEAWAY_MESSAGE = "Demo: could you take this one?"
COVER_REASON = "Demo: covering Wednesday to Friday"


def seed(context: DemoContext) -> None:
    team = context.team
    users = cast(dict[str, User], context.users)
    if team is None:
        return
    now = timezone.now()
    tz = zone(team.time_zone)
    today = now.astimezone(tz).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    rotation = Rotation.objects.filter(team=team, name=ROTATION).first()
    if rotation is None:
        rotation = rotations.rotation_create(
            team=team,
            participants=[users[name] for name in ("alice", "bob", "carol", "dave")],
            name=ROTATION,
            start_on=this_monday - dt.timedelta(weeks=4),
            handover_weekday=0,
            handover_time=dt.time(9, 0),
        )
    else:
        rotations.rotation_generate(rotation=rotation)

    if not Unavailability.objects.filter(team=team, note=VACATION_NOTE).exists():
        start = this_monday + dt.timedelta(weeks=3)
        leave.unavailability_create(
            team=team,
            actor=users["dave"],
            user=users["dave"],
            kind=Unavailability.Kind.VACATION,
            starts_on=start,
            ends_on=start + dt.timedelta(days=11),
            note=VACATION_NOTE,
        )

    future = Shift.objects.filter(rotation=rotation, start_at__gt=now).order_by("start_at")
    if not SwapRequest.objects.filter(team=team, message=SWAP_MESSAGE).exists():
        bobs = future.filter(assignee=users["bob"]).first()
        carols = future.filter(assignee=users["carol"]).first()
        if bobs and carols:
            swap = swaps.swap_request_create(
                requester=users["bob"],
                shift=bobs,
                recipient=users["carol"],
                counter_shift=carols,
                message=SWAP_MESSAGE,
            )
            swaps.swap_request_accept(swap=swap, actor=users["carol"])
    if not SwapRequest.objects.filter(team=team, message=GIVEAWAY_MESSAGE).exists():
        alices = future.filter(assignee=users["alice"]).first()
        if alices:
            swaps.swap_request_create(
                requester=users["alice"],
                shift=alices,
                recipient=users["dave"],
                message=GIVEAWAY_MESSAGE,
            )

    if not Override.objects.filter(shift__rotation=rotation, reason=COVER_REASON).exists():
        shift = future.first()
        if shift and shift.assignee:
            monday = shift.start_at.astimezone(tz).date()
            coverer = users["carol"] if shift.assignee != users["carol"] else users["alice"]
            shift_services.override_create(
                shift=shift,
                user=coverer,
                start_at=dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(9), tzinfo=tz),
                end_at=dt.datetime.combine(monday + dt.timedelta(days=4), dt.time(18), tzinfo=tz),
                created_by=users["alice"],
                reason=COVER_REASON,
            )
    context.log(
        f"rotation {rotation.name!r}: Monday 09:00 {team.time_zone}, with leave, swaps, cover"
    )
