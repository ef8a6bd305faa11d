import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from outbox.models import OutboundEmail
from outbox.tasks import email_send
from shifts import tasks
from shifts.models import Override, Participant, Rotation, Shift, SwapRequest, Unavailability
from shifts.services import leave, swaps
from shifts.services import shifts as shift_services
from teams.services import profile_update
from tests.shifts.factories import people, rotation

ROLES = ["anonymous", "outsider", "member", "lead"]
ZURICH = ZoneInfo("Europe/Zurich")
NOW = dt.datetime(2027, 3, 24, 12, tzinfo=dt.UTC)  # a Wednesday in the EU DST week


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def as_role(client, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}

    def login(role):
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return login


@pytest.fixture
def rot(team, member, lead):
    return rotation(team, [member, lead], now=NOW, start_on=dt.date(2027, 1, 4))


def pages(rot):
    shift = Shift.objects.get(rotation=rot, slot=12)
    return [
        "/shifts/",
        f"/shifts/ops/rotations/{rot.pk}/",
        f"/shifts/ops/rotations/{rot.pk}/fairness/",
        f"/shifts/ops/rotations/{rot.pk}/fairness.csv",
        f"/shifts/ops/shifts/{shift.pk}/",
        "/shifts/ops/swaps/",
        "/shifts/ops/unavailability/",
    ]


@pytest.mark.parametrize("index", range(7))
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [302, 404, 200, 200], strict=True)))
def test_page_matrix(as_role, rot, index, role, expected):
    url = pages(rot)[index]
    response = as_role(role).get(url)
    if url == "/shifts/" and role == "outsider":
        expected = 200  # their own (empty) list
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [302, 404, 403, 200], strict=True)))
def test_lead_page_matrix(as_role, rot, role, expected):
    assert as_role(role).get("/shifts/ops/rotations/new/").status_code == expected
    assert as_role(role).get(f"/shifts/ops/rotations/{rot.pk}/edit/").status_code == expected


def test_schedule_marks_today_shows_cover_swap_and_leave(user_client, rot, member, lead, team):
    current = Shift.objects.get(rotation=rot, start_at__lte=NOW, end_at__gt=NOW)
    assert current.assignee == lead
    shift_services.override_create(
        shift=current, user=member, start_at=NOW, end_at=current.end_at, created_by=lead, reason="x"
    )
    nxt = Shift.objects.get(rotation=rot, slot=current.slot + 1)
    later = Shift.objects.get(rotation=rot, slot=current.slot + 2)
    swap = swaps.swap_request_create(
        requester=nxt.assignee, shift=nxt, recipient=later.assignee, counter_shift=later
    )
    swaps.swap_request_accept(swap=swap, actor=later.assignee)
    leave.unavailability_create(
        team=team,
        actor=member,
        user=member,
        starts_on=dt.date(2027, 4, 20),
        ends_on=dt.date(2027, 4, 23),
    )
    html = user_client(member).get(f"/shifts/ops/rotations/{rot.pk}/").content.decode()
    assert html.count('class="today') == 1
    assert "covers" in html
    assert "swapped" in html
    assert "vacation 20 Apr" in html
    # the DST week: Monday 22 March 09:00 CET to Monday 29 March 09:00 CEST, both shown at 09:00
    assert "Mon 22 Mar 2027, 09:00" in html
    assert "Mon 29 Mar 2027, 09:00" in html
    mine = user_client(member).get(f"/shifts/ops/rotations/{rot.pk}/?mine=1").content.decode()
    assert mine.count("<tr class=") < html.count("<tr class=")


