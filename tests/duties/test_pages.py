"""The dashboard's "Today's duties", the shift page's duties, the schedule's warnings:
ticking without JavaScript and with htmx, nothing typed lost, constant query counts."""

import datetime as dt

import pytest
import time_machine

from duties import services
from duties.models import Duty, DutyCheck
from tests.duties.factories import MONDAY, NOW, crew, duty, weekly
from tests.meetings.factories import make_series
from tests.shifts.factories import people


@pytest.fixture
def on_shift(team, member, lead):
    with time_machine.travel(NOW, tick=False):
        rot, shift = weekly(team, [member, lead])
    support = duty(rot, instructions="See [the dashboard](https://monit.example.org/)")
    once = duty(rot, "Support the deployment cycle", Duty.Cadence.ONCE_PER_SHIFT, position=1)
    return rot, shift, support, once


def tick_url(shift):
    return f"/duties/ops/shifts/{shift.pk}/check/"


def test_the_shifter_sees_today_and_what_was_missed(user_client, on_shift, member):
    _, shift, support, _ = on_shift
    with time_machine.travel(NOW, tick=False):
        services.duty_check_record(duty=support, shift=shift, occurs_on=MONDAY, actor=member)
        page = user_client(member).get("/").content.decode()
    assert 'id="duties-panel"' in page
    # Monday ticked (hidden), Tuesday missed, Wednesday due; the once-per-shift one open.
    assert page.count('class="duty-row state-missed"') == 1
    assert page.count('class="duty-row state-due"') == 2
    assert "Tue 23 Mar" in page
    assert "Mon 22 Mar" in page
    assert 'href="https://monit.example.org/"' in page


def test_nobody_else_sees_the_panel(user_client, on_shift, lead):
    with time_machine.travel(NOW, tick=False):
        page = user_client(lead).get("/").content.decode()
    assert 'id="duties-panel"' not in page


