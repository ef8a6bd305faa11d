import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from teams import selectors
from teams.models import Membership, Team
from tests.teams.factories import MembershipFactory, ProfileFactory, TeamFactory, UserFactory


def test_display_zone_prefers_profile_then_first_team_then_utc(db):
    user = UserFactory()
    assert selectors.user_display_zone_name(user=user) == "UTC"
    MembershipFactory(user=user, team=TeamFactory(time_zone="America/Chicago"))
    MembershipFactory(user=user, team=TeamFactory(time_zone="Asia/Tokyo"))
    assert selectors.user_display_zone_name(user=user) == "America/Chicago"
    ProfileFactory(user=user, time_zone="Europe/Zurich")
    assert selectors.user_display_zone_name(user=user) == "Europe/Zurich"


def test_team_access_rules(team, lead, member, outsider):
    assert selectors.team_get_for_user(user=member, slug="ops") == team
    with pytest.raises(Http404):
        selectors.team_get_for_user(user=outsider, slug="ops")
    with pytest.raises(PermissionDenied):
        selectors.team_get_for_user(user=member, slug="ops", min_role=Membership.Role.LEAD)
    assert selectors.team_get_for_user(user=lead, slug="ops", min_role=Membership.Role.LEAD) == team
    with pytest.raises(Http404):
        selectors.team_get_for_user(user=member, slug="nope")


def test_internal_team_is_readable_but_not_writable_by_others(team, outsider):
    team.visibility = Team.Visibility.INTERNAL
    team.save()
    assert selectors.team_get_for_user(user=outsider, slug="ops", readable=True) == team
    with pytest.raises(Http404):
        selectors.team_get_for_user(user=outsider, slug="ops")


def test_inactive_membership_gives_no_access(team, member):
    Membership.objects.filter(user=member).update(is_active=False)
    with pytest.raises(Http404):
        selectors.team_get_for_user(user=member, slug="ops")
