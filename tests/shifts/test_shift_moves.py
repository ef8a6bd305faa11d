""" "Your shift moved": a re-plan emails each person whose future shifts changed, once,
listing before → after in their zone; extending the horizon emails nobody."""

import datetime as dt

import pytest

from outbox.models import OutboundEmail
from shifts.models import Rotation, Unavailability
from shifts.services import leave, rotations
from shifts.services.leave import ImportedDays
from teams.services import profile_update
from tests.shifts.factories import people, rotation

UTC = dt.UTC
NOW = dt.datetime(2027, 1, 1, 12, tzinfo=UTC)


def assignments(rota):
    """Who has which future shift of the rotation (start, person)."""
    return set(rota.shifts.filter(start_at__gt=NOW).values_list("start_at", "assignee__email"))


def changed_people(before, after):
    return {email for _, email in before ^ after}


def moved_emails():
    return list(OutboundEmail.objects.filter(key__startswith="shift-moved:").order_by("key"))


@pytest.fixture
def crew(team):
    return people(team, 3)


@pytest.fixture
def rota(team, crew):
    return rotation(team, crew, now=NOW, horizon_weeks=6)


def test_new_leave_emails_each_person_whose_shifts_changed_once(team, crew, rota, lead):
    # p0 has the week of 25 January; leave then moves p0 off it, and whoever takes it.
    before = assignments(rota)
    period = leave.unavailability_create(
        team=team, actor=crew[0], user=crew[0], starts_on=dt.date(2027, 1, 25),
        ends_on=dt.date(2027, 1, 29), now=NOW,
    )  # fmt: skip
    changed = changed_people(before, assignments(rota))
    emails = moved_emails()
    assert crew[0].email in changed
    assert sorted(e.to[0] for e in emails) == sorted(changed)  # one email each
    assert all(e.key.startswith(f"shift-moved:leave-added:{period.pk}:") for e in emails)
    mine = next(e for e in emails if e.to == [crew[0].email])
    before = mine.text_body.split("Before:")[1].split("After:")[0]
    assert "Mon 25 Jan 2027 09:00 (Europe/Zurich)" in before
    assert "Mon 25 Jan 2027" not in mine.text_body.split("After:")[1]
    assert "<th>Before</th><th>After</th>" in mine.html_body


def test_opt_out_and_the_recipients_zone(team, crew, rota):
    before = assignments(rota)
    profile_update(user=crew[0], notify_shift_moved=False)
    profile_update(user=crew[1], time_zone="America/Chicago")
    leave.unavailability_create(
        team=team, actor=crew[0], user=crew[0], starts_on=dt.date(2027, 1, 25),
        ends_on=dt.date(2027, 1, 29), now=NOW,
    )  # fmt: skip
    assert {crew[0].email, crew[1].email} <= changed_people(before, assignments(rota))
    emails = moved_emails()
    assert crew[0].email not in {e.to[0] for e in emails}  # opted out
    chicago = next(e for e in emails if e.to == [crew[1].email])
    assert "(America/Chicago)" in chicago.text_body
    assert "02:00 (America/Chicago)" in chicago.text_body


def test_leave_outside_any_shift_change_emails_nobody(team, crew, rota):
    # p1's leave on a day p1 is not on shift: the plan stays as it is.
    leave.unavailability_create(
        team=team, actor=crew[1], user=crew[1], starts_on=dt.date(2027, 1, 5),
        ends_on=dt.date(2027, 1, 6), now=NOW,
    )  # fmt: skip
    assert moved_emails() == []


def test_horizon_extension_and_new_rotation_email_nobody(team, crew, rota):
    rotations.rotation_generate(rotation=rota, now=NOW + dt.timedelta(days=14))
    rotation(team, crew, now=NOW, name="Second")
    assert moved_emails() == []


def test_rotation_change_and_removing_leave(team, crew, rota):
    rotations.rotation_update(rotation=rota, now=NOW, handover_time=dt.time(10))
    changed = moved_emails()
    assert len(changed) == 3  # everyone's shifts start an hour later
    assert all(":rotation-changed:" in e.key or "rotation-changed" in e.key for e in changed)
    assert "10:00" in changed[0].text_body.split("After:")[1]
    OutboundEmail.objects.all().delete()
    period = leave.unavailability_create(
        team=team, actor=crew[0], user=crew[0], starts_on=dt.date(2027, 1, 25),
        ends_on=dt.date(2027, 1, 29), now=NOW,
    )  # fmt: skip
    OutboundEmail.objects.all().delete()
    leave.unavailability_delete(
        period=Unavailability.objects.get(pk=period.pk), actor=crew[0], now=NOW
    )
    assert {e.key.split(":")[1] for e in moved_emails()} == {"leave-removed"}


def test_participants_change(team, crew, rota):
    rotations.rotation_set_participants(rotation=rota, participants=crew[:2], now=NOW)
    gone = next(e for e in moved_emails() if e.to == [crew[2].email])
    assert "no longer yours" in gone.text_body


def test_ics_import_is_one_event_with_one_email_per_person(team, crew, rota):
    periods = [
        ImportedDays(starts_on=dt.date(2027, 1, 25), ends_on=dt.date(2027, 1, 26), summary="A"),
        ImportedDays(starts_on=dt.date(2027, 2, 15), ends_on=dt.date(2027, 2, 16), summary="B"),
    ]
    leave.unavailability_import(
        team=team, actor=crew[0], user=crew[0], kind=Unavailability.Kind.VACATION,
        periods=periods, now=NOW,
    )  # fmt: skip
    emails = moved_emails()
    assert len({e.key.rsplit(":", 1)[0] for e in emails}) == 1
    assert len(emails) == len({e.to[0] for e in emails}) >= 2
    assert crew[0].email in {e.to[0] for e in emails}
    assert Rotation.objects.count() == 1
