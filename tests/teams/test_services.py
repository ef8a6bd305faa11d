import pytest
from django.core.exceptions import ValidationError

from teams import services
from teams.models import Membership, Team
from tests.teams.factories import MembershipFactory, UserFactory


def test_team_create_makes_the_creator_its_lead(db):
    creator = UserFactory()
    team = services.team_create(
        created_by=creator, name="Alerts", slug="alerts", time_zone="America/Chicago"
    )
    assert Membership.objects.get(team=team, user=creator).role == Membership.Role.LEAD


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"name": "X", "slug": "x", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"name": "X", "slug": "x", "github_repo": "not a repo"}, "github_repo"),
        ({"name": "X", "slug": "new"}, "slug"),
        ({"name": "", "slug": "x"}, "name"),
    ],
)
def test_team_create_rejects_bad_fields_and_writes_nothing(db, fields, error_field):
    with pytest.raises(ValidationError) as caught:
        services.team_create(created_by=UserFactory(), **fields)
    assert error_field in caught.value.message_dict
    assert not Team.objects.exists()
    assert not Membership.objects.exists()


def test_team_create_rejects_a_taken_slug(team):
    with pytest.raises(ValidationError, match="already exists"):
        services.team_create(created_by=UserFactory(), name="Other", slug=team.slug)


def test_membership_add_unknown_user_and_duplicate(team, member):
    with pytest.raises(ValidationError, match="No user named"):
        services.membership_add(team=team, username="ghost")
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_add(team=team, username=member.username)


def test_membership_add_reactivates_a_former_member(team, member):
    membership = Membership.objects.get(team=team, user=member)
    membership.is_active = False
    membership.save()
    again = services.membership_add(
        team=team, username=member.username, role=Membership.Role.EXPERT
    )
    assert again.pk == membership.pk
    assert again.is_active
    assert again.role == Membership.Role.EXPERT


def test_the_last_lead_cannot_step_down(team, lead):
    membership = Membership.objects.get(team=team, user=lead)
    with pytest.raises(ValidationError, match="at least one active lead"):
        services.membership_update(membership=membership, role=Membership.Role.MEMBER)
    with pytest.raises(ValidationError, match="at least one active lead"):
        services.membership_update(membership=membership, is_active=False)
    MembershipFactory(team=team, role=Membership.Role.LEAD)
    services.membership_update(membership=membership, role=Membership.Role.MEMBER)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER


def test_profile_update_validates_zone_and_login(db):
    user = UserFactory()
    profile = services.profile_update(user=user, time_zone="America/Chicago", github_login="dave-1")
    assert profile.time_zone == "America/Chicago"
    with pytest.raises(ValidationError) as caught:
        services.profile_update(user=user, time_zone="CERN time")
    assert "time_zone" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.profile_update(user=user, github_login="-bad-")