@pytest.mark.parametrize("weeks", [3, 40])
def test_schedule_and_list_pages_query_counts_are_constant(
    client, team, lead, weeks, django_assert_num_queries
):
    """History grows with `weeks`: the pages keep the same number of queries."""
    crew = people(team, 3)
    start_on = dt.date(2027, 3, 22) - dt.timedelta(weeks=weeks)
    rot = rotation(team, crew, now=NOW, start_on=start_on, horizon_weeks=10)
    shifts = list(Shift.objects.filter(rotation=rot).order_by("slot"))
    for shift in shifts[1:]:
        shift_services.override_create(
            shift=shift,
            user=lead,
            start_at=shift.start_at,
            end_at=shift.start_at + dt.timedelta(hours=4),
            created_by=lead,
        )
        Unavailability.objects.create(
            team=team, user=crew[0], starts_on=shift.start_at.date(), ends_on=shift.start_at.date()
        )
    for shift in shifts:
        if shift.start_at > NOW:
            other = next(p for p in crew if p != shift.assignee)
            swaps.swap_request_create(requester=shift.assignee, shift=shift, recipient=other)
    client.force_login(lead)
    # session, user, zone (profile), team with role, rotation, participants, shifts, overrides,
    # leave, swaps, and the warnings registry (duties: the team's required access items)
    with django_assert_num_queries(12):
        assert client.get(f"/shifts/ops/rotations/{rot.pk}/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get("/shifts/ops/swaps/").status_code == 200
    # ... and the import form's own list of people
    with django_assert_num_queries(8):
        assert client.get("/shifts/ops/unavailability/").status_code == 200
    with django_assert_num_queries(8):
        assert client.get("/shifts/").status_code == 200
    with django_assert_num_queries(10):
        assert client.get(f"/shifts/ops/rotations/{rot.pk}/fairness/?year=2027").status_code == 200


def test_fairness_page_and_csv(user_client, rot, lead, member, team):
    leave.unavailability_create(
        team=team,
        actor=lead,
        user=None,
        kind=Unavailability.Kind.PUBLIC_HOLIDAY,
        starts_on=dt.date(2027, 1, 6),
        ends_on=dt.date(2027, 1, 6),
        note="Epiphany",
    )
    html = (
        user_client(member)
        .get(f"/shifts/ops/rotations/{rot.pk}/fairness/?year=2027")
        .content.decode()
    )
    assert "<svg" in html
    assert "public-holiday hours" in html
    response = user_client(member).get(f"/shifts/ops/rotations/{rot.pk}/fairness.csv?year=2027")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    year_rows = {row["person"]: row for row in rows if row["period"] == "2027"}
    assert set(year_rows) == {"lead", "member"}
    assert year_rows["member"]["public_holiday_hours"] == "24.0"
    first_quarter = next(r for r in rows if r["person"] == "member" and r["period"] == "2027-Q1")
    assert int(first_quarter["shifts"]) == 7  # Jan 4 .. Mar 29 every other week


def test_rotation_create_and_participant_editing_pages(user_client, team, lead, member):
    client = user_client(lead)
    response = client.post(
        "/shifts/ops/rotations/new/",
        {
            "name": "Developer on shift",
            "period_days": 7,
            "handover_weekday": 0,
            "handover_time": "09:00",
            "start_on": "2027-03-29",
            "horizon_weeks": 26,
            "is_active": "on",
            "participants": [member.pk, lead.pk],
        },
    )
    rot = Rotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/shifts/ops/rotations/{rot.pk}/"
    url = f"/shifts/ops/rotations/{rot.pk}/participants/"
    client.post(url, {"action": "down", "user": member.pk})
    assert list(Participant.objects.values_list("user__username", flat=True)) == ["lead", "member"]
    client.post(url, {"action": "remove", "user": lead.pk})
    assert list(Participant.objects.values_list("user__username", flat=True)) == ["member"]
    assert set(
        Shift.objects.filter(start_at__gt=NOW).values_list("assignee__username", flat=True)
    ) == {"member"}
    response = client.post(url, {"action": "remove", "user": member.pk}, follow=True)
    assert "at least one participant" in response.content.decode()
    # bad input: form error, nothing written
    response = client.post(
        f"/shifts/ops/rotations/{rot.pk}/edit/",
        {
            "name": "Developer on shift",
            "period_days": 0,
            "handover_weekday": 0,
            "handover_time": "09:00",
            "start_on": "2027-03-29",
            "horizon_weeks": 26,
        },
    )
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.content.decode()


def test_cover_and_swap_through_the_shift_page(user_client, rot, lead, member):
    shift = Shift.objects.filter(rotation=rot, assignee=member, start_at__gt=NOW).first()
    client = user_client(member)
    url = f"/shifts/ops/shifts/{shift.pk}/"
    local_start = shift.start_at.astimezone(ZURICH)
    response = client.post(
        url,
        {
            "form": "override",
            "user": lead.pk,
            "start_at": (local_start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "end_at": (local_start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "must lie within the shift" in response.content.decode()
    assert not Override.objects.exists()
    response = client.post(
        url,
        {
            "form": "override",
            "user": lead.pk,
            "start_at": (local_start + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "end_at": (local_start + dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert Override.objects.get().start_at == shift.start_at + dt.timedelta(days=2)
    response = client.post(url, {"form": "swap", "recipient": lead.pk, "message": "please"})
    assert response.status_code == 302
    swap = SwapRequest.objects.get()
    client.force_login(lead)
    client.post(f"/shifts/ops/swaps/{swap.pk}/accept/")
    shift.refresh_from_db()
    assert shift.assignee == lead
    response = client.post(f"/shifts/ops/swaps/{swap.pk}/decline/", follow=True)
    assert "already accepted" in response.content.decode()
    history = client.get(url).content.decode()
    assert "Cover added" in history
    assert "Swapped" in history


def test_unavailability_page(user_client, rot, member, lead):
    client = user_client(member)
    response = client.post(
        "/shifts/ops/unavailability/",
        {
            "user": lead.pk,
            "kind": "public_holiday",
            "starts_on": "2027-04-01",
            "ends_on": "2027-04-01",
        },
    )
    assert response.status_code == 200  # members enter only their own leave, no holidays
    errors = response.context["form"].errors
    assert set(errors) == {"user", "kind"}
    response = client.post(
        "/shifts/ops/unavailability/",
        {
            "user": member.pk,
            "kind": "vacation",
            "starts_on": "2027-04-10",
            "ends_on": "2027-04-01",
        },
    )
    assert response.status_code == 200
    assert "The end is before the start." in response.content.decode()
    response = client.post(
        "/shifts/ops/unavailability/",
        {
            "user": member.pk,
            "kind": "vacation",
            "starts_on": "2027-04-01",
            "ends_on": "2027-04-10",
        },
    )
    assert response.status_code == 302
    period = Unavailability.objects.get()
    assert client.post(f"/shifts/ops/unavailability/{period.pk}/delete/").status_code == 302
    assert not Unavailability.objects.exists()


def test_dashboard_panel_now_next_after_in_both_zones(user_client, rot, lead, member, team):
    current = Shift.objects.get(rotation=rot, start_at__lte=NOW, end_at__gt=NOW)
    shift_services.override_create(
        shift=current,
        user=member,
        start_at=NOW + dt.timedelta(hours=6),
        end_at=NOW + dt.timedelta(days=1),
        created_by=lead,
    )
    profile_update(user=member, time_zone="America/Chicago")
    html = user_client(member).get("/").content.decode()
    panel = html[html.index('id="oncall"') :]
    assert "Now" in panel
    assert "Next" in panel
    assert "After" in panel
    assert "covering for lead" in panel
    # Monday 29 March 09:00 in Zurich is 02:00 in Chicago (both on summer time by then)
    assert "Mon 29 Mar 02:00" in panel
    assert "Mon 09:00" in panel


def test_daily_job_fans_out_and_extends_the_horizon(rot, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.rotation_generate, "delay", queued.append)
    tasks.rotations_generate_all()
    assert queued == [rot.pk]
    count = Shift.objects.count()
    with time_machine.travel(NOW + dt.timedelta(days=7), tick=False):
        tasks.rotation_generate(rot.pk)
        tasks.rotation_generate(rot.pk)
    assert Shift.objects.count() == count + 1


@override_settings(DEBUG=True)
def test_seed_demo_adds_the_rotation_idempotently(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo")
    counts = [m.objects.count() for m in (Rotation, Shift, Override, SwapRequest, Unavailability)]
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo")
    assert [
        m.objects.count() for m in (Rotation, Shift, Override, SwapRequest, Unavailability)
    ] == counts
    rot = Rotation.objects.get(team__slug="wmcore")
    assert (rot.handover_weekday, rot.handover_time, rot.team.time_zone) == (
        0,
        dt.time(9),
        "Europe/Zurich",
    )
    assert sorted(SwapRequest.objects.values_list("status", flat=True)) == ["accepted", "pending"]
    assert Override.objects.count() == 1
    assert Unavailability.objects.get().user.username == "dave"
    assert not Shift.objects.filter(
        assignee__username="dave",
        start_at__range=(
            dt.datetime.combine(Unavailability.objects.get().starts_on, dt.time(0), tzinfo=ZURICH),
            dt.datetime.combine(Unavailability.objects.get().ends_on, dt.time(0), tzinfo=ZURICH),
        ),
    ).exists()
    for email in OutboundEmail.objects.all():
        email_send(email.pk)
    assert {m.subject for m in mail.outbox} >= {"[WMCore] Shift swap accepted"}
