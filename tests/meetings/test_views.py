import datetime as dt

import pytest
import time_machine

from incidents.models import ActionItem
from meetings.models import Meeting, MeetingReport, MeetingSeries, ReportRevision, Topic
from meetings.services import report_editor, report_input, reports
from tests.github_sync.factories import GitHubIssueFactory, IssueLinkFactory
from tests.meetings.factories import make_series, meeting_on
from tests.meetings.htmlform import form_fields
from tests.teams.factories import ProfileFactory

UTC = dt.UTC
MONDAY = dt.date(2027, 3, 22)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def series(team, lead):
    return make_series(team, contact=lead)


@pytest.fixture
def meeting(series):
    return meeting_on(series, MONDAY)


@pytest.fixture
def report(meeting, member):
    return reports.report_open(meeting=meeting, user=member)


def _users(lead, member, outsider):
    return {"lead": lead, "member": member, "outsider": outsider}


def test_pages_need_login(client, report):
    meeting = report.meeting
    for url in [
        "/meetings/",
        f"/meetings/series/{meeting.series_id}/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/report/",
        f"/meetings/{meeting.pk}/report/revisions/",
        "/meetings/teams/ops/reports/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")
    assert client.post(f"/meetings/{meeting.pk}/report/autosave/").status_code == 302


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("member", 200), ("lead", 200)])
@pytest.mark.parametrize(
    "path",
    [
        "series/{series}/",
        "series/{series}/reports/",
        "series/{series}/compile/?start=2027-01-01&end=2027-12-31",
        "{meeting}/",
        "{meeting}/report/",
        "{meeting}/report/revisions/",
        "teams/ops/reports/",
    ],
)
def test_read_pages_matrix(user_client, who, expected, path, report, lead, member, outsider):
    meeting = report.meeting
    url = "/meetings/" + path.format(series=meeting.series_id, meeting=meeting.pk)
    assert user_client(_users(lead, member, outsider)[who]).get(url).status_code == expected


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("member", 403), ("lead", 200)])
@pytest.mark.parametrize("path", ["teams/ops/series/new/", "series/{series}/edit/"])
def test_series_form_matrix(user_client, who, expected, path, series, lead, member, outsider):
    url = "/meetings/" + path.format(series=series.pk)
    assert user_client(_users(lead, member, outsider)[who]).get(url).status_code == expected


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("member", 302), ("lead", 302)])
def test_write_actions_matrix(user_client, who, expected, meeting, lead, member, outsider):
    client = user_client(_users(lead, member, outsider)[who])
    assert client.post(f"/meetings/{meeting.pk}/cancel/", {"note": ""}).status_code == expected
    assert client.post(f"/meetings/{meeting.pk}/report/start/").status_code == expected
    meeting.refresh_from_db()
    assert meeting.is_cancelled == (expected == 302)


def test_lead_creates_a_series_with_the_friendly_form(user_client, lead, team):
    client = user_client(lead)
    data = {
        "title": "Stakeholders",
        "time_zone": "Europe/Zurich",
        "frequency": "monthly",
        "interval": "2",
        "month_week": "1",
        "month_weekday": "2",
        "starts_on": "2027-01-01",
        "start_time": "15:00",
        "duration_minutes": "90",
        "host": "ours",
        "shifter_covers": "on",
        "reminder_hours": "3",
    }
    response = client.post("/meetings/teams/ops/series/new/", data)
    assert response.status_code == 302
    series = MeetingSeries.objects.get(title="Stakeholders")
    assert series.rrule == "FREQ=MONTHLY;INTERVAL=2;BYDAY=1WE"
    page = client.get(f"/meetings/series/{series.pk}/edit/").content.decode()
    assert 'value="monthly" id="id_frequency_1" checked' in page or (
        'id="id_frequency_1" checked' in page
    )


def test_series_form_errors_are_shown_and_nothing_is_written(user_client, lead, series):
    client = user_client(lead)
    data = {
        "title": "Weekly again",
        "time_zone": "Europe/Zurich",
        "frequency": "weekly",
        "interval": "1",
        "starts_on": "2027-01-01",
        "start_time": "16:00",
        "duration_minutes": "60",
        "host": "ours",
        "reminder_hours": "3",
    }
    response = client.post("/meetings/teams/ops/series/new/", data)
    assert response.status_code == 200
    assert "Choose at least one weekday." in response.content.decode()
    response = client.post(
        "/meetings/teams/ops/series/new/", {**data, "weekdays": ["0"], "title": series.title}
    )
    assert "already has a series with this title" in response.content.decode()
    response = client.post(
        "/meetings/teams/ops/series/new/", {**data, "weekdays": ["0"], "time_zone": "Mars/Base"}
    )
    assert response.status_code == 200
    assert MeetingSeries.objects.count() == 1


