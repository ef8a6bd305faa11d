""" "Your shift starts tomorrow": due a calendar day ahead in the team's zone (DST weeks
in Zurich and Chicago), to the effective person, exactly once, with what they inherit."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils.html import format_html

from incidents.models import Incident
from incidents.services import action_items, incidents
from outbox.models import OutboundEmail
from shifts import extensions, reminders, tasks
from shifts.models import Shift
from shifts.services import shifts as shift_services
from teams.services import profile_update
from tests.incidents.factories import SupportRequestFactory
from tests.shifts.factories import people, rotation
from tests.teams.factories import TeamFactory

UTC = dt.UTC
ZURICH = ZoneInfo("Europe/Zurich")
CHICAGO = ZoneInfo("America/Chicago")


def local(tz, *args):
    return dt.datetime(*args, tzinfo=tz)


def reminder_emails():
    return list(OutboundEmail.objects.filter(key__startswith="shift-tomorrow:").order_by("pk"))


@pytest.mark.parametrize(
    ("zone_name", "sunday"),
    [
        ("Europe/Zurich", dt.date(2027, 3, 28)),  # spring forward: a 23-hour night
        ("Europe/Zurich", dt.date(2027, 10, 31)),  # fall back: a 25-hour night
        ("America/Chicago", dt.date(2027, 3, 14)),
        ("America/Chicago", dt.date(2027, 11, 7)),
    ],
)
def test_tomorrow_is_the_same_local_time_the_day_before_across_dst(db, zone_name, sunday):
    """A Sunday 09:00 handover is announced on Saturday at 09:00 local, not 24 elapsed
    hours before (which would be 08:00 or 10:00 on Saturday in a DST week)."""
    tz = ZoneInfo(zone_name)
    team = TeamFactory(slug="dst", time_zone=zone_name)
    crew = people(team, 2)
    saturday = sunday - dt.timedelta(days=1)
    plan_at = local(tz, saturday.year, saturday.month, saturday.day) - dt.timedelta(days=10)
    rotation(team, crew, now=plan_at.astimezone(UTC), start_on=plan_at.date(), handover_weekday=6)
    shift = Shift.objects.get(start_at=local(tz, sunday.year, sunday.month, sunday.day, 9))
    just_before = local(tz, saturday.year, saturday.month, saturday.day, 8, 59).astimezone(UTC)
    on_time = local(tz, saturday.year, saturday.month, saturday.day, 9).astimezone(UTC)
    assert shift.pk not in reminders.shift_reminders_due(now=just_before)
    assert shift.pk in reminders.shift_reminders_due(now=on_time)
    with time_machine.travel(on_time, tick=False):
        email = reminders.shift_reminder_send(shift_id=shift.pk)
    assert email is not None
    assert email.to == [shift.assignee.email]
    day = f"Sun {sunday:%d %b %Y} 09:00 ({zone_name})"
    assert day in email.subject
    assert day in email.text_body


NOW = dt.datetime(2027, 1, 1, 12, tzinfo=UTC)
# The first shift of the rotation: Monday 4 January 2027 09:00 Zurich.
DUE = local(ZURICH, 2027, 1, 3, 9, 30).astimezone(UTC)


@pytest.fixture
def crew(team):
    return people(team, 3)


@pytest.fixture
def first_shift(team, crew):
    rotation(team, crew, now=NOW)
    return Shift.objects.order_by("start_at").first()


def test_the_beat_task_twice_sends_one_email(first_shift, crew, django_capture_on_commit_callbacks):
    with time_machine.travel(DUE, tick=False):
        tasks.shift_reminders_fanout.apply()
        tasks.shift_reminder_send(first_shift.pk)
        tasks.shift_reminder_send(first_shift.pk)
    [email] = reminder_emails()
    assert email.key == f"shift-tomorrow:{first_shift.pk}:{crew[0].pk}"


def test_effective_person_gets_it_cover_included(team, first_shift, crew):
    """A cover over the start of the shift: the person covering is the one reminded."""
    shift_services.override_create(
        shift=first_shift, user=crew[2], start_at=first_shift.start_at,
        end_at=first_shift.start_at + dt.timedelta(days=2), created_by=crew[0],
    )  # fmt: skip
    with time_machine.travel(DUE, tick=False):
        email = reminders.shift_reminder_send(shift_id=first_shift.pk)
    assert email is not None
    assert email.to == [crew[2].email]
    assert "you cover it for" in email.text_body


def test_what_you_inherit_in_your_own_zone(team, first_shift, crew):
    dave = crew[0]
    profile_update(user=dave, time_zone="America/Chicago")
    with time_machine.travel(DUE - dt.timedelta(days=3), tick=False):
        incident = incidents.incident_open(
            team=team, title="Backlog in WorkQueueManager", kind=Incident.Kind.SYSTEM_FAILURE,
            created_by=crew[1],
        )  # fmt: skip
        action_items.action_item_create(
            team=team, title="Rotate the proxy certificate", created_by=crew[1],
            owner=crew[1], due_on=dt.date(2026, 12, 30),
        )  # fmt: skip
        SupportRequestFactory(team=team, asked_by="Rucio team", question="Why stuck?")
    with time_machine.travel(DUE, tick=False):
        email = reminders.shift_reminder_send(shift_id=first_shift.pk)
    assert email is not None
    # 09:00 in Zurich is 02:00 in Chicago: the recipient's zone, named
    assert "Mon 04 Jan 2027 02:00 (America/Chicago)" in email.text_body
    assert "Backlog in WorkQueueManager" in email.text_body
    assert "Rotate the proxy certificate" in email.text_body
    assert "Rucio team: Why stuck?" in email.text_body
    assert f"{settings.SITE_URL}{first_shift.get_absolute_url()}" in email.text_body
    assert f'href="{settings.SITE_URL}{incident.get_absolute_url()}"' in email.html_body


def test_opt_out_and_inactive_rotation(team, first_shift, crew):
    profile_update(user=crew[0], notify_shift_tomorrow=False)
    with time_machine.travel(DUE, tick=False):
        assert reminders.shift_reminder_send(shift_id=first_shift.pk) is None
    assert reminder_emails() == []


def test_not_due_too_early_and_not_after_the_start(first_shift):
    assert first_shift.pk not in reminders.shift_reminders_due(now=DUE - dt.timedelta(hours=1))
    assert first_shift.pk not in reminders.shift_reminders_due(now=first_shift.start_at)


def test_an_upper_app_adds_its_section(first_shift, crew):
    def draft_link(*, shift, user):
        return (f"Draft handover for shift {shift.pk}", format_html('<p id="draft">{}</p>', "<b>"))

    extensions.register_shift_reminder_section(draft_link)
    try:
        with time_machine.travel(DUE, tick=False):
            email = reminders.shift_reminder_send(shift_id=first_shift.pk)
    finally:
        extensions._sections.remove(draft_link)
    assert email is not None
    assert f"Draft handover for shift {first_shift.pk}" in email.text_body
    assert '<p id="draft">&lt;b&gt;</p>' in email.html_body