def test_tick_without_javascript_then_see_it_on_the_shift_page(user_client, on_shift, member):
    _, shift, support, _ = on_shift
    with time_machine.travel(NOW, tick=False):
        client = user_client(member)
        response = client.post(
            tick_url(shift),
            {
                "duty": support.pk,
                "occurs_on": "2027-03-24",
                "state": "done",
                "note": "12k",
                "next": "/",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/"
        page = client.get(shift.get_absolute_url()).content.decode()
    assert 'id="shift-duties"' in page
    assert "member, Wed 24 Mar 11:00" in page
    assert "<td>12k</td>" in page


def test_tick_with_htmx_answers_the_row(user_client, on_shift, member):
    _, shift, support, _ = on_shift
    with time_machine.travel(NOW, tick=False):
        response = user_client(member).post(
            tick_url(shift),
            {"duty": support.pk, "occurs_on": "2027-03-24", "state": "skipped", "next": "/"},
            headers={"HX-Request": "true"},
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<li class="duty-row state-skipped"')
    assert "Skipped by member at Wed 11:00" in body
    check = DutyCheck.objects.get()
    with time_machine.travel(NOW, tick=False):
        undone = user_client(member).post(
            f"/duties/ops/checks/{check.pk}/undo/", headers={"HX-Request": "true"}
        )
    assert 'class="duty-row state-due"' in undone.content.decode()
    assert not DutyCheck.objects.exists()


def test_a_refused_tick_keeps_the_note(user_client, on_shift, member):
    _, shift, support, _ = on_shift
    data = {"duty": support.pk, "occurs_on": "2027-03-27", "state": "done", "note": "typed text"}
    with time_machine.travel(NOW, tick=False):
        page = user_client(member).post(tick_url(shift), data)
        fragment = user_client(member).post(tick_url(shift), data, headers={"HX-Request": "true"})
        bad_date = user_client(member).post(tick_url(shift), {**data, "occurs_on": "0001-01-01"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'value="typed text"' in html
    assert "not due on 2027-03-27" in html
    assert fragment.status_code == 400
    assert "not due" in fragment.content.decode()
    assert bad_date.status_code == 400
    assert "between 1970-01-01" in bad_date.content.decode()
    assert not DutyCheck.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("lead", 403), ("outsider", 404)])
def test_others_may_not_tick(user_client, on_shift, lead, outsider, who, status):
    _, shift, support, _ = on_shift
    user = {"lead": lead, "outsider": outsider}[who]
    with time_machine.travel(NOW, tick=False):
        response = user_client(user).post(
            tick_url(shift), {"duty": support.pk, "occurs_on": "2027-03-24", "state": "done"}
        )
    assert response.status_code == status
    assert not DutyCheck.objects.exists()


def many_duties(team, rot, shift, member, size):
    series = make_series(team, title="CompOps", now=NOW, start_time=dt.time(17))
    for number in range(size):
        duty(rot, f"Daily {number}", Duty.Cadence.DAILY, position=number + 2)
        meeting_duty = duty(rot, f"Follow {number}", Duty.Cadence.AT_MEETING, meeting_series=series)
        services.duty_check_record(
            duty=meeting_duty, shift=shift, occurs_on=MONDAY, actor=member, note=f"n{number}"
        )


@pytest.mark.parametrize("size", [1, 8])
def test_dashboard_and_shift_page_query_counts_are_constant(
    user_client, team, on_shift, member, size, django_assert_num_queries
):
    rot, shift, _, _ = on_shift
    with time_machine.travel(NOW, tick=False):
        many_duties(team, rot, shift, member, size)
        client = user_client(member)
        # The dashboard's own 14 for this person plus duties, meetings and checks, and
        # the support requests waiting for the shifter, and the handover panel (5).
        with django_assert_num_queries(23):
            page = client.get("/").content.decode()
        # Each daily duty: Monday and Tuesday missed, Wednesday due (the ticked meeting
        # duties of Monday are on the shift page); the base duty likewise, and the open
        # once-per-shift one.
        assert page.count('class="duty-row') == 3 * size + 4
        # The shift page's own queries plus duties, meetings and checks, and the swap and
        # cover forms' warnings (members, required items: none, so no grants query), and
        # the handover note's link.
        with django_assert_num_queries(17):
            page = client.get(shift.get_absolute_url()).content.decode()
        assert page.count("<td>n") == size


@pytest.mark.parametrize("size", [2, 12])
def test_the_schedule_warns_about_missing_access_in_constant_queries(
    user_client, team, lead, size, django_assert_num_queries
):
    crew_members = people(team, size)
    for person in crew_members:  # names that cannot collide
        person.first_name = person.username
        person.save()
    with time_machine.travel(NOW, tick=False):
        rot, _ = weekly(team, crew_members)
    ssh = services.access_requirement_create(team=team, title="SSH key registered")
    services.access_requirement_create(team=team, title="Channels joined", required=False)
    for person in crew_members[1:]:
        services.access_grant_tick(requirement=ssh, user=person)
    with time_machine.travel(NOW, tick=False):
        client = user_client(lead)
        # 11 (see tests/shifts) + required items + grants
        with django_assert_num_queries(13):
            page = client.get(f"/shifts/ops/rotations/{rot.pk}/").content.decode()
    lacking = crew_members[0].get_full_name()
    warning = f"{lacking}: No required access yet: SSH key registered."
    assert warning in page
    # Every coming shift of the person without the key warns; nobody else's does.
    assert page.count('class="shift-warning"') == page.count(f"<strong>{lacking}</strong>") > 0


def test_the_swap_and_cover_forms_warn(user_client, team, member, lead):
    expert, other = crew(team)
    with time_machine.travel(NOW, tick=False):
        _, shift = weekly(team, [member, lead], start_on=MONDAY + dt.timedelta(weeks=1))
    ssh = services.access_requirement_create(team=team, title="SSH key registered")
    for person in (member, lead, expert):
        services.access_grant_tick(requirement=ssh, user=person)
    with time_machine.travel(NOW, tick=False):
        page = user_client(member).get(shift.get_absolute_url()).content.decode()
    assert 'id="shift-warnings"' in page
    assert "other: No required access yet: SSH key registered." in page.replace(
        other.get_full_name(), "other"
    )
    assert page.count('class="shift-warning"') == 1


def test_the_access_checklist_page(user_client, team, member, lead, outsider):
    cern = services.access_requirement_create(
        team=team, title="CERN account", instructions="Ask **IT**."
    )
    client = user_client(member)
    page = client.get("/duties/ops/access/").content.decode()
    assert "<strong>IT</strong>" in page
    assert "I have it" in page
    assert client.post("/duties/ops/access/", {"requirement": cern.pk}).status_code == 302
    grant = cern.grants.get()
    assert grant.user == member
    assert (
        client.post("/duties/ops/access/", {"action": "confirm", "grant": grant.pk}).status_code
        == 403
    )
    lead_page = user_client(lead).get("/duties/ops/access/").content.decode()
    assert 'id="access-grants"' in lead_page
    user_client(lead).post("/duties/ops/access/", {"action": "confirm", "grant": grant.pk})
    grant.refresh_from_db()
    assert grant.confirmed_by == lead
    assert user_client(outsider).get("/duties/ops/access/").status_code == 404
    user_client(member).post("/duties/ops/access/", {"requirement": cern.pk, "action": "untick"})
    assert not cern.grants.exists()
