import datetime as dt

import pytest

from meetings.models import Meeting, MeetingReport, MeetingSeries, Topic
from meetings.services import report_editor, reports
from meetings.services import series as series_services
from teams.models import Membership
from tests.meetings.factories import make_series, meeting_on
from tests.teams.factories import MembershipFactory

UTC = dt.UTC
MONDAY = dt.date(2027, 3, 22)
ROLES = ["anonymous", "outsider", "member", "lead"]


@pytest.fixture
def as_role(api_as, lead, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "lead": lead}
    return lambda role: api_as(users[role])


@pytest.fixture
def series(team):
    return make_series(team)


@pytest.fixture
def meeting(series):
    return meeting_on(series, MONDAY)


@pytest.fixture
def report(meeting, member):
    return reports.report_open(meeting=meeting, user=member)


@pytest.fixture
def topic(report, member):
    return reports.topic_add(report=report, user=member, title="Draining")


API = "/api/v1/teams/ops"
SERIES_BODY = {
    "title": "CompOPS",
    "time_zone": "Europe/Zurich",
    "rrule": "FREQ=WEEKLY;BYDAY=MO",
    "starts_on": "2027-01-04",
    "start_time": "17:00",
    "duration_minutes": 60,
    "host": "other",
    "host_team_name": "Computing Operations",
}


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_series_list_matrix(as_role, role, expected, series):
    response = as_role(role).get(f"{API}/meeting-series/")
    assert response.status_code == expected
    if expected == 200:
        assert [row["id"] for row in response.json()["results"]] == [series.pk]


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_series_retrieve_matrix(as_role, role, expected, series):
    response = as_role(role).get(f"{API}/meeting-series/{series.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["rule_text"] == "Every Monday"


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 201], strict=True)))
def test_series_create_matrix(as_role, role, expected, team):
    response = as_role(role).post(f"{API}/meeting-series/", SERIES_BODY, format="json")
    assert response.status_code == expected
    assert MeetingSeries.objects.filter(title="CompOPS").exists() == (expected == 201)
    if expected == 201:
        assert response.json()["team"] == "ops"
        assert Meeting.objects.filter(series__title="CompOPS").exists()


def test_series_create_takes_the_team_from_the_url(api_as, lead, outsider, team):
    """A `team` in the body is not a field: the series belongs to the URL's team."""
    response = api_as(lead).post(
        f"{API}/meeting-series/", {**SERIES_BODY, "team": "elsewhere"}, format="json"
    )
    assert response.status_code == 201
    assert MeetingSeries.objects.get(title="CompOPS").team == team
    # A lead of ops is nobody in another team: no series there.
    response = api_as(lead).post(
        "/api/v1/teams/elsewhere/meeting-series/", SERIES_BODY, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 200], strict=True)))
def test_series_update_matrix(as_role, role, expected, series):
    response = as_role(role).patch(
        f"{API}/meeting-series/{series.pk}/", {"duration_minutes": 90}, format="json"
    )
    assert response.status_code == expected
    series.refresh_from_db()
    assert (series.duration_minutes == 90) == (expected == 200)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rrule": "FREQ=MINUTELY"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule"),
        ({"time_zone": "CERN/Time"}, "time_zone"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"starts_on": "next monday"}, "starts_on"),
        ({"title": "WMCore weekly"}, "title"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"contact": "nobody"}, "contact"),
    ],
)
def test_series_create_validation_is_a_400_with_the_field(api_as, lead, series, change, field):
    response = api_as(lead).post(f"{API}/meeting-series/", {**SERIES_BODY, **change}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert MeetingSeries.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"title": "Taken"}, "title"),
        ({"contact": "outsider"}, "contact"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule"),
    ],
)
def test_series_update_validation_is_a_400_and_writes_nothing(
    api_as, lead, outsider, team, series, change, field
):
    make_series(team, title="Taken")
    response = api_as(lead).patch(f"{API}/meeting-series/{series.pk}/", change, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    series.refresh_from_db()
    assert (series.title, series.ends_on, series.contact, series.sequence) == (
        "WMCore weekly",
        None,
        None,
        0,
    )


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_meeting_retrieve_matrix(as_role, role, expected, meeting):
    assert as_role(role).get(f"{API}/meetings/{meeting.pk}/").status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_meeting_cancel_matrix(as_role, role, expected, meeting):
    response = as_role(role).post(f"{API}/meetings/{meeting.pk}/cancel/", {"note": "holiday"})
    assert response.status_code == expected
    meeting.refresh_from_db()
    assert meeting.is_cancelled == (expected == 200)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_meeting_move_matrix(as_role, role, expected, meeting):
    response = as_role(role).post(
        f"{API}/meetings/{meeting.pk}/move/",
        {"start_at": "2027-03-23T16:00:00+01:00", "duration_minutes": 30},
        format="json",
    )
    assert response.status_code == expected
    meeting.refresh_from_db()
    moved = meeting.start_at == dt.datetime(2027, 3, 23, 15, 0, tzinfo=UTC)
    assert moved == (expected == 200)


def test_meeting_actions_validate(api_as, member, meeting):
    client = api_as(member)
    response = client.post(f"{API}/meetings/{meeting.pk}/move/", {"start_at": "tomorrow"})
    assert response.status_code == 400
    assert "start_at" in response.json()
    client.post(f"{API}/meetings/{meeting.pk}/cancel/")
    response = client.post(f"{API}/meetings/{meeting.pk}/cancel/")
    assert response.status_code == 400
    assert response.json() == {"detail": ["This meeting is already cancelled."]}
    assert client.post(f"{API}/meetings/{meeting.pk}/report/").status_code == 400


def test_meeting_list_filters(api_as, member, series, meeting):
    window = {"start_after": "2027-03-22T00:00:00Z", "start_before": "2027-03-23T00:00:00Z"}
    body = api_as(member).get(f"{API}/meetings/", window).json()
    assert [row["id"] for row in body["results"]] == [meeting.pk]
    assert body["results"][0]["time_zone"] == "Europe/Zurich"


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 201, 201], strict=True)))
def test_report_open_matrix(as_role, role, expected, meeting):
    response = as_role(role).post(f"{API}/meetings/{meeting.pk}/report/")
    assert response.status_code == expected
    assert MeetingReport.objects.exists() == (expected == 201)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_report_update_matrix(as_role, role, expected, report):
    response = as_role(role).patch(
        f"{API}/meeting-reports/{report.pk}/",
        {"version": report.version, "attendees": "alice"},
        format="json",
    )
    assert response.status_code == expected
    report.refresh_from_db()
    assert (report.attendees == "alice") == (expected == 200)


