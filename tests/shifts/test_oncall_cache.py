"""Who is on shift now comes from the shared cache until it can change: every write to
shifts, covers, rotations, leave and memberships makes the next question a fresh one."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from shifts.models import Override, Shift
from shifts.services import leave, rotations, swaps
from shifts.services import shifts as shift_services
from teams import services as team_services
from teams.access import team_access_cached
from teams.cache_versions import team_cache_copies, team_cache_key
from teams.models import Membership, Team
from tests.processes import database_url_of_test_db
from tests.shifts.factories import rotation
from tests.teams.factories import MembershipFactory, UserFactory

# Wednesday 13 January 2027: lead's turn (Monday 11 08:00 UTC to Monday 18 08:00 UTC).
NOW = dt.datetime(2027, 1, 13, 12, tzinfo=dt.UTC)
URL = "/api/v1/teams/ops/oncall/"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def rot(team, member, lead):
    return rotation(team, [member, lead], now=NOW)


@pytest.fixture
def ask(api_as, member):
    client = api_as(member)

    def get() -> dict:
        response = client.get(URL)
        assert response.status_code == 200, response.content
        return response.json()

    return get


def current(rot) -> Shift:
    return Shift.objects.get(rotation=rot, slot=1)


def test_a_repeated_question_costs_no_query(ask, rot, lead, django_assert_num_queries):
    with django_assert_num_queries(2):  # the team with the caller's role, the shift
        first = ask()
    # The process knows the team's id now: the caller's access is cached on this one.
    with django_assert_num_queries(1):
        again = ask()
    with django_assert_num_queries(0):
        cached = ask()
    assert first == again
    assert cached == again
    assert cached["person"]["username"] == "lead"
    assert cached["end_at"] == "2027-01-18T08:00:00Z"
    assert cached["at"] == "2027-01-13T12:00:00Z"


def test_with_a_token_a_hit_costs_the_token_only(
    api_client, rot, member, django_assert_num_queries
):
    token = Token.objects.create(user=member)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    api_client.get(URL)
    api_client.get(URL)
    with django_assert_num_queries(1):  # the token with its user
        body = api_client.get(URL).json()
    assert body["person"]["username"] == "lead"
    api_client.get(URL)
    answer_key = team_cache_key(team_id=rot.team_id, name="oncall:")
    cache.delete(answer_key)  # from the shared cache and this process's copies
    team_cache_copies.pop(answer_key)
    with django_assert_num_queries(2):  # a miss: the token and the shift
        assert api_client.get(URL).json() == body


def test_with_a_token_a_hit_is_the_token_checks_cache_round_trip_only(
    api_client, rot, member, monkeypatch
):
    """The caller's access and the answer are read with the client's failed-token
    history, in one `get_many` (`teams.read_ahead`)."""
    token = Token.objects.create(user=member)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    api_client.get(URL)
    expected = api_client.get(URL).json()
    calls: list[str] = []
    depth = [0]  # calls within a call (the test cache's get_many calls get) are not trips
    for name in ("get", "get_many", "set", "add", "delete"):
        original = getattr(cache, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if not depth[0]:
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(cache, name, counted)
    assert api_client.get(URL).json() == expected
    assert calls == ["get_many"]
    api_client.credentials(HTTP_AUTHORIZATION="Token wrong")
    calls.clear()
    assert api_client.get(URL).status_code == 401
    assert calls == ["get_many", "set"]  # the failure history read, then the failure added


def _removed(*, team, member, **_):
    team_services.membership_update(
        membership=Membership.objects.get(team=team, user=member), is_active=False
    )


def _removed_in_the_admin(*, team, member, **_):
    Membership.objects.get(team=team, user=member).delete()


def _team_deleted(*, team, **_):
    team.delete()


@pytest.mark.parametrize("change", [_removed, _removed_in_the_admin, _team_deleted])
def test_losing_access_is_a_404_at_once_even_with_a_cached_answer(
    api_as, team, rot, member, change, django_capture_on_commit_callbacks
):
    client = api_as(member)
    for _ in range(3):
        assert client.get(URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        change(team=team, member=member)
    response = client.get(URL)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such team."}


def test_a_role_change_takes_effect_at_once(
    api_as, team, rot, member, lead, django_capture_on_commit_callbacks
):
    other = Team.objects.create(slug="other", name="Other")
    Membership.objects.create(team=other, user=member, role=Membership.Role.LEAD)
    Membership.objects.create(team=other, user=lead, role=Membership.Role.LEAD)
    rotation(other, [member], now=NOW)
    client = api_as(member)
    for _ in range(3):
        assert client.get("/api/v1/teams/other/oncall/").status_code == 200
    read = team_access_cached(user=member, slug="other")
    assert read.access.is_lead
    with django_capture_on_commit_callbacks(execute=True):
        team_services.membership_update(
            membership=Membership.objects.get(team=other, user=member), role=Membership.Role.MEMBER
        )
    again = team_access_cached(user=member, slug="other")
    assert again.access.role == Membership.Role.MEMBER
    assert not again.access.is_lead


def test_a_renamed_slug_and_a_new_team_under_the_old_one_answer_for_themselves(
    api_as, team, rot, member, lead, django_capture_on_commit_callbacks
):
    client = api_as(member)
    for _ in range(3):
        assert client.get(URL).json()["team"] == "ops"
    with django_capture_on_commit_callbacks(execute=True):
        team_services.team_update(team=team, slug="ops-old")
        newcomer = Team.objects.create(slug="ops", name="New ops")
        Membership.objects.create(team=newcomer, user=member)
    body = client.get(URL).json()
    assert (body["team"], body["person"]) == ("ops", None)
    assert client.get("/api/v1/teams/ops-old/oncall/").json()["person"]["username"] == "lead"


def test_a_team_made_private_is_a_404_at_once_for_a_stranger(
    api_as, team, rot, outsider, django_capture_on_commit_callbacks
):
    team_services.team_update(team=team, visibility=Team.Visibility.INTERNAL)
    client = api_as(outsider)
    for _ in range(3):
        assert client.get(URL).json()["person"]["username"] == "lead"
    with django_capture_on_commit_callbacks(execute=True):
        team.visibility = Team.Visibility.PRIVATE
        team.save()  # as the admin does
    assert client.get(URL).status_code == 404


def test_a_stranger_to_a_private_team_gets_the_404_every_time(api_as, team, rot, outsider):
    client = api_as(outsider)
    for _ in range(3):
        response = client.get(URL)
        assert response.status_code == 404
        assert response.json() == {"detail": "No such team."}


def test_a_cover_changes_the_answer_at_once(
    ask, rot, member, lead, django_capture_on_commit_callbacks
):
    assert ask()["person"]["username"] == "lead"
    with django_capture_on_commit_callbacks(execute=True):
        shift_services.override_create(
            shift=current(rot),
            user=member,
            start_at=NOW - dt.timedelta(hours=1),
            end_at=NOW + dt.timedelta(hours=5),
            created_by=lead,
        )
    body = ask()
    assert body["person"]["username"] == "member"
    assert body["covering_for"]["username"] == "lead"
    with django_capture_on_commit_callbacks(execute=True):
        shift_services.override_delete(override=Override.objects.get(), actor=lead)
    assert ask()["person"]["username"] == "lead"


def test_the_cached_answer_ends_when_a_cover_or_the_turn_begins_or_ends(
    ask, rot, member, frozen_time
):
    # A cover written behind the services' back: only the time can end the cached answer.
    shift = current(rot)
    Override.objects.create(
        shift=shift,
        user=member,
        start_at=NOW + dt.timedelta(hours=2),
        end_at=NOW + dt.timedelta(hours=4),
    )
    assert ask()["person"]["username"] == "lead"
    frozen_time.move_to(NOW + dt.timedelta(hours=2))
    assert ask()["covering_for"]["username"] == "lead"
    frozen_time.move_to(NOW + dt.timedelta(hours=4))
    assert ask()["covering_for"] is None
    frozen_time.move_to(shift.end_at)
    assert ask()["person"]["username"] == "member"  # the next turn


def test_a_rotation_change_changes_the_answer_at_once(ask, rot, django_capture_on_commit_callbacks):
    assert ask()["rotation"]["name"] == "Developer on shift"
    with django_capture_on_commit_callbacks(execute=True):
        rotations.rotation_update(rotation=rot, name="Primary", now=NOW)
    assert ask()["rotation"]["name"] == "Primary"
    with django_capture_on_commit_callbacks(execute=True):
        rotations.rotation_update(rotation=rot, is_active=False, now=NOW)
    assert ask()["person"] is None


def _swap(*, rot, member, lead, **_):
    future = Shift.objects.get(rotation=rot, slot=3)
    swap = swaps.swap_request_create(requester=lead, shift=future, recipient=member, now=NOW)
    swaps.swap_request_accept(swap=swap, actor=member, now=NOW)


def _leave(*, team, member, **_):
    leave.unavailability_create(
        team=team,
        actor=member,
        user=member,
        starts_on=dt.date(2027, 1, 25),
        ends_on=dt.date(2027, 1, 29),
        now=NOW,
    )


def _membership(*, team, **_):
    team_services.membership_add(team=team, username=UserFactory(username="newcomer").username)


def _membership_ended(*, team, **_):
    team_services.membership_update(membership=MembershipFactory(team=team), is_active=False)


@pytest.mark.parametrize("write", [_swap, _leave, _membership, _membership_ended])
def test_every_write_makes_the_next_answer_fresh(
    ask, team, rot, member, lead, write, django_capture_on_commit_callbacks
):
    # Swaps and leave re-plans change future shifts only, so to see that the answer is
    # asked afresh, the current shift changes hands behind the cache's back first.
    assert ask()["person"]["username"] == "lead"
    Shift.objects.filter(pk=current(rot).pk).update(assignee=member)
    assert ask()["person"]["username"] == "lead"  # cached
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write(team=team, rot=rot, member=member, lead=lead)
    assert callbacks
    assert ask()["person"]["username"] == "member"


def test_the_answer_is_stale_until_the_write_commits(
    ask, rot, member, lead, django_capture_on_commit_callbacks
):
    assert ask()["person"]["username"] == "lead"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shift_services.override_create(
            shift=current(rot),
            user=member,
            start_at=NOW,
            end_at=NOW + dt.timedelta(hours=1),
            created_by=lead,
        )
    assert ask()["person"]["username"] == "lead"  # not committed yet
    for callback in callbacks:
        callback()
    assert ask()["person"]["username"] == "member"


def in_another_process(code: str) -> None:
    """Run `code` in a new Python process on the test database and the same shared
    cache, as the Celery worker or another web worker would."""
    setup = "import django; django.setup()\n"
    subprocess.run(
        [sys.executable, "-c", setup + code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DATABASE_URL": database_url_of_test_db(), "DEBUG": "false"},
        check=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_what_another_process_changes_is_seen_at_once_despite_this_process_copies(
    ask, api_as, team, rot, member
):
    assert ask()["person"]["username"] == "lead"
    assert ask()["person"]["username"] == "lead"
    answer_key = team_cache_key(team_id=team.pk, name="oncall:")
    assert answer_key in team_cache_copies  # this process answers from its copy
    in_another_process(
        "from shifts.models import Shift\n"
        "from teams.cache_versions import team_cache_invalidate\n"
        f"Shift.objects.filter(pk={current(rot).pk}).update(assignee_id={member.pk})\n"
        f"team_cache_invalidate(team_id={team.pk})\n"  # as the shift services do
    )
    assert ask()["person"]["username"] == "member"
    in_another_process(
        "from teams import services\n"
        "from teams.models import Membership\n"
        f"membership = Membership.objects.get(team_id={team.pk}, user_id={member.pk})\n"
        "services.membership_update(membership=membership, is_active=False)\n"
    )
    assert api_as(member).get(URL).status_code == 404
