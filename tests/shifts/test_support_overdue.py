"""One reminder to the person on shift (covers included) when a support request passes
the team's target without an answer; exactly once, opt-out respected."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from outbox.models import OutboundEmail
from shifts import support_reminders, tasks
from shifts.models import Shift
from shifts.services import shifts as shift_services
from teams.services import profile_update
from tests.incidents.factories import SupportRequestFactory
from tests.shifts.factories import people, rotation

ZURICH = ZoneInfo("Europe/Zurich")
PLANNED = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
# Wednesday 6 January 2027 in Zurich: the first shift (4-11 January) is on.
ASKED = dt.datetime(2027, 1, 6, 9, 30, tzinfo=ZURICH)


@pytest.fixture
def crew(team):
    crew = people(team, 2)
    rotation(team, crew, now=PLANNED)
    return crew


def reminders():
    return list(OutboundEmail.objects.filter(key__startswith="support-overdue:"))


def run_beat(at):
    with time_machine.travel(at, tick=False):
        for request_id in support_reminders.support_overdue_candidates(now=at):
            tasks.support_overdue_send(request_id)


def test_one_reminder_once_the_target_passes(team, crew):
    request = SupportRequestFactory(team=team, asked_at=ASKED, asked_by="DM team")
    run_beat(ASKED + dt.timedelta(hours=3, minutes=59))  # 3 h 59 of 4 working hours
    assert reminders() == []
    run_beat(ASKED + dt.timedelta(hours=4))
    run_beat(ASKED + dt.timedelta(hours=5))  # the beat again: nothing new
    [email] = reminders()
    assert email.key == f"support-overdue:{request.pk}"
    assert email.to == [crew[0].email]
    assert "DM team" in email.text_body
    assert f"/incidents/ops/support/{request.pk}/" in email.html_body
    # reminded requests are no longer candidates for the beat
    assert support_reminders.support_overdue_candidates(now=ASKED + dt.timedelta(hours=6)) == []


def test_working_hours_decide_not_the_clock(team, crew):
    """Asked Friday 16:00: 4 working hours are over on Monday at 12:00, not Friday 20:00."""
    friday = dt.datetime(2027, 1, 8, 16, tzinfo=ZURICH)
    SupportRequestFactory(team=team, asked_at=friday)
    run_beat(friday + dt.timedelta(hours=20))
    assert reminders() == []
    run_beat(dt.datetime(2027, 1, 11, 12, 0, tzinfo=ZURICH))
    [email] = reminders()
    # Monday 11 January 09:00 is the next handover: the second person is on shift
    assert email.to == [crew[1].email]


def test_the_person_covering_is_reminded(team, crew):
    shift = Shift.objects.order_by("start_at").first()
    shift_services.override_create(
        shift=shift, user=crew[1], start_at=ASKED - dt.timedelta(hours=1),
        end_at=ASKED + dt.timedelta(days=1), created_by=crew[0],
    )  # fmt: skip
    SupportRequestFactory(team=team, asked_at=ASKED)
    run_beat(ASKED + dt.timedelta(hours=4))
    [email] = reminders()
    assert email.to == [crew[1].email]


def test_answered_or_opted_out_gets_nothing(team, crew):
    SupportRequestFactory(
        team=team, asked_at=ASKED, first_response_at=ASKED + dt.timedelta(hours=5)
    )
    profile_update(user=crew[0], notify_support_overdue=False)
    SupportRequestFactory(team=team, asked_at=ASKED)
    run_beat(ASKED + dt.timedelta(hours=5))
    assert reminders() == []


def test_the_team_target_counts(team, crew):
    team.support_target_hours = 1
    team.save()
    SupportRequestFactory(team=team, asked_at=ASKED)
    run_beat(ASKED + dt.timedelta(hours=1))
    assert len(reminders()) == 1


def test_fanout_task_queues_one_task_per_candidate(team, crew, monkeypatch):
    first = SupportRequestFactory(team=team, asked_at=ASKED)
    second = SupportRequestFactory(team=team, asked_at=ASKED + dt.timedelta(minutes=5))
    queued = []
    monkeypatch.setattr(tasks.support_overdue_send, "delay", queued.append)
    with time_machine.travel(ASKED + dt.timedelta(hours=2), tick=False):
        tasks.support_overdue_fanout()
    assert queued == [first.pk, second.pk]
