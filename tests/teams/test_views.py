import datetime as dt

import pytest
import time_machine

from teams.models import Membership, Profile
from tests.teams.factories import MembershipFactory, ProfileFactory, TeamFactory, UserFactory

UTC = dt.UTC


@pytest.mark.parametrize("url", ["/", "/teams/", "/teams/ops/", "/accounts/profile/", "/health/"])
def test_pages_need_login(client, team, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_logout_and_password_change(client, member):
    response = client.post(
        "/accounts/login/", {"username": "member", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-long-pass-42",
            "new_password2": "a-new-long-pass-42",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-new-long-pass-42")
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("member", 200), ("lead", 200)])
def test_team_page_matrix(user_client, who, expected, lead, member, outsider):
    user = {"lead": lead, "member": member, "outsider": outsider}[who]
    assert user_client(user).get("/teams/ops/").status_code == expected


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("member", 403), ("lead", 200)])
def test_team_edit_matrix(user_client, who, expected, lead, member, outsider):
    user = {"lead": lead, "member": member, "outsider": outsider}[who]
    assert user_client(user).get("/teams/ops/edit/").status_code == expected


def test_lead_edits_team_and_bad_input_shows_errors(user_client, lead, team):
    client = user_client(lead)
    data = {
        "name": "Ops",
        "slug": "ops",
        "time_zone": "America/Chicago",
        "mailing_list": "",
        "github_repo": "a/b",
        "visibility": "private",
    }
    assert client.post("/teams/ops/edit/", data).status_code == 302
    team.refresh_from_db()
    assert team.time_zone == "America/Chicago"
    response = client.post("/teams/ops/edit/", {**data, "github_repo": "no slash"})
    assert response.status_code == 200
    assert b"owner/name" in response.content
    team.refresh_from_db()
    assert team.github_repo == "a/b"


def test_lead_adds_and_changes_members(user_client, lead, team):
    UserFactory(username="newbie")
    client = user_client(lead)
    assert (
        client.post("/teams/ops/members/add/", {"username": "newbie", "role": "expert"}).status_code
        == 302
    )
    membership = Membership.objects.get(team=team, user__username="newbie")
    assert membership.role == Membership.Role.EXPERT
    response = client.post("/teams/ops/members/add/", {"username": "ghost", "role": "member"})
    assert b"No user named" in response.content
    client.post(f"/teams/ops/members/{membership.pk}/", {"role": "member"})
    membership.refresh_from_db()
    assert not membership.is_active
    own = Membership.objects.get(team=team, user=lead)
    response = client.post(f"/teams/ops/members/{own.pk}/", {"role": "member", "is_active": "on"})
    assert b"at least one active lead" in response.content


def test_member_page_of_other_team_is_404(user_client, lead):
    other = MembershipFactory(team=TeamFactory(slug="other"))
    assert user_client(lead).get(f"/teams/other/members/{other.pk}/").status_code == 404
    assert user_client(lead).get(f"/teams/ops/members/{other.pk}/").status_code == 404


def test_staff_create_team_others_cannot(user_client, member):
    assert user_client(member).get("/teams/new/").status_code == 302
    member.is_staff = True
    member.save()
    data = {
        "name": "Alerts",
        "slug": "alerts",
        "time_zone": "America/Chicago",
        "visibility": "private",
    }
    assert user_client(member).post("/teams/new/", data).status_code == 302
    assert Membership.objects.get(team__slug="alerts", user=member).role == Membership.Role.LEAD


def test_profile_sets_display_zone_shown_on_every_page(user_client, member):
    client = user_client(member)
    assert b"Europe/Zurich" in client.get("/").content
    client.post(
        "/accounts/profile/",
        {"time_zone": "America/Chicago", "github_login": "memb", "feed_meetings": "covered"},
    )
    profile = Profile.objects.get(user=member)
    assert (profile.time_zone, profile.feed_meetings) == ("America/Chicago", "covered")
    page = client.get("/teams/").content.decode()
    assert '<strong class="viewer-zone">America/Chicago</strong>' in page
    response = client.post("/accounts/profile/", {"time_zone": "Nowhere/Town", "github_login": ""})
    assert response.status_code == 200
    assert Profile.objects.get(user=member).time_zone == "America/Chicago"


# 2027: the US switches to summer time on 14 March, Europe on 28 March; back on
# 31 October (Europe) and 7 November (US). Between, Chicago is 5 hours behind Zurich, not 6.
@pytest.mark.parametrize(
    ("instant", "chicago", "zurich"),
    [
        (dt.datetime(2027, 3, 8, 15, 0, tzinfo=UTC), "09:00", "16:00"),
        (dt.datetime(2027, 3, 15, 15, 0, tzinfo=UTC), "10:00", "16:00"),
        (dt.datetime(2027, 3, 29, 14, 0, tzinfo=UTC), "09:00", "16:00"),
        (dt.datetime(2027, 11, 1, 15, 0, tzinfo=UTC), "10:00", "16:00"),
        (dt.datetime(2027, 11, 8, 15, 0, tzinfo=UTC), "09:00", "16:00"),
    ],
)
def test_dashboard_shows_viewer_and_team_time_across_dst(
    user_client, team, instant, chicago, zurich
):
    viewer = MembershipFactory(team=team).user
    ProfileFactory(user=viewer, time_zone="America/Chicago")
    with time_machine.travel(instant, tick=False):
        page = user_client(viewer).get("/").content.decode()
    assert f", {chicago} (America/Chicago)" in page
    assert f"{zurich}</td>" in page


@pytest.mark.parametrize("teams", [2, 30])
def test_team_list_page_query_count_is_constant(
    user_client, member, teams, django_assert_num_queries
):
    for _ in range(teams):
        MembershipFactory.create_batch(3, team=MembershipFactory(user=member).team)
    client = user_client(member)
    # session, user, display zone (profile + first team), teams, prefetched memberships + users
    with django_assert_num_queries(6):
        assert client.get("/teams/").status_code == 200


@pytest.mark.parametrize("members", [2, 40])
def test_team_page_query_count_is_constant(
    user_client, lead, team, members, django_assert_num_queries
):
    MembershipFactory.create_batch(members, team=team)
    client = user_client(lead)
    with django_assert_num_queries(6):
        assert client.get("/teams/ops/").status_code == 200
