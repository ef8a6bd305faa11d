import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from teams.access import team_access
from teams.models import Membership, Team
from tests.teams.factories import MembershipFactory, UserFactory

LEAD = Membership.Role.LEAD
EXPERT = Membership.Role.EXPERT


def test_members_read_and_write_outsiders_get_404_and_roles_rank(team, lead, member, outsider):
    assert team_access(user=member, slug="ops").require().team == team
    access = team_access(user=member, slug="ops")
    assert (access.is_member, access.can_write, access.is_expert, access.is_lead) == (
        True,
        True,
        False,
        False,
    )
    with pytest.raises(PermissionDenied):
        access.require(min_role=LEAD)
    assert team_access(user=lead, slug="ops").require(min_role=LEAD).is_lead
    with pytest.raises(Http404):
        team_access(user=outsider, slug="ops").require()
    with pytest.raises(Http404):
        team_access(user=outsider, slug="ops").require(min_role=LEAD)
    with pytest.raises(Http404):
        team_access(user=member, slug="nope")


def test_expert_ranks_between_member_and_lead(team):
    expert = MembershipFactory(team=team, role=EXPERT).user
    access = team_access(user=expert, team=team)
    assert access.is_expert
    assert not access.is_lead
    access.require(min_role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        access.require(min_role=LEAD)


def test_internal_team_is_readable_but_not_writable_by_others(team, outsider):
    team.visibility = Team.Visibility.INTERNAL
    team.save()
    access = team_access(user=outsider, slug="ops")
    assert access.require(readable=True).team == team
    assert access.can_read
    assert not access.can_write
    with pytest.raises(Http404):
        access.require()
    with pytest.raises(Http404):
        access.require(min_role=Membership.Role.MEMBER)


def test_inactive_membership_gives_no_access(team, member):
    Membership.objects.filter(user=member).update(is_active=False)
    access = team_access(user=member, slug="ops")
    assert access.role is None
    assert not access.can_write
    with pytest.raises(Http404):
        access.require()


def test_staff_read_every_team_and_act_as_lead(team):
    staff = UserFactory(is_staff=True)
    access = team_access(user=staff, slug="ops").require(min_role=LEAD)
    assert access.role is None
    assert access.is_lead


def test_anonymous_sees_no_team_even_an_internal_one(team):
    team.visibility = Team.Visibility.INTERNAL
    team.save()
    access = team_access(user=AnonymousUser(), slug="ops")
    assert not access.can_read
    with pytest.raises(Http404):
        access.require(readable=True)


def test_access_is_one_query(team, member, django_assert_num_queries):
    with django_assert_num_queries(1):
        team_access(user=member, slug="ops").require(min_role=Membership.Role.MEMBER)
    with django_assert_num_queries(1):
        team_access(user=member, team=team).require()
