import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from teams.models import Membership
from tests.teams.factories import MembershipFactory, UserFactory

ROLES = ["anonymous", "outsider", "member", "lead"]


@pytest.fixture
def as_role(api_as, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}
    return lambda role: api_as(users[role])


def test_me_lists_user_teams_and_roles(api_as, lead, team):
    response = api_as(lead).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "lead"
    assert body["display_time_zone"] == "Europe/Zurich"
    assert body["teams"] == [
        {"slug": "ops", "name": "Ops", "time_zone": "Europe/Zurich", "role": "lead"}
    ]
    assert sorted(feed["title"] for feed in body["feeds"]) == [
        "My shifts and meetings",
        "Ops meetings",
        "Ops shifts",
    ]


def test_token_authentication_with_drf_create_token(api_client, member, capsys):
    call_command("drf_create_token", member.username)
    token = Token.objects.get(user=member).key
    assert token in capsys.readouterr().out
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["username"] == "member"
    api_client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api_client.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_team_retrieve_matrix(as_role, role, expected):
    assert as_role(role).get("/api/v1/teams/ops/").status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 200], strict=True)))
def test_team_update_matrix(as_role, role, expected, team):
    response = as_role(role).patch(
        "/api/v1/teams/ops/", {"mailing_list": "ops@example.org"}, format="json"
    )
    assert response.status_code == expected
    team.refresh_from_db()
    assert (team.mailing_list == "ops@example.org") == (expected == 200)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_membership_list_matrix(as_role, role, expected):
    assert as_role(role).get("/api/v1/teams/ops/memberships/").status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 201], strict=True)))
def test_membership_create_matrix(as_role, role, expected, team):
    UserFactory(username="newbie")
    response = as_role(role).post(
        "/api/v1/teams/ops/memberships/", {"username": "newbie"}, format="json"
    )
    assert response.status_code == expected
    assert Membership.objects.filter(team=team, user__username="newbie").exists() == (
        expected == 201
    )


def test_team_list_shows_only_my_teams(api_as, member, outsider):
    slugs = [team["slug"] for team in api_as(member).get("/api/v1/teams/").json()["results"]]
    assert slugs == ["ops"]


def test_only_staff_create_teams(api_as, member):
    payload = {"slug": "new-team", "name": "New team", "time_zone": "America/Chicago"}
    assert api_as(member).post("/api/v1/teams/", payload, format="json").status_code == 403
    member.is_staff = True
    member.save()
    response = api_as(member).post("/api/v1/teams/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["time_zone"] == "America/Chicago"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"time_zone": "CERN"}, "time_zone"),
        ({"mailing_list": "not-an-email"}, "mailing_list"),
        ({"github_repo": "just-a-name"}, "github_repo"),
        ({"visibility": "public"}, "visibility"),
    ],
)
def test_bad_team_update_is_400_with_field_errors(api_as, lead, payload, field):
    response = api_as(lead).patch("/api/v1/teams/ops/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_service_rule_violation_is_400_not_500(api_as, lead, team):
    own = Membership.objects.get(team=team, user=lead)
    response = api_as(lead).patch(
        f"/api/v1/teams/ops/memberships/{own.pk}/", {"role": "member"}, format="json"
    )
    assert response.status_code == 400
    assert "at least one active lead" in str(response.json())
    own.refresh_from_db()
    assert own.role == Membership.Role.LEAD


def test_unknown_user_is_400(api_as, lead):
    response = api_as(lead).post(
        "/api/v1/teams/ops/memberships/", {"username": "ghost"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"username": ["No user named 'ghost'."]}


def test_membership_list_filters_and_paginates(api_as, lead, team):
    MembershipFactory.create_batch(3, team=team, role=Membership.Role.EXPERT)
    response = api_as(lead).get("/api/v1/teams/ops/memberships/?role=expert&page_size=2")
    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


@pytest.mark.parametrize("rows", [5, 60])
def test_membership_list_query_count_is_constant(
    api_as, lead, team, rows, django_assert_num_queries
):
    MembershipFactory.create_batch(rows, team=team)
    client = api_as(lead)
    # team lookup, role check, count, page
    with django_assert_num_queries(3):
        assert client.get("/api/v1/teams/ops/memberships/?page_size=100").status_code == 200


@pytest.mark.parametrize("teams", [3, 40])
def test_team_list_query_count_is_constant(api_as, member, teams, django_assert_num_queries):
    for _ in range(teams):
        MembershipFactory(user=member)
    client = api_as(member)
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/teams/?page_size=100").json()["results"]) == teams + 1


def test_schema_and_docs_need_login_and_serve(api_as, member, client):
    assert client.get("/api/schema/").status_code == 401
    schema = api_as(member).get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/teams/{team_slug}/memberships/" in schema.content
    client.force_login(member)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in docs.content
    assert b"cdn" not in docs.content.lower()
