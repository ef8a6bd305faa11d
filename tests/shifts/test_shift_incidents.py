"""The shift page shows what happened on the shift: incidents detected during it and
how fast support requests were answered, measured in real (UTC) time across DST."""

import datetime as dt

import pytest
import time_machine

from incidents.models import SupportRequest
from shifts.models import Shift
from tests.incidents.factories import IncidentFactory
from tests.shifts.factories import rotation

UTC = dt.UTC


@pytest.mark.parametrize("extra_incidents", [1, 30])
def test_shift_page_lists_its_incidents_and_support_times(
    user_client, team, member, lead, extra_incidents, django_assert_num_queries
):
    # Zurich moves its clocks on Sunday 28 March 2027: the shift from Monday 22 March
    # 09:00 CET (08:00 UTC) to Monday 29 March 09:00 CEST (07:00 UTC) lasts 167 hours.
    with time_machine.travel(dt.datetime(2027, 3, 20, tzinfo=UTC), tick=False):
        rot = rotation(team, [member, lead], now=dt.datetime(2027, 3, 20, tzinfo=UTC),
                       start_on=dt.date(2027, 3, 22))  # fmt: skip
    shift = Shift.objects.get(rotation=rot, start_at=dt.datetime(2027, 3, 22, 8, 0, tzinfo=UTC))
    assert shift.end_at == dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    inside = IncidentFactory(team=team, title="Backlog in WorkQueueManager",
                             detected_at=dt.datetime(2027, 3, 29, 6, 59, tzinfo=UTC))  # fmt: skip
    for number in range(extra_incidents):
        IncidentFactory(team=team, title=f"During {number}", owner=member,
                        detected_at=dt.datetime(2027, 3, 25, 12, 0, tzinfo=UTC))  # fmt: skip
    IncidentFactory(team=team, title="Earlier one",
                    detected_at=dt.datetime(2027, 3, 22, 7, 59, tzinfo=UTC))  # fmt: skip
    # Asked Saturday 23:30 CET, answered Sunday 03:30 CEST: three hours, not four.
    SupportRequest.objects.create(
        team=team, asked_by="P&R", question="Why are workflows stuck?",
        asked_at=dt.datetime(2027, 3, 27, 22, 30, tzinfo=UTC),
        first_response_at=dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    )  # fmt: skip
    client = user_client(member)
    # 15, plus the registered panels (duties: none, one query; the handover note: one)
    # and the swap/cover forms' warnings (team members, required access items)
    with django_assert_num_queries(19):
        page = client.get(shift.get_absolute_url()).content.decode()
    assert 'id="handover-link"' in page
    assert f"#{inside.pk} Backlog in WorkQueueManager" in page
    assert page.count(" During ") == extra_incidents
    assert "Earlier one" not in page
    assert "<td>3 h 00 min</td>" in page
