"""Every write the feeds depend on (a swap, a cover, a leave re-plan, a membership
change) changes the feeds' ETag and bytes on the next request, and the bytes then
served from the cache are those of a fresh build."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from shifts.models import Shift
from shifts.services import leave, swaps
from shifts.services import shifts as shift_services
from teams import services as team_services
from teams.models import Membership
from teams.tokens import feed_token_value
from tests.shifts.factories import people, rotation

NOW = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
FUTURE = dt.datetime(2027, 3, 22, 8, tzinfo=dt.UTC)  # a Monday handover, three weeks on


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.SITE_URL = "https://shiftdesk.example.org"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def crew(team):
    crew = people(team, 3)
    rotation(team, crew, now=NOW, horizon_weeks=12)
    return crew


def _urls(user) -> list[str]:
    token = feed_token_value(team_services.feed_token_get_or_create(user=user).salt)
    return [
        reverse("shifts:feed", kwargs={"token": token, "slug": "ops"}),
        reverse("shifts:feed-me", kwargs={"token": token}),
    ]


def _future_shift() -> Shift:
    return Shift.objects.get(start_at=FUTURE)


def _swap(*, crew, lead):
    shift = _future_shift()
    taker = next(person for person in crew if person != shift.assignee)
    swap = swaps.swap_request_create(requester=shift.assignee, shift=shift, recipient=taker)
    swaps.swap_request_accept(swap=swap, actor=taker)


def _cover(*, crew, lead):
    shift = _future_shift()
    shift_services.override_create(
        shift=shift,
        user=next(person for person in crew if person != shift.assignee),
        start_at=FUTURE + dt.timedelta(days=2),
        end_at=FUTURE + dt.timedelta(days=3),
        created_by=lead,
        reason="dentist",
    )


def _leave(*, crew, lead):
    shift = _future_shift()
    leave.unavailability_create(
        team=shift.team,
        actor=shift.assignee,
        user=shift.assignee,
        starts_on=dt.date(2027, 3, 23),
        ends_on=dt.date(2027, 3, 24),
        now=NOW,
    )


def _membership(*, crew, lead):
    team_services.membership_update(
        membership=Membership.objects.get(user=crew[0], team__slug="ops"), is_active=False
    )


@pytest.mark.parametrize(
    ("write", "feeds"),
    [
        (_swap, ("team", "personal")),
        (_cover, ("team", "personal")),
        (_leave, ("team", "personal")),
        # Leaving a team changes no shift: the team's shifts leave the personal feed.
        (_membership, ("personal",)),
    ],
)
def test_a_write_changes_the_feeds_at_once(client, crew, lead, write, feeds):
    # crew[0] holds the shift after the handover three weeks on; the team feed is asked
    # for with crew[1]'s token, since crew[0] may leave the team.
    Shift.objects.filter(start_at=FUTURE).update(assignee=crew[0])
    urls = [{"team": _urls(crew[1])[0], "personal": _urls(crew[0])[1]}[feed] for feed in feeds]
    before = [client.get(url) for url in urls]
    assert [client.get(url).content for url in urls] == [r.content for r in before]  # cached

    write(crew=crew, lead=lead)
    if write is _membership:
        assert client.get(_urls(crew[0])[0]).status_code == 404  # the team feed, for them

    after = [client.get(url) for url in urls]
    for old, new in zip(before, after, strict=True):
        assert new.status_code == 200
        assert new["ETag"] != old["ETag"]
        assert new.content != old.content
    cache.clear()
    assert [client.get(url).content for url in urls] == [r.content for r in after]
