import datetime as dt

import pytest

from meetings import reports, services
from meetings.models import Meeting, MeetingReport, MeetingSeries, Topic
from tests.meetings.factories import make_series, meeting_on

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


SERIES_BODY = {
    "team": "ops",
    "title": "CompOPS",
    "time_zone": "Europe/Zurich",
    "rrule": "FREQ=WEEKLY;BYDAY=MO",
    "starts_on": "2027-01-04",
    "start_time": "17:00",
    "duration_minutes": 60,
    "host": "other",
    "host_team_name": "Computing Operations",
}


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 200, 200, 200], strict=True)))
def test_series_list_matrix(as_role, role, expected, series):
    response = as_role(role).get("/api/v1/meeting-series/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["count"] == (0 if role == "outsider" else 1)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_series_retrieve_matrix(as_role, role, expected, series):
    response = as_role(role).get(f"/api/v1/meeting-series/{series.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["rule_text"] == "Every Monday"


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 201], strict=True)))
def test_series_create_matrix(as_role, role, expected, team):
    response = as_role(role).post("/api/v1/meeting-series/", SERIES_BODY, format="json")
    assert response.status_code == expected
    assert MeetingSeries.objects.filter(title="CompOPS").exists() == (expected == 201)
    if expected == 201:
        assert response.json()["team"] == "ops"
        assert Meeting.objects.filter(series__title="CompOPS").exists()


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 403, 200], strict=True)))
def test_series_update_matrix(as_role, role, expected, series):
    response = as_role(role).patch(
        f"/api/v1/meeting-series/{series.pk}/", {"duration_minutes": 90}, format="json"
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
    response = api_as(lead).post(
        "/api/v1/meeting-series/", {**SERIES_BODY, **change}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert MeetingSeries.objects.count() == 1


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_meeting_retrieve_matrix(as_role, role, expected, meeting):
    assert as_role(role).get(f"/api/v1/meetings/{meeting.pk}/").status_code == expected


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_meeting_cancel_matrix(as_role, role, expected, meeting):
    response = as_role(role).post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"note": "holiday"})
    assert response.status_code == expected
    meeting.refresh_from_db()
    assert meeting.is_cancelled == (expected == 200)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_meeting_move_matrix(as_role, role, expected, meeting):
    response = as_role(role).post(
        f"/api/v1/meetings/{meeting.pk}/move/",
        {"start_at": "2027-03-23T16:00:00+01:00", "duration_minutes": 30},
        format="json",
    )
    assert response.status_code == expected
    meeting.refresh_from_db()
    moved = meeting.start_at == dt.datetime(2027, 3, 23, 15, 0, tzinfo=UTC)
    assert moved == (expected == 200)


def test_meeting_actions_validate(api_as, member, meeting):
    client = api_as(member)
    response = client.post(f"/api/v1/meetings/{meeting.pk}/move/", {"start_at": "tomorrow"})
    assert response.status_code == 400
    assert "start_at" in response.json()
    client.post(f"/api/v1/meetings/{meeting.pk}/cancel/")
    response = client.post(f"/api/v1/meetings/{meeting.pk}/cancel/")
    assert response.status_code == 400
    assert response.json() == {"detail": ["This meeting is already cancelled."]}
    assert client.post(f"/api/v1/meetings/{meeting.pk}/report/").status_code == 400


def test_meeting_list_filters(api_as, member, series, meeting):
    window = {"start_after": "2027-03-22T00:00:00Z", "start_before": "2027-03-23T00:00:00Z"}
    body = api_as(member).get("/api/v1/meetings/", {"team": "ops", **window}).json()
    assert [row["id"] for row in body["results"]] == [meeting.pk]
    assert body["results"][0]["time_zone"] == "Europe/Zurich"


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 201, 201], strict=True)))
def test_report_open_matrix(as_role, role, expected, meeting):
    response = as_role(role).post(f"/api/v1/meetings/{meeting.pk}/report/")
    assert response.status_code == expected
    assert MeetingReport.objects.exists() == (expected == 201)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_report_update_matrix(as_role, role, expected, report):
    response = as_role(role).patch(
        f"/api/v1/meeting-reports/{report.pk}/",
        {"version": report.version, "attendees": "alice"},
        format="json",
    )
    assert response.status_code == expected
    report.refresh_from_db()
    assert (report.attendees == "alice") == (expected == 200)


