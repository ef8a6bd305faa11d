from teams import selectors
from tests.teams.factories import MembershipFactory, ProfileFactory, TeamFactory, UserFactory


def test_display_zone_prefers_profile_then_first_team_then_utc(db):
    user = UserFactory()
    assert selectors.user_display_zone_name(user=user) == "UTC"
    MembershipFactory(user=user, team=TeamFactory(time_zone="America/Chicago"))
    MembershipFactory(user=user, team=TeamFactory(time_zone="Asia/Tokyo"))
    assert selectors.user_display_zone_name(user=user) == "America/Chicago"
    ProfileFactory(user=user, time_zone="Europe/Zurich")
    assert selectors.user_display_zone_name(user=user) == "Europe/Zurich"
