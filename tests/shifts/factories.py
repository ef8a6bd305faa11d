import datetime as dt

from shifts.services import rotations
from teams.models import Membership
from tests.teams.factories import MembershipFactory


def people(team, count, prefix="p"):
    return [
        MembershipFactory(
            team=team, user__username=f"{prefix}{n}", role=Membership.Role.MEMBER
        ).user
        for n in range(count)
    ]


def rotation(team, participants, *, now, start_on=dt.date(2027, 1, 4), **fields):
    """A weekly Monday 09:00 rotation, planned as of `now`."""
    return rotations.rotation_create(
        team=team, participants=participants, start_on=start_on, now=now, **fields
    )
