"""The status reports API: the permission matrix (lead / member / other team / anonymous),
409 on a stale version, publishing once, opening a month, and constant queries."""

import datetime as dt

import pytest
import time_machine

from outbox.models import OutboundEmail
from statusreports.models import StatusReport
from tests.statusreports.factories import report_of

pytestmark = pytest.mark.django_db

API = "/api/v1/teams/ops/status-reports"
ROLES = ["anonymous", "outsider", "member", "lead"]
NOW = dt.datetime(2027, 4, 2, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def as_role(api_as, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}
    return lambda role: api_as(users[role])


@pytest.fixture
def draft(team):
    return report_of(team, dt.date(2027, 3, 1), summary="Draft")


@pytest.fixture
def published(team, lead):
    return report_of(
        team,
        dt.date(2027, 2, 1),
        state="published",
        published_at=NOW,
        published_by=lead,
        published_html="<p>Sent</p>",
        published_text="Sent",
    )


@pytest.mark.parametrize(
    ("role", "expected", "months"),
    [
        ("anonymous", 401, None),
        ("outsider", 404, None),
        ("member", 200, ["2027-02-01"]),
        ("lead", 200, ["2027-03-01", "2027-02-01"]),
    ],
)
def test_list_matrix(as_role, role, expected, months, draft, published):
    response = as_role(role).get(f"{API}/")
    assert response.status_code == expected
    if months is not None:
        assert [row["month"] for row in response.json()["results"]] == months


@pytest.mark.parametrize(
    ("role", "draft_code", "published_code"),
    [("anonymous", 401, 401), ("outsider", 404, 404), ("member", 404, 200), ("lead", 200, 200)],
)
def test_retrieve_matrix(as_role, role, draft_code, published_code, draft, published):
    assert as_role(role).get(f"{API}/{draft.pk}/").status_code == draft_code
    response = as_role(role).get(f"{API}/{published.pk}/")
    assert response.status_code == published_code
    if published_code == 200:
        body = response.json()
        assert (body["html"], body["text"], body["published_by"]) == ("<p>Sent</p>", "Sent", "lead")


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 200], strict=True)))
def test_update_matrix(as_role, role, expected, draft):
    response = as_role(role).patch(
        f"{API}/{draft.pk}/", {"version": 1, "summary": "New words"}, format="json"
    )
    assert response.status_code == expected
    draft.refresh_from_db()
    assert (draft.summary == "New words") == (expected == 200)


def test_stale_version_is_a_409_with_the_stored_summary(as_role, draft):
    api = as_role("lead")
    assert (
        api.patch(f"{API}/{draft.pk}/", {"version": 1, "summary": "A"}, format="json").json()[
            "version"
        ]
        == 2
    )
    stale = api.patch(f"{API}/{draft.pk}/", {"version": 1, "summary": "B"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    assert stale.json()["current"] == {"summary": "A"}
    bad = api.patch(f"{API}/{draft.pk}/", {"version": "x"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) >= {"version", "summary"}


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 200], strict=True)))
def test_publish_matrix(as_role, role, expected, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = as_role(role).post(f"{API}/{draft.pk}/publish/")
    assert response.status_code == expected
    draft.refresh_from_db()
    assert draft.is_published == (expected == 200)
    if expected == 200:
        assert response.json()["state"] == "published"
        assert "Draft" in response.json()["text"]
        assert OutboundEmail.objects.filter(key=f"status-report-published:{draft.pk}").exists()


def test_other_teams_report_is_a_404(as_role, outsider, draft):
    other = StatusReport.objects.create(team=outsider.memberships.get().team, month=draft.month)
    assert as_role("lead").get(f"{API}/{other.pk}/").status_code == 404
    assert as_role("lead").post(f"{API}/{other.pk}/publish/").status_code == 404


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 201], strict=True)))
def test_create_matrix(as_role, role, expected, team):
    response = as_role(role).post(f"{API}/", {"month": "2027-03"}, format="json")
    assert response.status_code == expected
    assert StatusReport.objects.filter(team=team).exists() == (expected == 201)


def test_create_is_idempotent_and_bounded(as_role, team):
    api = as_role("lead")
    assert api.post(f"{API}/", {"month": "2027-03"}, format="json").status_code == 201
    again = api.post(f"{API}/", {"month": "2027-03"}, format="json")
    assert again.status_code == 200
    for month in ("2027-04", "2201-01", "1969-12", "2027-00", "soon"):
        bad = api.post(f"{API}/", {"month": month}, format="json")
        assert bad.status_code == 400
        assert "month" in bad.json()
    assert StatusReport.objects.filter(team=team).count() == 1


@pytest.mark.parametrize("count", [2, 15])
def test_list_queries_are_constant(as_role, team, lead, count, django_assert_num_queries):
    for n in range(count):
        report_of(team, dt.date(2000 + n, 1, 1), state="published", published_by=lead)
    api = as_role("lead")
    with django_assert_num_queries(3):
        assert len(api.get(f"{API}/?page_size=50").json()["results"]) == count