def test_report_update_with_a_stale_version_is_a_409(api_as, member, lead, report):
    api_as(member).patch(
        f"{API}/meeting-reports/{report.pk}/", {"version": 1, "notes": "first"}, format="json"
    )
    response = api_as(lead).patch(
        f"{API}/meeting-reports/{report.pk}/", {"version": 1, "notes": "second"}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Changed by someone else since your version; nothing was overwritten.",
        "version": 2,
        "current": {"attendees": "", "notes": "first"},
    }
    report.refresh_from_db()
    assert report.notes == "first"


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_report_publish_matrix(as_role, role, expected, report, topic):
    response = as_role(role).post(f"{API}/meeting-reports/{report.pk}/publish/")
    assert response.status_code == expected
    report.refresh_from_db()
    assert report.is_published == (expected == 200)
    if expected == 200:
        assert "Draining" in response.json()["html"]


def test_report_list_and_search(api_as, member, report, topic):
    report_editor.topic_update(topic=topic, user=member, version=1, discussion="WMAgent draining")
    reports.report_publish(report=report, user=member)
    client = api_as(member)
    assert client.get(f"{API}/meeting-reports/", {"q": "draining"}).json()["count"] == 1
    assert client.get(f"{API}/meeting-reports/", {"q": "kubernetes"}).json()["count"] == 0
    assert client.get(f"{API}/meeting-reports/", {"status": "draft"}).json()["count"] == 0


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 201, 201], strict=True)))
def test_topic_create_matrix(as_role, role, expected, report):
    response = as_role(role).post(
        f"{API}/meeting-topics/", {"report": report.pk, "title": "New"}, format="json"
    )
    assert response.status_code == expected
    assert Topic.objects.filter(title="New").exists() == (expected == 201)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_topic_update_matrix(as_role, role, expected, topic):
    response = as_role(role).patch(
        f"{API}/meeting-topics/{topic.pk}/",
        {"version": topic.version, "reply": "follow_up"},
        format="json",
    )
    assert response.status_code == expected
    topic.refresh_from_db()
    assert (topic.reply == "follow_up") == (expected == 200)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 204, 204], strict=True)))
def test_topic_delete_matrix(as_role, role, expected, topic):
    assert as_role(role).delete(f"{API}/meeting-topics/{topic.pk}/").status_code == expected
    assert Topic.objects.exists() == (expected != 204)


