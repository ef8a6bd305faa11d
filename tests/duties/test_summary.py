"""The handover's duties section: done, skipped, noted, missed in a period, in a fixed
number of queries; a day belongs to the period by its team-zone noon (DST-safe)."""

import datetime as dt

import pytest
import time_machine

from duties import services
from duties.models import Duty
from duties.selectors import DutiesSummary, duties_summary_for_period
from tests.duties.factories import MONDAY, NOW, UTC, duty, weekly


@pytest.mark.parametrize("weeks", [1, 7])
def test_summary_of_a_shift(team, member, lead, weeks, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        rot, first = weekly(team, [member, lead], start_on=MONDAY - dt.timedelta(weeks=weeks - 1))
        shift = rot.shifts.get(start_at__lte=NOW, end_at__gt=NOW)
    support = duty(rot)
    duty(rot, "Disk space", Duty.Cadence.DAILY, expert_only=True)
    with time_machine.travel(NOW, tick=False):
        services.duty_check_record(duty=support, shift=shift, occurs_on=MONDAY, actor=member)
        services.duty_check_record(
            duty=support, shift=shift, occurs_on=MONDAY + dt.timedelta(days=1), actor=member,
            state="skipped", note="Slack down",
        )  # fmt: skip
    later = dt.datetime(2027, 3, 30, 12, tzinfo=UTC)  # the shift is over: the rest is missed
    # shifts, duties, checks (no meeting duty here, so no meetings query)
    with django_assert_num_queries(3):
        summary = duties_summary_for_period(
            team=team, start_at=first.start_at, end_at=shift.end_at, now=later
        )
    assert isinstance(summary, DutiesSummary)
    assert [(e.duty, e.occurs_on, e.who) for e in summary.done] == [
        ("Watch #wmcore-support", MONDAY, member.get_full_name() or "member")
    ]
    assert [(e.occurs_on, e.note) for e in summary.skipped] == [
        (dt.date(2027, 3, 23), "Slack down")
    ]
    assert summary.noted == summary.skipped
    # Support Wednesday to Friday, disk space every day of the DST week (Sunday 28
    # included), and both every day of the weeks before.
    assert len(summary.missed) == 3 + 7 + (5 + 7) * (weeks - 1)
    assert dt.date(2027, 3, 28) in {e.occurs_on for e in summary.missed if e.expert_only}
    shifters = [member, lead] if weeks > 1 else [member]
    assert {e.shifter for e in summary.missed} == {p.get_full_name() for p in shifters}


def test_a_period_cuts_by_team_noon(team, member, lead):
    with time_machine.travel(NOW, tick=False):
        rot, _shift = weekly(team, [member, lead])
    duty(rot, "Every day", Duty.Cadence.DAILY)
    # Saturday 27 00:00 to Monday 29 00:00 Zurich (the DST Sunday is 23 hours long).
    start = dt.datetime(2027, 3, 26, 23, tzinfo=UTC)
    end = dt.datetime(2027, 3, 28, 22, tzinfo=UTC)
    summary = duties_summary_for_period(team=team, start_at=start, end_at=end, now=end)
    assert [e.occurs_on for e in summary.missed] == [dt.date(2027, 3, 27), dt.date(2027, 3, 28)]