def test_report_update_with_a_stale_version_is_a_409(api_as, member, lead, report):
    api_as(member).patch(
        f"/api/v1/meeting-reports/{report.pk}/", {"version": 1, "notes": "first"}, format="json"
    )
    response = api_as(lead).patch(
        f"/api/v1/meeting-reports/{report.pk}/", {"version": 1, "notes": "second"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["notes"] == "first"
    assert response.json()["version"] == 2
    report.refresh_from_db()
    assert report.notes == "first"


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_report_publish_matrix(as_role, role, expected, report, topic):
    response = as_role(role).post(f"/api/v1/meeting-reports/{report.pk}/publish/")
    assert response.status_code == expected
    report.refresh_from_db()
    assert report.is_published == (expected == 200)
    if expected == 200:
        assert "Draining" in response.json()["html"]


def test_report_list_and_search(api_as, member, report, topic):
    reports.topic_update(topic=topic, user=member, version=1, discussion="WMAgent draining")
    reports.report_publish(report=report, user=member)
    client = api_as(member)
    assert client.get("/api/v1/meeting-reports/", {"q": "draining"}).json()["count"] == 1
    assert client.get("/api/v1/meeting-reports/", {"q": "kubernetes"}).json()["count"] == 0
    assert client.get("/api/v1/meeting-reports/", {"status": "draft"}).json()["count"] == 0


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 201, 201], strict=True)))
def test_topic_create_matrix(as_role, role, expected, report):
    response = as_role(role).post(
        "/api/v1/meeting-topics/", {"report": report.pk, "title": "New"}, format="json"
    )
    assert response.status_code == expected
    assert Topic.objects.filter(title="New").exists() == (expected == 201)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 200, 200], strict=True)))
def test_topic_update_matrix(as_role, role, expected, topic):
    response = as_role(role).patch(
        f"/api/v1/meeting-topics/{topic.pk}/",
        {"version": topic.version, "reply": "follow_up"},
        format="json",
    )
    assert response.status_code == expected
    topic.refresh_from_db()
    assert (topic.reply == "follow_up") == (expected == 200)


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 404, 204, 204], strict=True)))
def test_topic_delete_matrix(as_role, role, expected, topic):
    assert as_role(role).delete(f"/api/v1/meeting-topics/{topic.pk}/").status_code == expected
    assert Topic.objects.exists() == (expected != 204)


def test_topic_validation_and_conflict(api_as, member, lead, topic):
    client = api_as(member)
    response = client.patch(
        f"/api/v1/meeting-topics/{topic.pk}/", {"version": 1, "reply": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "reply" in response.json()
    response = client.patch(f"/api/v1/meeting-topics/{topic.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    assert (
        client.patch(
            f"/api/v1/meeting-topics/{topic.pk}/", {"version": 1, "title": "A"}, format="json"
        ).status_code
        == 200
    )
    response = api_as(lead).patch(
        f"/api/v1/meeting-topics/{topic.pk}/", {"version": 1, "title": "B"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["title"] == "A"


@pytest.mark.parametrize("size", [3, 40])
@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/api/v1/meeting-series/", 2),
        ("/api/v1/meetings/", 2),
        ("/api/v1/meeting-reports/", 2),
        ("/api/v1/meeting-topics/", 3),
    ],
)
def test_list_queries_are_constant(
    api_as, member, team, django_assert_num_queries, size, url, count
):
    for number in range(size):
        series = make_series(team, title=f"S{number}", starts_on=dt.date(2027, 3, 1),
                             ends_on=dt.date(2027, 3, 1))  # fmt: skip
        services.meetings_materialize(
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
