"""Taking a shift or a cover inside your own recorded leave is refused with a clear
message: the service, the pages (form errors, messages) and the API (400)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from shifts.models import Override, Shift, SwapRequest
from shifts.services import leave, swaps
from shifts.services import shifts as shift_services
from teams.selectors import person_name
from tests.shifts.factories import rotation

ZURICH = ZoneInfo("Europe/Zurich")
NOW = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rot(team, member, lead):
    return rotation(team, [member, lead], now=NOW)


def shift_of(rot, user, index=0):
    return Shift.objects.filter(rotation=rot, assignee=user).order_by("start_at")[index]


@pytest.fixture
def lead_on_leave(team, rot, member, lead):
    """The lead is away during the member's first shift (4-11 January)."""
    target = shift_of(rot, member)
    local_start = target.start_at.astimezone(ZURICH).date()
    leave.unavailability_create(
        team=team, actor=lead, user=lead, starts_on=local_start + dt.timedelta(days=2),
        ends_on=local_start + dt.timedelta(days=3), now=NOW, replan=False,
    )  # fmt: skip
    return target


def test_accepting_a_swap_inside_your_leave_is_refused(rot, member, lead, lead_on_leave):
    swap = swaps.swap_request_create(requester=member, shift=lead_on_leave, recipient=lead, now=NOW)
    with pytest.raises(ValidationError) as refused:
        swaps.swap_request_accept(swap=swap, actor=lead, now=NOW)
    assert "inside your recorded vacation" in refused.value.messages[0]
    lead_on_leave.refresh_from_db()
    assert lead_on_leave.assignee == member
    assert SwapRequest.objects.get().status == SwapRequest.Status.PENDING


def test_swap_accept_refused_on_the_page_and_the_api(
    user_client, api_as, rot, member, lead, lead_on_leave
):
    swap = swaps.swap_request_create(requester=member, shift=lead_on_leave, recipient=lead, now=NOW)
    page = user_client(lead).post(f"/shifts/ops/swaps/{swap.pk}/accept/", follow=True)
    assert "inside your recorded vacation" in page.content.decode()
    response = api_as(lead).post(f"/api/v1/teams/ops/swaps/{swap.pk}/accept/")
    assert response.status_code == 400
    assert "inside your recorded vacation" in str(response.json())
    assert shift_of(rot, member) == lead_on_leave


def test_a_swap_outside_the_leave_is_still_accepted(rot, member, lead, lead_on_leave):
    later = shift_of(rot, member, 1)
    swap = swaps.swap_request_create(requester=member, shift=later, recipient=lead, now=NOW)
    swaps.swap_request_accept(swap=swap, actor=lead, now=NOW)
    later.refresh_from_db()
    assert later.assignee == lead


def test_a_cover_inside_the_leave_is_refused(rot, member, lead, lead_on_leave):
    start = lead_on_leave.start_at + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        shift_services.override_create(
            shift=lead_on_leave, user=lead, start_at=start, end_at=start + dt.timedelta(days=2),
            created_by=member,
        )  # fmt: skip
    assert (
        f"inside {person_name(lead)}'s recorded vacation" in refused.value.message_dict["user"][0]
    )
    assert not Override.objects.exists()
    # before the leave it is fine
    shift_services.override_create(
        shift=lead_on_leave, user=lead, start_at=lead_on_leave.start_at, end_at=start,
        created_by=member,
    )  # fmt: skip
    assert Override.objects.count() == 1


def test_cover_refused_in_the_form_and_the_api(
    user_client, api_as, rot, member, lead, lead_on_leave
):
    local_start = lead_on_leave.start_at.astimezone(ZURICH)
    form = {
        "form": "override",
        "user": lead.pk,
        "start_at": (local_start + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "end_at": (local_start + dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "my daughter's school play",
    }
    response = user_client(member).post(f"/shifts/ops/shifts/{lead_on_leave.pk}/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "recorded vacation" in html
    assert "my daughter&#x27;s school play" in html  # what was typed is kept
    payload = {
        "shift": lead_on_leave.pk,
        "user": "lead",
        "start_at": form["start_at"],
        "end_at": form["end_at"],
    }
    response = api_as(lead).post("/api/v1/teams/ops/overrides/", payload, format="json")
    assert response.status_code == 400
    assert "inside your recorded vacation" in response.json()["user"][0]
    assert not Override.objects.exists()
