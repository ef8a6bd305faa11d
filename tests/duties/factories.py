import datetime as dt

from duties import services
from duties.models import Duty
from shifts.models import Shift
from teams.models import Membership
from tests.shifts.factories import rotation
from tests.teams.factories import MembershipFactory

UTC = dt.UTC
# Wednesday 24 March 2027, 11:00 in Zurich: the shift from Monday 22 March 09:00 CET to
# Monday 29 March 09:00 CEST (the clocks go forward on Sunday 28 March) is on.
NOW = dt.datetime(2027, 3, 24, 10, 0, tzinfo=UTC)
MONDAY = dt.date(2027, 3, 22)


def crew(team):
    """expert and a second member beside the `member` and `lead` fixtures' people."""
    expert = MembershipFactory(team=team, role=Membership.Role.EXPERT, user__username="expert").user
    other = MembershipFactory(team=team, role=Membership.Role.MEMBER, user__username="other").user
    return expert, other


def weekly(team, people, *, now=NOW, start_on=MONDAY):
    rot = rotation(team, people, now=now, start_on=start_on)
    return rot, Shift.objects.filter(rotation=rot).order_by("slot").first()


def duty(rot, title="Watch #wmcore-support", cadence=Duty.Cadence.DAILY_WORKING_DAYS, **fields):
    return services.duty_create(rotation=rot, title=title, cadence=cadence, **fields)
