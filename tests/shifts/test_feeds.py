"""The shift and personal .ics feeds, parsed back with icalendar as a client would."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Meeting
from shifts.models import Shift
from shifts.services import rotations, swaps
from shifts.services import shifts as shift_services
from teams import services as team_services
from teams.models import Membership, Profile, validate_team_slug
from teams.tokens import feed_token_value
from tests.meetings.factories import make_series
from tests.shifts.factories import people, rotation
from tests.teams.factories import MembershipFactory

UTC = dt.UTC
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.SITE_URL = "https://shiftdesk.example.org"
    settings.MEETINGS_HORIZON_DAYS = 400
    with time_machine.travel(NOW, tick=False):
        yield


def token_of(user) -> str:
    return feed_token_value(team_services.feed_token_get_or_create(user=user).salt)


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar) -> list:
    return list(calendar.walk("VEVENT"))


def name(user) -> str:
    return user.get_full_name() or user.username


def starting(calendar, day: dt.date) -> list:
    return [e for e in events(calendar) if e.decoded("dtstart").date() == day]


@pytest.fixture
def weekly(team):
    crew = people(team, 3)
    return rotation(team, crew, now=NOW, horizon_weeks=52), crew


def feed_url(token, slug="ops"):
    return reverse("shifts:feed", kwargs={"token": token, "slug": slug})


def test_team_shift_feed_wall_clock_across_dst(client, weekly):
    _, crew = weekly
    calendar = parse(client.get(feed_url(token_of(crew[0]))))
    assert str(calendar["X-WR-CALNAME"]) == "Ops shifts"
    assert "REFRESH-INTERVAL" in calendar
    assert "X-PUBLISHED-TTL" in calendar
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/Zurich"}
    expected_utc = {
        dt.date(2027, 3, 22): 8,  # CET
        dt.date(2027, 3, 29): 7,  # CEST, the day after the change
        dt.date(2027, 10, 25): 7,  # CEST
        dt.date(2027, 11, 1): 8,  # CET, the day after 31 October
    }
    for day, utc_hour in expected_utc.items():
        (event,) = starting(calendar, day)
        start = event.decoded("dtstart")
        assert event["DTSTART"].params["TZID"] == "Europe/Zurich"
        assert (start.hour, start.minute) == (9, 0)
        assert start.astimezone(UTC).hour == utc_hour
        end = event.decoded("dtend")
        assert (end.date(), end.hour) == (day + dt.timedelta(days=7), 9)
        hours = (end.astimezone(UTC) - start.astimezone(UTC)) / dt.timedelta(hours=1)
        assert hours == {dt.date(2027, 3, 22): 167, dt.date(2027, 10, 25): 169}.get(day, 168)
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert str(event["SUMMARY"]).endswith(" on shift (Ops)")
        shift = Shift.objects.get(start_at=start)
        assert str(event["SUMMARY"]) == f"{name(shift.assignee)} on shift (Ops)"
        assert f"https://shiftdesk.example.org/shifts/ops/shifts/{shift.pk}/" in str(
            event["DESCRIPTION"]
        )
        assert str(event["UID"]) == f"shift-{shift.pk}@shiftdesk.example.org"


def test_uid_stable_and_sequence_grows_across_cover_swap_and_reassign(client, weekly, lead):
    _, crew = weekly
    token = token_of(crew[0])
    shift = Shift.objects.get(start_at=dt.datetime(2027, 3, 22, 8, tzinfo=UTC))
    uid = f"shift-{shift.pk}@shiftdesk.example.org"

    def event_of(uid_: str):
        calendar = parse(client.get(feed_url(token)))
        return next(e for e in events(calendar) if str(e["UID"]) == uid_)

    first = event_of(uid)
    assert first.decoded("sequence") == 0
    cover = shift_services.override_create(
        shift=shift,
        user=crew[2] if shift.assignee != crew[2] else crew[1],
        start_at=dt.datetime(2027, 3, 24, 8, tzinfo=UTC),
        end_at=dt.datetime(2027, 3, 25, 8, tzinfo=UTC),
        created_by=lead,
        reason="dentist",
    )
    head = event_of(uid)
    assert head.decoded("sequence") == 1
    assert head.decoded("dtend") == dt.datetime(2027, 3, 24, 9, tzinfo=ZURICH)
    covering = event_of(f"shift-{shift.pk}-cover-{cover.pk}@shiftdesk.example.org")
    assert str(covering["SUMMARY"]) == f"{name(cover.user)} on shift (Ops)"
    assert "Covering for" in str(covering["DESCRIPTION"])
    tail = event_of(f"shift-{shift.pk}-after-{cover.pk}@shiftdesk.example.org")
    assert tail.decoded("dtstart") == dt.datetime(2027, 3, 25, 9, tzinfo=ZURICH)

    other = next(p for p in crew if p not in (shift.assignee, cover.user))
    shift_services.shift_assign(shift=shift, assignee=other, actor=lead)
    reassigned = event_of(uid)
    assert reassigned.decoded("sequence") == 2
    assert str(reassigned["SUMMARY"]) == f"{name(other)} on shift (Ops)"
    assert reassigned.decoded("last-modified") >= first.decoded("last-modified")

    taker = next(p for p in crew if p != other)
    shift.refresh_from_db()
    swap = swaps.swap_request_create(requester=other, shift=shift, recipient=taker)
    swaps.swap_request_accept(swap=swap, actor=taker)
    swapped = event_of(uid)
    assert swapped.decoded("sequence") == 3
    assert str(swapped["SUMMARY"]) == f"{name(taker)} on shift (Ops)"


def test_unknown_revoked_and_outsider_tokens_get_404(client, weekly, outsider):
    _, crew = weekly
    token = token_of(crew[0])
    assert client.get(feed_url(token)).status_code == 200
    assert client.get(feed_url("not-a-token")).status_code == 404
    assert client.get(feed_url(token_of(outsider))).status_code == 404
    assert client.get(feed_url(token, slug="elsewhere")).status_code == 404
    assert client.get(reverse("shifts:feed-me", kwargs={"token": "nope"})).status_code == 404
    team_services.feed_token_revoke(user=crew[0])
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(reverse("shifts:feed-me", kwargs={"token": token})).status_code == 404
    other = token_of(crew[1])
    Membership.objects.filter(user=crew[1]).update(is_active=False)
    assert client.get(feed_url(other)).status_code == 404


def test_conditional_requests_answer_304_without_building(
    client, weekly, lead, django_assert_num_queries, monkeypatch
):
    _, crew = weekly
    url = feed_url(token_of(crew[0]))
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]

    def explode(**kwargs):
        raise AssertionError("the 304 path must not build the calendar")

    monkeypatch.setattr("teams.feeds.feed_calendar_bytes", explode)
    with django_assert_num_queries(6):  # token, membership, four aggregates
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    with django_assert_num_queries(6):
        assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    monkeypatch.undo()

    shift = Shift.objects.get(start_at=dt.datetime(2027, 3, 22, 8, tzinfo=UTC))
    other = next(p for p in crew if p != shift.assignee)
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        shift_services.shift_assign(shift=shift, assignee=other, actor=lead)
        changed = client.get(url, headers={"if-none-match": etag})
        assert changed.status_code == 200
        assert changed["ETag"] != etag
        again = client.get(url, headers={"if-modified-since": modified})
        assert again.status_code == 200
        assert client.get(url, headers={"if-none-match": changed["ETag"]}).status_code == 304


@pytest.mark.parametrize("weeks", [2, 143])
def test_feed_queries_do_not_grow_with_events(client, team, lead, weeks, django_assert_num_queries):
    """A daily rotation over 143 weeks is 1,000 shifts (plus covers); 2 weeks is 14."""
    crew = people(team, 4)
    daily = rotation(team, crew, now=NOW, start_on=dt.date(2027, 3, 1), period_days=1)
    rotations.rotation_update(rotation=daily, now=NOW, horizon_weeks=weeks)
    for shift in Shift.objects.order_by("start_at")[:5]:
        shift_services.override_create(
            shift=shift,
            user=next(p for p in crew if p != shift.assignee),
            start_at=shift.start_at + dt.timedelta(hours=2),
            end_at=shift.start_at + dt.timedelta(hours=4),
            created_by=lead,
        )
    url = feed_url(token_of(crew[0]))
    with django_assert_num_queries(8):  # token, membership, 4 aggregates, shifts, covers
        calendar = parse(client.get(url))
    assert len(events(calendar)) == Shift.objects.count() + 10 >= weeks * 7


def test_personal_feed_my_shifts_covers_and_meetings(client, team, lead):
    crew = people(team, 2)
    me = crew[0]
    rotation(team, crew, now=NOW, horizon_weeks=8)
    shift = Shift.objects.filter(assignee=crew[1]).order_by("start_at").first()
    cover = shift_services.override_create(
        shift=shift,
        user=me,
        start_at=shift.start_at,
        end_at=shift.start_at + dt.timedelta(days=1),
        created_by=lead,
    )
    covered = make_series(team, title="Ops weekly", shifter_covers=True)
    make_series(team, title="Planning", shifter_covers=False, start_time=dt.time(10))
    elsewhere = MembershipFactory(team__slug="other", team__name="Other", user=me).team
    make_series(elsewhere, title="Other weekly")
    url = reverse("shifts:feed-me", kwargs={"token": token_of(me)})

    calendar = parse(client.get(url))
    mine = [e for e in events(calendar) if str(e["UID"]).startswith("shift-")]
    assert mine
    assert all(str(e["SUMMARY"]) == f"{name(me)} on shift (Ops)" for e in mine)
    assert f"shift-{shift.pk}-cover-{cover.pk}@shiftdesk.example.org" in {
        str(e["UID"]) for e in mine
    }
    titles = {str(e["SUMMARY"]) for e in events(calendar)}
    assert {"Ops weekly", "Planning", "Other weekly"} <= titles
    etag = client.get(url)["ETag"]

    team_services.profile_update(user=me, feed_meetings=Profile.FeedMeetings.COVERED)
    narrowed = client.get(url, headers={"if-none-match": etag})
    calendar = parse(narrowed)
    meetings = [e for e in events(calendar) if str(e["UID"]).startswith("meeting-")]
    assert {str(e["SUMMARY"]) for e in meetings} == {"Ops weekly"}
    my_segments = [
        (e.decoded("dtstart"), e.decoded("dtend"))
        for e in events(calendar)
        if str(e["UID"]).startswith("shift-")
    ]
    for meeting in meetings:
        start = meeting.decoded("dtstart")
        assert any(begin <= start < end for begin, end in my_segments)
    assert len(meetings) < Meeting.objects.filter(series=covered).count()


def test_profile_and_me_list_every_feed(user_client, api_as, team, member, settings):
    token = token_of(member)
    expected = [
        ("My shifts and meetings", f"/shifts/feeds/{token}/me.ics"),
        ("Ops shifts", f"/shifts/feeds/{token}/ops.ics"),
        ("Ops meetings", f"/meetings/feeds/{token}/ops.ics"),
    ]
    body = api_as(member).get("/api/v1/me/").json()
    listed = {(feed["title"], feed["url"]) for feed in body["feeds"]}
    page = user_client(member).get("/accounts/profile/").content.decode()
    for title, path in expected:
        assert (title, f"https://shiftdesk.example.org{path}") in listed
        assert f"webcal://shiftdesk.example.org{path}" in page
    assert "/elsewhere.ics" not in page


@pytest.mark.parametrize("weeks", [2, 60])
def test_personal_feed_queries_do_not_grow(client, team, weeks, django_assert_num_queries):
    crew = people(team, 2)
    rotation(team, crew, now=NOW, horizon_weeks=weeks)
    make_series(team, title="Ops weekly")
    url = reverse("shifts:feed-me", kwargs={"token": token_of(crew[0])})
    # token, memberships, profile, 4 shift + 2 meeting aggregates, shifts, covers, meetings
    with django_assert_num_queries(12):
        calendar = parse(client.get(url))
    assert len(events(calendar)) >= weeks // 2


def test_window_reaches_back_feeds_past_days(client, weekly, settings):
    _, crew = weekly
    settings.FEEDS_PAST_DAYS = 7
    calendar = parse(client.get(feed_url(token_of(crew[0]))))
    assert min(e.decoded("dtend") for e in events(calendar)) > NOW - dt.timedelta(days=8)
    settings.FEEDS_PAST_DAYS = 92
    calendar = parse(client.get(feed_url(token_of(crew[0]))))
    assert min(e.decoded("dtstart") for e in events(calendar)).date() == dt.date(2027, 1, 4)


def test_me_is_not_a_team_slug():
    """/shifts/feeds/<token>/me.ics is the personal feed, so no team may be called "me"."""
    with pytest.raises(ValidationError):
        validate_team_slug("me")


def test_a_repeated_full_request_is_served_from_cache_byte_identical(
    client, weekly, lead, django_assert_num_queries, monkeypatch
):
    """Clients that never revalidate cost what a 304 costs; a change is seen at once."""
    _, crew = weekly
    url = feed_url(token_of(crew[0]))
    with time_machine.travel(NOW, tick=False):
        first = client.get(url)

        def explode(**kwargs):
            raise AssertionError("a cached version must not be built again")

        monkeypatch.setattr("teams.feeds.feed_calendar_bytes", explode)
        with django_assert_num_queries(6):  # token, membership, four aggregates: as a 304
            again = client.get(url)
        assert again.status_code == 200
        assert again.content == first.content
        assert again["ETag"] == first["ETag"]
        monkeypatch.undo()

        cache.clear()
        assert client.get(url).content == first.content  # a fresh build is the same bytes

        shift = Shift.objects.get(start_at=dt.datetime(2027, 3, 22, 8, tzinfo=UTC))
        other = next(p for p in crew if p != shift.assignee)
        shift_services.shift_assign(shift=shift, assignee=other, actor=lead)
        changed = client.get(url)
    assert changed["ETag"] != first["ETag"]
    assert changed.content != first.content