def test_move_and_cancel_from_the_meeting_page(user_client, member, meeting):
    client = user_client(member)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Move this occurrence" in page
    # The viewer's zone (the team's, Europe/Zurich) is the zone of the form.
    response = client.post(
        f"/meetings/{meeting.pk}/move/",
        {"start_at": "2027-03-23T10:00", "duration_minutes": "30", "note": "room clash"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.start_at == dt.datetime(2027, 3, 23, 9, 0, tzinfo=UTC)
    assert meeting.is_detached
    response = client.post(f"/meetings/{meeting.pk}/move/", {"start_at": "soon"})
    assert response.status_code == 400
    assert "Enter a date and time as" in response.content.decode()


def test_the_editor_as_plain_form_posts(user_client, member, meeting):
    client = user_client(member)
    assert "Start the report" in client.get(f"/meetings/{meeting.pk}/report/").content.decode()
    client.post(f"/meetings/{meeting.pk}/report/start/")
    url = f"/meetings/{meeting.pk}/report/"
    page = client.get(url).content.decode()
    fields = form_fields(page)
    fields["attendees"] = ["alice, bob"]
    response = client.post(f"{url}save/", {**fields, "action": "add_topic"})
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert response.url == f"{url}?focus={topic.pk}:title#topic-{topic.pk}"
    page = client.get(response.url).content.decode()
    assert f'id="topic-{topic.pk}-title"' in page
    assert "autofocus" in page.split(f'id="topic-{topic.pk}-title"')[1].split(">")[0]

    fields = form_fields(page)
    prefix = f"topic-{topic.pk}-"
    fields[prefix + "title"] = ["Draining"]
    fields[prefix + "discussion"] = ["Line one\r\nLine two"]
    fields[prefix + "reply"] = ["follow_up"]
    fields[prefix + "new-title"] = ["Drain vocms0256"]
    fields[prefix + "new-owner"] = [str(member.pk)]
    fields[prefix + "new-due_on"] = ["2027-03-24"]
    response = client.post(f"{url}save/", {**fields, "action": f"add_item:{topic.pk}"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.title, topic.discussion, topic.reply) == (
        "Draining",
        "Line one\nLine two",
        "follow_up",
    )
    item = ActionItem.objects.get()
    assert (item.title, item.owner, item.due_on) == (
        "Drain vocms0256",
        member,
        dt.date(2027, 3, 24),
    )

    page = client.get(url).content.decode()
    fields = form_fields(page)
    assert fields[f"item-{item.pk}-title"] == ["Drain vocms0256"]
    assert fields[prefix + "new-title"] == [""]
    response = client.post(f"{url}save/", {**fields, "action": "publish"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "internal report" in page
    assert "Drain vocms0256" in page
    assert MeetingReport.objects.get().is_published


def test_a_broken_form_is_a_400_and_changes_nothing(user_client, member, report):
    topic = reports.topic_add(report=report, user=member, title="T")
    client = user_client(member)
    url = f"/meetings/{report.meeting_id}/report/"
    fields = form_fields(client.get(url).content.decode())
    fields[f"topic-{topic.pk}-title"] = ["Changed"]
    fields[f"topic-{topic.pk}-version"] = ["two"]  # not typed by anyone: a broken form
    response = client.post(f"{url}autosave/", fields, **HTMX)
    assert response.status_code == 400
    assert "Not saved" in response.content.decode()
    topic.refresh_from_db()
    assert topic.title == "T"


def test_autosave_answers_with_the_saved_state_and_new_versions(user_client, member, report):
    topic = reports.topic_add(report=report, user=member, title="T")
    url = f"/meetings/{report.meeting_id}/report/"
    with time_machine.travel(dt.datetime(2027, 3, 22, 15, 20, 5, tzinfo=UTC), tick=False):
        client = user_client(member)
        fields = form_fields(client.get(url).content.decode())
        fields[f"topic-{topic.pk}-decision"] = ["Go ahead"]
        response = client.post(f"{url}autosave/", fields, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved 16:20:05" in body  # shown in the viewer's zone (Zurich)
    assert f'name="topic-{topic.pk}-version" value="2"' in body
    topic.refresh_from_db()
    assert (topic.decision, topic.version) == ("Go ahead", 2)
    # The same post again (nothing new typed) changes nothing.
    fields[f"topic-{topic.pk}-version"] = ["2"]
    fields[f"topic-{topic.pk}-base"] = [report_input.fingerprint(reports.topic_values(topic, []))]
    client.post(f"{url}autosave/", fields, **HTMX)
    topic.refresh_from_db()
    assert topic.version == 2


def test_autosave_with_a_stale_version_is_a_409_showing_both(user_client, member, lead, report):
    topic = reports.topic_add(report=report, user=member, title="T")
    url = f"/meetings/{report.meeting_id}/report/"
    stale = form_fields(user_client(lead).get(url).content.decode())
    fresh = dict(stale)
    fresh[f"topic-{topic.pk}-discussion"] = ["Member typed this"]
    member_client = user_client(member)
    assert member_client.post(f"{url}autosave/", fresh, **HTMX).status_code == 200

    lead_client = user_client(lead)
    stale[f"topic-{topic.pk}-discussion"] = ["Lead typed that"]
    response = lead_client.post(f"{url}autosave/", stale, **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Member typed this" in body
    assert "Lead typed that" in body
    assert "Keep mine" in body
    topic.refresh_from_db()
    assert topic.discussion == "Member typed this"

    # Without JavaScript, the same stale post shows the conflict page (409) too.
    response = lead_client.post(f"{url}save/", stale)
    assert response.status_code == 409
    keep_mine = form_fields(response.content.decode().split('class="conflict-unit"')[1]
                            .replace('class="inline"', 'id="keep"'), "keep")  # fmt: skip
    assert lead_client.post(f"{url}save/", keep_mine).status_code == 302
    topic.refresh_from_db()
    assert topic.discussion == "Lead typed that"
    assert report.revisions.filter(kind=ReportRevision.Kind.CONFLICT).exists()


def test_htmx_buttons_rerender_the_editor_in_place(user_client, member, report):
    client = user_client(member)
    url = f"/meetings/{report.meeting_id}/report/"
    fields = form_fields(client.get(url).content.decode())
    response = client.post(f"{url}save/", {**fields, "action": "add_topic"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#report-editor"
    assert response["HX-Reswap"] == "outerHTML"
    topic = Topic.objects.get()
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="report-editor">')
    assert "autofocus" in body.split(f'id="topic-{topic.pk}-title"')[1].split(">")[0]
    fields = form_fields(body)
    response = client.post(f"{url}save/", {**fields, "action": f"delete_topic:{topic.pk}"}, **HTMX)
    assert response.status_code == 200
    assert not Topic.objects.exists()


def test_revisions_page_lists_snapshots(user_client, member, report):
    topic = reports.topic_add(report=report, user=member, title="Visible in history")
    reports.topic_action_item_add(topic=topic, user=member, title="Its action item")
    reports.topic_delete(topic=topic, user=member)
    page = user_client(member).get(f"/meetings/{report.meeting_id}/report/revisions/")
    assert page.status_code == 200
    assert "The removed topic <strong>Visible in history</strong>" in page.content.decode()
    assert "Its action item" in page.content.decode()
    assert page.content.decode().count('class="card revision"') == report.revisions.count()


def _published(series, member, day, text):
    report = reports.report_open(meeting=meeting_on(series, day), user=member)
    topic = reports.topic_add(report=report, user=member, title=text)
    report_editor.topic_update(topic=topic, user=member, version=topic.version, discussion=text)
    return reports.report_publish(report=report, user=member)


def test_archive_search_and_compile(user_client, member, series):
    _published(series, member, MONDAY, "WMAgent draining")
    _published(series, member, MONDAY + dt.timedelta(days=7), "MSUnmerged deletions")
    client = user_client(member)
    page = client.get("/meetings/teams/ops/reports/?q=draining").content.decode()
    assert "Mon 22 Mar 2027" in page
    assert "Mon 29 Mar 2027" not in page
    page = client.get(f"/meetings/series/{series.pk}/reports/").content.decode()
    assert "Mon 22 Mar 2027" in page
    assert "Mon 29 Mar 2027" in page
    page = client.get(
        f"/meetings/series/{series.pk}/compile/?start=2027-03-01&end=2027-03-31"
    ).content.decode()
    assert page.index("WMAgent draining") < page.index("MSUnmerged deletions")
    response = client.get(f"/meetings/series/{series.pk}/compile/?start=2027-03-31&end=2027-03-01")
    assert response.status_code == 400
    assert "The end comes before the start." in response.content.decode()


def test_published_report_links_previous_and_next(user_client, member, series):
    first = _published(series, member, MONDAY, "One")
    _published(series, member, MONDAY + dt.timedelta(days=7), "Two")
    page = user_client(member).get(f"/meetings/{first.meeting_id}/report/").content.decode()
    nxt = Meeting.objects.get(series=series, start_at__date=MONDAY + dt.timedelta(days=7))
    assert f'href="/meetings/{nxt.pk}/report/" rel="next"' in page
    assert "Published" in page


def _fill_report(report, member, topics):
    for number in range(topics):
        topic = reports.topic_add(report=report, user=member, title=f"Topic {number}")
        for item_number in range(2):
            reports.topic_action_item_add(
                topic=topic, user=member, title=f"Item {number}.{item_number}", owner=member
            )


@pytest.mark.parametrize(("published", "expected"), [(False, 15), (True, 15)])  # +1: GitHub issues
@pytest.mark.parametrize("topics", [3, 40])
def test_report_page_queries_are_constant(
    user_client, member, series, django_assert_num_queries, topics, published, expected
):
    """50 topics x 2 action items or 3 x 2: the same number of queries (no N+1)."""
    earlier = reports.report_open(meeting=meeting_on(series, MONDAY), user=member)
    _fill_report(earlier, member, topics)  # open items carried over to the next report
    report = reports.report_open(
        meeting=meeting_on(series, MONDAY + dt.timedelta(days=7)), user=member
    )
    _fill_report(report, member, topics)
    if published:
        reports.report_publish(report=report, user=member)
    client = user_client(member)
    with django_assert_num_queries(expected):
        assert client.get(f"/meetings/{report.meeting_id}/report/").status_code == 200


@pytest.mark.parametrize(("page", "count"), [("index", 8), ("series", 9), ("archive", 6)])
@pytest.mark.parametrize("size", [3, 40])
def test_list_pages_queries_are_constant(
    user_client, member, team, django_assert_num_queries, size, page, count
):
    with time_machine.travel(dt.datetime(2027, 3, 22, 8, 0, tzinfo=UTC), tick=False):
        for number in range(size // 3 + 1):
            make_series(team, title=f"Series {number}", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                        starts_on=dt.date(2026, 1, 5),
                        now=dt.datetime(2027, 3, 22, 8, 0, tzinfo=UTC))  # fmt: skip
        series = MeetingSeries.objects.first()
        for week in range(size // 3):
            _published(series, member, dt.date(2027, 3, 1) - dt.timedelta(days=7 * week), "x")
        client = user_client(member)
        url = {"index": "/meetings/", "series": f"/meetings/series/{series.pk}/",
               "archive": "/meetings/teams/ops/reports/"}[page]  # fmt: skip
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_dashboard_shows_todays_meetings_in_both_zones_and_the_current_meeting(
    user_client, member, series
):
    ProfileFactory(user=member, time_zone="America/Chicago")
    meeting_on(series, MONDAY)
    with time_machine.travel(dt.datetime(2027, 3, 22, 13, 0, tzinfo=UTC), tick=False):
        client = user_client(member)
        page = client.get("/").content.decode()
        # 16:00 in Zurich is 10:00 in Chicago in the week only the US is on summer time.
        assert "Mon 22 Mar 10:00\u201311:00" in page
        assert "(Mon 22 Mar 16:00\u201317:00 Europe/Zurich)" in page
        assert 'id="current-meeting"' not in page
    with time_machine.travel(dt.datetime(2027, 3, 22, 17, 30, tzinfo=UTC), tick=False):
        page = user_client(member).get("/").content.decode()
        assert 'id="current-meeting"' in page
        assert f"/meetings/{Meeting.objects.get(start_at__date=MONDAY).pk}/report/" in page
    with time_machine.travel(dt.datetime(2027, 3, 22, 18, 30, tzinfo=UTC), tick=False):
        assert 'id="current-meeting"' not in user_client(member).get("/").content.decode()


def test_same_zone_viewers_see_one_time(user_client, member, series):
    meeting_on(series, MONDAY)
    with time_machine.travel(dt.datetime(2027, 3, 22, 7, 0, tzinfo=UTC), tick=False):
        page = user_client(member).get("/meetings/").content.decode()
    assert "Mon 22 Mar 16:00\u201317:00" in page
    assert "Europe/Zurich)" not in page


def test_linked_github_issues_show_in_the_editor_and_the_published_report(
    user_client, member, report
):
    topic = reports.topic_add(report=report, user=member, title="Tape backlog")
    item = reports.topic_action_item_add(topic=topic, user=member, title="Ask the tape team")
    issue = GitHubIssueFactory(repository="dmwm/WMCore", number=12345, title="Tape", state="open")
    IssueLinkFactory(action_item=item, issue=issue)
    editor = user_client(member).get(f"/meetings/{report.meeting.pk}/report/").content.decode()
    assert "dmwm/WMCore#12345" in editor
    assert "Create GitHub issue" in editor  # the button, a link out of the editor
    assert editor.count("<form") == editor.count("</form>")  # no form nested in the editor
    html, text = reports.report_render(report=report)
    assert 'href="https://github.com/dmwm/WMCore/issues/12345"' in html
    assert "[dmwm/WMCore#12345 open]" in text
