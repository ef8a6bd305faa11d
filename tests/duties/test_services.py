"""Ticking duties: only the shifter on duty, an expert for an expert-only duty, on a day
the duty really falls on and that has come; the checklist and its warnings."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from duties import selectors, services
from duties.models import Duty, DutyCheck
from shifts.services import shifts as shift_services
from tests.duties.factories import MONDAY, NOW, UTC, crew, duty, weekly
from tests.meetings.factories import make_series


@pytest.fixture
def on_shift(team, member, lead):
    """`member` is on shift this week (Monday 22 March 2027 in Zurich, DST on Sunday)."""
    with time_machine.travel(NOW, tick=False):
        yield weekly(team, [member, lead])


def test_the_shifter_ticks_and_ticks_again(on_shift, member):
    rot, shift = on_shift
    support = duty(rot)
    with time_machine.travel(NOW, tick=False):
        check = services.duty_check_record(
            duty=support, shift=shift, occurs_on=MONDAY, actor=member, note="  quiet  "
        )
        again = services.duty_check_record(
            duty=support, shift=shift, occurs_on=MONDAY, actor=member, state="skipped"
        )
    assert again.pk == check.pk
    assert (again.state, again.note, again.done_by, again.done_at) == ("skipped", "", member, NOW)
    assert DutyCheck.objects.count() == 1


def test_a_cover_ticks_too_but_nobody_else(on_shift, team, member, lead):
    rot, shift = on_shift
    _, other = crew(team)
    support = duty(rot)
    with time_machine.travel(NOW, tick=False):
        for stranger in (lead, other):
            with pytest.raises(PermissionDenied):
                services.duty_check_record(
                    duty=support, shift=shift, occurs_on=MONDAY, actor=stranger
                )
        shift_services.override_create(
            shift=shift,
            user=other,
            start_at=dt.datetime(2027, 3, 24, 12, tzinfo=UTC),
            end_at=dt.datetime(2027, 3, 25, 12, tzinfo=UTC),
            created_by=lead,
        )
        services.duty_check_record(duty=support, shift=shift, occurs_on=MONDAY, actor=other)


def test_an_expert_only_duty_needs_an_expert(team, lead):
    expert, newcomer = crew(team)
    with time_machine.travel(NOW, tick=False):
        rot, shift = weekly(team, [newcomer, expert])
        validation = duty(
            rot, "Validate the release", Duty.Cadence.ONCE_PER_SHIFT, expert_only=True
        )
        with pytest.raises(PermissionDenied, match="expert"):
            services.duty_check_record(
                duty=validation, shift=shift, occurs_on=MONDAY, actor=newcomer
            )
        shift_services.override_create(
            shift=shift,
            user=expert,
            start_at=dt.datetime(2027, 3, 24, 12, tzinfo=UTC),
            end_at=dt.datetime(2027, 3, 24, 18, tzinfo=UTC),
            created_by=lead,
        )
        check = services.duty_check_record(
            duty=validation, shift=shift, occurs_on=MONDAY, actor=expert
        )
    assert check.done_by == expert


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2027, 3, 27), "not due on 2027-03-27"),  # a Saturday: working days only
        (dt.date(2027, 3, 29), "not due"),  # the next shift's Monday
        (dt.date(2027, 3, 25), "has not come yet"),
    ],
)
def test_a_day_the_duty_does_not_fall_on_is_refused(on_shift, member, day, message):
    rot, shift = on_shift
    support = duty(rot)
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError, match=message):
        services.duty_check_record(duty=support, shift=shift, occurs_on=day, actor=member)
    assert not DutyCheck.objects.exists()


def test_bad_duties_are_refused(on_shift, team, member, outsider):
    rot, _shift = on_shift
    with pytest.raises(ValidationError, match="meeting series"):
        duty(rot, "Follow CompOps", Duty.Cadence.AT_MEETING)
    with pytest.raises(ValidationError, match="Only a duty"):
        duty(rot, "Watch", meeting_series=make_series(team))
    elsewhere = make_series(outsider.memberships.get().team, title="Their meeting")
    with pytest.raises(ValidationError, match="Not a meeting series of this team"):
        duty(rot, "Follow theirs", Duty.Cadence.AT_MEETING, meeting_series=elsewhere)
    with pytest.raises(ValidationError):
        duty(rot, "x" * 201)
    with pytest.raises(ValidationError, match="Unknown duty fields"):
        duty(rot, "Watch", colour="red")
    assert not Duty.objects.exists()


def test_a_meeting_duty_falls_on_the_meetings(on_shift, team, member):
    rot, shift = on_shift
    with time_machine.travel(NOW, tick=False):
        series = make_series(team, title="CompOps", now=NOW, start_time=dt.time(17))
        follow = duty(rot, "Follow CompOps", Duty.Cadence.AT_MEETING, meeting_series=series)
        services.duty_check_record(duty=follow, shift=shift, occurs_on=MONDAY, actor=member)
        with pytest.raises(ValidationError, match="not due"):
            services.duty_check_record(
                duty=follow, shift=shift, occurs_on=dt.date(2027, 3, 23), actor=member
            )
        rows = selectors.duty_rows(spans=[selectors.span_of(shift, team)], now=NOW)
    assert [(r.on, r.occurrence.at, r.state) for r in rows] == [
        (MONDAY, dt.datetime(2027, 3, 22, 16, tzinfo=UTC), "done")
    ]


def test_missing_required_access(team, member, lead):
    cern = services.access_requirement_create(team=team, title="CERN account")
    ssh = services.access_requirement_create(team=team, title="SSH key", position=1)
    services.access_requirement_create(team=team, title="Channels", required=False)
    with pytest.raises(ValidationError, match="already has an item"):
        services.access_requirement_create(team=team, title="SSH key")
    services.access_grant_tick(requirement=cern, user=member)
    grant = services.access_grant_tick(requirement=ssh, user=lead)
    services.access_grant_tick(requirement=cern, user=lead)
    services.access_grant_confirm(grant=grant, lead=lead)
    assert selectors.missing_required_access(team=team, user_ids=[member.pk, lead.pk]) == {
        member.pk: ["SSH key"]
    }
    assert selectors.missing_access_warnings(team, [member.pk]) == {
        member.pk: ["No required access yet: SSH key."]
    }
