"""Two people accept the same swap at the same moment: exactly one wins.

Runs on whatever DATABASE_URL says (CI runs SQLite and PostgreSQL): PostgreSQL locks
the request row (select_for_update), SQLite's IMMEDIATE transactions serialize writers.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shifts.models import Shift, ShiftEvent, SwapRequest
from shifts.services import swaps
from teams.models import Membership
from tests.shifts.factories import people, rotation
from tests.teams.factories import MembershipFactory

NOW = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_cannot_both_win(team):
    crew = people(team, 3)
    lead = MembershipFactory(team=team, role=Membership.Role.LEAD).user
    rot = rotation(team, crew, now=NOW, horizon_weeks=6)
    mine, theirs = (Shift.objects.get(rotation=rot, slot=s) for s in (1, 2))
    swap = swaps.swap_request_create(
        requester=crew[1], shift=mine, recipient=crew[2], counter_shift=theirs, now=NOW
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(actor):
        try:
            start.wait(timeout=10)
            swaps.swap_request_accept(swap=swap, actor=actor, now=NOW)
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(actor,)) for actor in (crew[2], lead)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This swap request was already accepted.", "accepted"]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.assignee, theirs.assignee) == (crew[2], crew[1])  # swapped once, not back
    assert ShiftEvent.objects.filter(kind=ShiftEvent.Kind.SWAPPED).count() == 2
    assert SwapRequest.objects.get().status == SwapRequest.Status.ACCEPTED
