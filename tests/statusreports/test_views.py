"""The pages: who sees what, creating a month's report, saving the summary without ever
losing it (bad value, conflict), autosave answers, publishing, and constant queries."""

import datetime as dt

import pytest
import time_machine

from statusreports.models import StatusReport, StatusReportSettings
from tests.incidents.factories import IncidentFactory, SupportRequestFactory
from tests.statusreports.factories import report_of

pytestmark = pytest.mark.django_db

MARCH = dt.date(2027, 3, 1)
NOW = dt.datetime(2027, 4, 2, 9, tzinfo=dt.UTC)
LIST = "/status-reports/ops/"
PAGE = "/status-reports/ops/2027-03/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def reports(team, lead):
    draft = report_of(team, MARCH, summary="Draft words")
    published = report_of(
        team,
        dt.date(2027, 2, 1),
        state="published",
        published_at=NOW,
        published_by=lead,
        published_html="<p>As sent in February</p>",
    )
    return draft, published


def test_anonymous_is_sent_to_log_in(client, reports):
    for url in (LIST, PAGE):
        assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "list_code", "draft_code", "published_code", "save_code"),
    [
        ("lead", 200, 200, 200, 302),
        ("member", 200, 404, 200, 404),
        ("outsider", 404, 404, 404, 404),
    ],
)
def test_permission_matrix(
    request, user_client, reports, who, list_code, draft_code, published_code, save_code
):
    client = user_client(request.getfixturevalue(who))
    assert client.get(LIST).status_code == list_code
    assert client.get(PAGE).status_code == draft_code
    assert client.get("/status-reports/ops/2027-02/").status_code == published_code
    saved = client.post(PAGE, {"version": 1, "summary": "x"})
    assert saved.status_code == save_code
    created = client.post(f"{LIST}create/", {"month": "2027-01"})
    assert created.status_code == {"lead": 302, "member": 403, "outsider": 404}[who]
    published = client.post(f"{PAGE}publish/")
    assert published.status_code == {"lead": 302, "member": 403, "outsider": 404}[who]


def test_members_see_published_reports_and_leads_drafts_too(user_client, lead, member, reports):
    listing = user_client(member).get(LIST).content.decode()
    assert "February 2027" in listing
    assert "March 2027" not in listing
    assert "Create the report" not in listing
    listing = user_client(lead).get(LIST).content.decode()
    assert "February 2027" in listing
    assert "March 2027" in listing
    assert "Create the report" in listing
    page = user_client(member).get("/status-reports/ops/2027-02/").content.decode()
    assert "As sent in February" in page  # the stored rendering, not a rebuild


def test_create_a_month_keeps_a_bad_value_and_is_idempotent(user_client, lead, team):
    client = user_client(lead)
    bad = client.post(f"{LIST}create/", {"month": "2027-04"})  # not over yet
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Only a month that has ended can be reported on." in body
    assert 'value="2027-04"' in body
    assert client.post(f"{LIST}create/", {"month": "1969-12"}).status_code == 400
    for _ in range(2):
        made = client.post(f"{LIST}create/", {"month": "2027-03"})
        assert made["Location"] == PAGE
    assert StatusReport.objects.filter(team=team).count() == 1


def test_settings_keep_what_was_typed(user_client, lead, team):
    client = user_client(lead)
    typed = "ok@example.org\nnot an address"
    bad = client.post(f"{LIST}settings/", {"reports_monthly": "on", "stakeholders": typed})
    assert bad.status_code == 400
    assert "Not an email address: not, an, address." in bad.content.decode()
    assert typed in bad.content.decode()
    assert not StatusReportSettings.objects.exists()
    good = client.post(
        f"{LIST}settings/", {"reports_monthly": "on", "stakeholders": "ok@example.org"}
    )
    assert good.status_code == 302
    found = StatusReportSettings.objects.get(team=team)
    assert (found.reports_monthly, found.stakeholders) == (True, ["ok@example.org"])


def test_saving_never_loses_text(user_client, lead, reports):
    draft, _ = reports
    client = user_client(lead)
    too_long = "y" * 50_001
    bad = client.post(PAGE, {"version": 1, "summary": too_long})
    assert bad.status_code == 400
    assert too_long in bad.content.decode()
    assert "Ensure this value has at most 50000 characters" in bad.content.decode()

    assert client.post(PAGE, {"version": 1, "summary": "Theirs"}).status_code == 302
    conflict = client.post(PAGE, {"version": 1, "summary": "Mine, typed meanwhile"})
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "Mine, typed meanwhile</textarea>" in body  # what I typed, in the form
    assert '<pre class="stored">Theirs</pre>' in body  # what is stored, shown
    assert 'name="version" value="2"' in body  # saving again keeps mine
    draft.refresh_from_db()
    assert (draft.summary, draft.version) == ("Theirs", 2)


def test_autosave_answers_json(user_client, lead, reports):
    client = user_client(lead)
    headers = {"X-Autosave": "1"}
    ok = client.post(PAGE, {"version": 1, "summary": "Typed"}, headers=headers)
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.post(PAGE, {"version": 1, "summary": "Other"}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["current"] == {"summary": "Typed"}
    bad = client.post(PAGE, {"version": "x", "summary": "Other"}, headers=headers)
    assert bad.status_code == 400
    assert "version" in bad.json()["errors"]


def test_publish_saves_the_summary_with_it(user_client, lead, reports):
    draft, _ = reports
    response = user_client(lead).post(
        f"{PAGE}publish/", {"version": 1, "summary": "Typed just before publishing"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert "Typed just before publishing" in draft.published_html
    page = user_client(lead).get(PAGE).content.decode()
    assert "Kept as it was sent." in page
    assert "summary-form" not in page


def _seed(team, scale):
    for n in range(scale):
        IncidentFactory(team=team, title=f"i{n}", detected_at=NOW - dt.timedelta(days=20, hours=n))
        SupportRequestFactory(team=team, asked_at=NOW - dt.timedelta(days=15, hours=n))
        report_of(team, dt.date(2020 + n, 1, 1), state="published", published_at=NOW)


@pytest.mark.parametrize("scale", [1, 12])
def test_pages_take_constant_queries(
    user_client, lead, team, reports, scale, django_assert_num_queries
):
    _seed(team, scale)
    client = user_client(lead)
    with django_assert_num_queries(7):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(25):  # the builder's 19 (duties included)
        assert client.get(PAGE).status_code == 200  # 17 of them: the builder
