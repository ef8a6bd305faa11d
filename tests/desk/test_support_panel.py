"""The shifter's dashboard lists the support requests still waiting in the teams they
are on shift for (one query for all of them); others do not see the panel."""

import datetime as dt

import pytest
import time_machine

from teams.models import Membership
from tests.incidents.factories import SupportRequestFactory
from tests.shifts.factories import people, rotation
from tests.teams.factories import MembershipFactory, TeamFactory

NOW = dt.datetime(2027, 1, 6, 10, tzinfo=dt.UTC)  # Wednesday: the first shift is on


def a_team_where_i_am_on_shift(user, size: int):
    team = TeamFactory()
    MembershipFactory(team=team, user=user, role=Membership.Role.MEMBER)
    rotation(team, [user, *people(team, 2, prefix=f"{team.slug}-")], now=NOW)
    for number in range(size):
        SupportRequestFactory(
            team=team,
            asked_by=f"{team.slug} asker {number}",
            asked_at=NOW - dt.timedelta(hours=number + 1),
        )
    SupportRequestFactory(
        team=team, asked_by="yesterday's asker", asked_at=NOW - dt.timedelta(days=1)
    )
    SupportRequestFactory(team=team, asked_at=NOW - dt.timedelta(hours=1), first_response_at=NOW)
    return team


@pytest.mark.parametrize("size", [1, 8])
def test_panel_for_the_shifter_in_constant_queries(
    db, user_client, size, django_assert_num_queries
):
    user = MembershipFactory(user__username="shifter").user
    with time_machine.travel(NOW, tick=False):
        for _ in range(2):
            a_team_where_i_am_on_shift(user, size)
        client = user_client(user)
        client.get("/")
        with django_assert_num_queries(21):  # 14 + waiting requests + duties + handover (5)
            page = client.get("/").content.decode()
    assert 'id="support-waiting-panel"' in page
    assert page.count("asker") == 2 * (size + 1)
    assert page.count("past the 4 h target") == 2  # yesterday's, 8 working hours ago
    assert "/incidents/" in page


def test_no_panel_when_not_on_shift(db, user_client):
    user = MembershipFactory(user__username="idle").user
    with time_machine.travel(NOW, tick=False):
        team = a_team_where_i_am_on_shift(MembershipFactory(user__username="other").user, 2)
        MembershipFactory(team=team, user=user)
        page = user_client(user).get("/").content.decode()
    assert 'id="support-waiting-panel"' not in page
