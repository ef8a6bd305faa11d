"""The issue's "done when", on the demo data: alice (on shift) sees today's duties on
her dashboard and ticks two; the shift page shows them; dave, without the required
access and scheduled next month, shows a warning on the schedule. Seeding twice adds
nothing."""

import datetime as dt

import time_machine
from django.core.management import call_command
from django.test import override_settings

from duties.models import AccessGrant, AccessRequirement, Duty, DutyCheck
from shifts.models import Rotation, Shift
from teams.models import Team

# Wednesday 24 March 2027, 11:00 in Zurich: alice's week in the demo rotation.
NOW = dt.datetime(2027, 3, 24, 10, 0, tzinfo=dt.UTC)


def counts():
    return [m.objects.count() for m in (Duty, DutyCheck, AccessRequirement, AccessGrant)]


@override_settings(DEBUG=True)
def test_alice_ticks_two_duties_and_dave_warns(db, client):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo")
        first = counts()
        call_command("seed_demo")
        assert counts() == first
        team = Team.objects.get(slug="wmcore")
        assert Duty.objects.filter(meeting_series__isnull=False).count() == 3
        assert Duty.objects.filter(expert_only=True).count() == 1
        shift = Shift.objects.get(team=team, start_at__lte=NOW, end_at__gt=NOW)
        assert shift.assignee.username == "alice"
        client.force_login(shift.assignee)
        page = client.get("/").content.decode()
        assert "Today&#x27;s duties" in page or "Today's duties" in page
        assert "Watch #wmcore-support" in page
        assert 'class="duty-row state-missed"' in page  # one missed on Tuesday
        for title in ("Watch #wmcore-support", "Monitoring: queue backlogs and disk space"):
            duty = Duty.objects.get(title=title)
            response = client.post(
                f"/duties/wmcore/shifts/{shift.pk}/check/",
                {"duty": duty.pk, "occurs_on": "2027-03-24", "state": "done", "note": "ok"},
            )
            assert response.status_code == 302
        shift_page = client.get(shift.get_absolute_url()).content.decode()
        assert shift_page.count("Wed 24 Mar 11:00") == 2
        rotation = Rotation.objects.get(team=team)
        schedule = client.get(f"/shifts/wmcore/rotations/{rotation.pk}/").content.decode()
    assert "Dave Developer: No required access yet: SSH key registered on the agents" in schedule
    assert "Alice Lead: No required" not in schedule