def test_topic_validation_and_conflict(api_as, member, lead, topic):
    client = api_as(member)
    response = client.patch(
        f"{API}/meeting-topics/{topic.pk}/", {"version": 1, "reply": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "reply" in response.json()
    response = client.patch(f"{API}/meeting-topics/{topic.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    assert (
        client.patch(
            f"{API}/meeting-topics/{topic.pk}/", {"version": 1, "title": "A"}, format="json"
        ).status_code
        == 200
    )
    response = api_as(lead).patch(
        f"{API}/meeting-topics/{topic.pk}/", {"version": 1, "title": "B"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["title"] == "A"


@pytest.mark.parametrize("size", [3, 40])
@pytest.mark.parametrize(
    ("url", "count"),
    [
        (f"{API}/meeting-series/", 3),  # the team with your role, count, rows
        (f"{API}/meetings/", 3),
        (f"{API}/meeting-reports/", 3),
        (f"{API}/meeting-topics/", 4),  # ... and the topics' action item links
    ],
)
def test_list_queries_are_constant(
    api_as, member, team, django_assert_num_queries, size, url, count
):
    for number in range(size):
        series = make_series(team, title=f"S{number}", starts_on=dt.date(2027, 3, 1),
                             ends_on=dt.date(2027, 3, 1))  # fmt: skip
        series_services.meetings_materialize(
            series=series, now=dt.datetime(2027, 3, 1, tzinfo=UTC),
            since=dt.datetime(2027, 3, 1, tzinfo=UTC),
        )  # fmt: skip
        report = reports.report_open(meeting=series.meetings.get(), user=member)
        topic = reports.topic_add(report=report, user=member, title=f"T{number}")
        reports.topic_action_item_add(topic=topic, user=member, title="do it")
    client = api_as(member)
    with django_assert_num_queries(count):
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] == size


def _other_team_rows(lead):
    """A series, meeting, report and topic of another team, which `lead` leads too."""
    other = MembershipFactory(user=lead, team__slug="other", role=Membership.Role.LEAD).team
    series = make_series(other, title="Their weekly")
    meeting = meeting_on(series, MONDAY)
    report = reports.report_open(meeting=meeting, user=lead)
    topic = reports.topic_add(report=report, user=lead, title="Theirs")
    return {"meeting-series": series, "meetings": meeting, "meeting-reports": report,
            "meeting-topics": topic}  # fmt: skip


RESOURCES = ["meeting-series", "meetings", "meeting-reports", "meeting-topics"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("bad_id", ["null,null", "abc", "1.0", "-1"])
def test_an_id_that_is_not_digits_is_a_404(api_as, lead, topic, resource, bad_id):
    client = api_as(lead)
    assert client.get(f"{API}/{resource}/{bad_id}/").status_code == 404
    response = client.patch(f"{API}/{resource}/{bad_id}/", {"version": 1}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_another_teams_id_is_a_404_even_for_its_lead(api_as, lead, topic, resource):
    """`lead` leads the other team too: its rows exist, but not under ops."""
    row = _other_team_rows(lead)[resource]
    client = api_as(lead)
    assert client.get(f"{API}/{resource}/{row.pk}/").status_code == 404
    assert client.get(f"/api/v1/teams/other/{resource}/{row.pk}/").status_code == 200
    listed = client.get(f"{API}/{resource}/").json()["results"]
    assert row.pk not in [entry["id"] for entry in listed]


def test_another_teams_rows_cannot_be_written_through_ops(api_as, lead, topic):
    theirs = _other_team_rows(lead)
    client = api_as(lead)
    for resource in ("meeting-series", "meeting-reports", "meeting-topics"):
        url = f"{API}/{resource}/{theirs[resource].pk}/"
        response = client.patch(url, {"version": 1, "title": "Sneaky"}, format="json")
        assert response.status_code == 404, resource
    their_meeting = theirs["meetings"]
    assert client.post(f"{API}/meetings/{their_meeting.pk}/cancel/").status_code == 404
    their_report = theirs["meeting-reports"]
    assert client.post(f"{API}/meeting-reports/{their_report.pk}/publish/").status_code == 404
    their_topic = theirs["meeting-topics"]
    assert client.delete(f"{API}/meeting-topics/{their_topic.pk}/").status_code == 404
    response = client.post(
        f"{API}/meeting-topics/", {"report": their_report.pk, "title": "Sneaky"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"report": ["No such report in this team."]}
    their_meeting.refresh_from_db()
    their_report.refresh_from_db()
    assert not their_meeting.is_cancelled
    assert not their_report.is_published
    assert Topic.objects.filter(pk=their_topic.pk).exists()
    assert not Topic.objects.filter(title="Sneaky").exists()
    assert not MeetingSeries.objects.filter(title="Sneaky").exists()


@pytest.mark.parametrize(
    ("resource", "role", "expected"),
    [
        (resource, role, code)
        for resource in RESOURCES
        for role, code in zip(ROLES, [401, 404, 200, 200], strict=True)
    ],
)
def test_read_matrix(as_role, resource, role, expected, topic):
    rows = {"meeting-series": topic.report.meeting.series, "meetings": topic.report.meeting,
            "meeting-reports": topic.report, "meeting-topics": topic}  # fmt: skip
    client = as_role(role)
    response = client.get(f"{API}/{resource}/")
    assert response.status_code == expected
    if expected == 200:  # (a series has many occurrences)
        assert rows[resource].pk in [entry["id"] for entry in response.json()["results"]]
    response = client.get(f"{API}/{resource}/{rows[resource].pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["id"] == rows[resource].pk


def test_the_schema_declares_the_409s_and_the_old_routes_are_gone(api_as, member, topic):
    client = api_as(member)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for resource in ("meeting-reports", "meeting-topics"):
        patch = paths[f"/api/v1/teams/{{team_slug}}/{resource}/{{id}}/"]["patch"]
        assert {"200", "409"} <= set(patch["responses"])
    assert not [path for path in paths if path.startswith("/api/v1/meeting")]
    for old in ("meeting-series/", f"meeting-topics/{topic.pk}/", "meetings/"):
        assert client.get(f"/api/v1/{old}").status_code == 404
