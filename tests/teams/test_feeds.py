import datetime as dt
import zoneinfo
from pathlib import Path

import icalendar
import pytest
from django.test import RequestFactory

from teams import selectors, services
from teams.feeds import (
    FeedLink,
    calendar_response,
    feed_links,
    feed_version,
    register_feed_lister,
)
from teams.ical import IcsError, calendar_bytes, calendar_new, event_new, parse_periods
from teams.models import FeedToken
from teams.tokens import feed_token_hash, feed_token_value
from tests.teams.factories import UserFactory

FIXTURES = Path(__file__).parent / "ics"
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
WINDOW = (dt.datetime(2027, 1, 1, tzinfo=dt.UTC), dt.datetime(2028, 1, 1, tzinfo=dt.UTC))


def test_token_is_long_hashed_and_revocable(db):
    user = UserFactory()
    token = services.feed_token_get_or_create(user=user)
    value = feed_token_value(token.salt)
    assert len(value) >= 43  # 256 bits, base64url
    assert value not in {token.salt, token.token_hash}
    assert token.token_hash == feed_token_hash(value)
    assert services.feed_token_get_or_create(user=user).pk == token.pk
    assert selectors.feed_user_for_token(token=value) == user
    new = services.feed_token_regenerate(user=user)
    assert selectors.feed_user_for_token(token=value) is None
    assert selectors.feed_user_for_token(token=feed_token_value(new.salt)) == user
    services.feed_token_revoke(user=user)
    assert selectors.feed_user_for_token(token=feed_token_value(new.salt)) is None
    assert FeedToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0


def test_inactive_user_token_and_garbage_tokens_find_nobody(db):
    user = UserFactory()
    value = feed_token_value(services.feed_token_get_or_create(user=user).salt)
    user.is_active = False
    user.save()
    assert selectors.feed_user_for_token(token=value) is None
    assert selectors.feed_user_for_token(token="") is None
    assert selectors.feed_user_for_token(token="x" * 5000) is None


def test_registered_feed_links_reach_profile_and_me(user_client, api_as, member, settings):
    settings.SITE_URL = "https://shiftdesk.example.org"
    lister = register_feed_lister(
        lambda user, token: [FeedLink("My things", f"/feeds/{token}/mine.ics")]
    )
    try:
        links = feed_links(user=member, token="tok")
        assert links[0].personal  # the personal feed comes first
        mine = next(link for link in links if link.title == "My things")
        assert mine.url == "https://shiftdesk.example.org/feeds/tok/mine.ics"
        assert mine.webcal_url == "webcal://shiftdesk.example.org/feeds/tok/mine.ics"
        body = api_as(member).get("/api/v1/me/").json()
        token = feed_token_value(FeedToken.objects.get(user=member).salt)
        assert {
            "title": "My things",
            "url": f"https://shiftdesk.example.org/feeds/{token}/mine.ics",
            "webcal_url": f"webcal://shiftdesk.example.org/feeds/{token}/mine.ics",
        } in body["feeds"]
        page = user_client(member).get("/accounts/profile/").content.decode()
        assert f"webcal://shiftdesk.example.org/feeds/{token}/mine.ics" in page
        assert "Thunderbird" in page
    finally:
        from teams import feeds

        feeds._feed_listers.remove(lister)


def test_regenerate_from_profile_revokes_old_links(user_client, member):
    client = user_client(member)
    client.get("/accounts/profile/")
    old = FeedToken.objects.get(user=member)
    assert client.get("/accounts/profile/feed-token/").status_code == 405
    assert client.post("/accounts/profile/feed-token/").status_code == 302
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert FeedToken.objects.filter(user=member, revoked_at__isnull=True).count() == 1


def test_calendar_response_answers_304_without_building():
    version = feed_version(
        last_modified=dt.datetime(2027, 3, 29, 7, 0, tzinfo=dt.UTC), parts=("x", 1)
    )
    built: list[int] = []

    def build() -> bytes:
        built.append(1)
        return b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

    first = calendar_response(
        RequestFactory().get("/f.ics"), version=version, build=build, filename="f.ics"
    )
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/calendar")
    by_etag = RequestFactory().get("/f.ics", headers={"If-None-Match": first["ETag"]})
    assert (
        calendar_response(by_etag, version=version, build=build, filename="f.ics").status_code
        == 304
    )
    by_date = RequestFactory().get("/f.ics", headers={"If-Modified-Since": first["Last-Modified"]})
    assert (
        calendar_response(by_date, version=version, build=build, filename="f.ics").status_code
        == 304
    )
    assert built == [1]
    changed = feed_version(
        last_modified=dt.datetime(2027, 3, 29, 8, 0, tzinfo=dt.UTC), parts=("x", 2)
    )
    assert (
        calendar_response(by_etag, version=changed, build=build, filename="f.ics").status_code
        == 200
    )


def test_built_calendar_keeps_wall_clock_time_across_dst():
    calendar = calendar_new(name="WMCore shifts")
    stamp = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    # The Monday 09:00 Zurich handover the week Europe moves its clocks (28 March 2027).
    start = dt.datetime(2027, 3, 22, 9, 0, tzinfo=ZURICH)
    end = dt.datetime(2027, 3, 29, 9, 0, tzinfo=ZURICH)
    calendar.add_component(
        event_new(
            uid="shift-1@shiftdesk",
            start=start,
            end=end,
            summary="Alice on shift",
            stamp=stamp,
            last_modified=stamp,
            transparent=True,
        )
    )
    data = calendar_bytes(
        calendar, times=[start, end], first=dt.date(2027, 1, 1), last=dt.date(2027, 12, 31)
    )
    parsed = icalendar.Calendar.from_ical(data)
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Zurich"]
    event = parsed.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert event.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2027, 3, 22, 8, 0, tzinfo=dt.UTC
    )
    assert event.decoded("dtend").astimezone(dt.UTC) == dt.datetime(
        2027, 3, 29, 7, 0, tzinfo=dt.UTC
    )
    assert event.decoded("dtend").astimezone(CHICAGO).hour == 2  # a Chicago viewer: 02:00 CDT
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data
    assert b"X-PUBLISHED-TTL:PT1H" in data
    assert b"X-WR-CALNAME:WMCore shifts" in data


def test_parse_holidays_all_day_recurring_and_floating():
    periods = parse_periods(
        (FIXTURES / "holidays.ics").read_bytes(),
        zone=ZURICH,
        window_start=WINDOW[0],
        window_end=WINDOW[1],
    )
    by_summary = {(period.summary, period.start.date()): period for period in periods}
    good_friday = by_summary[("Good Friday", dt.date(2027, 3, 26))]
    assert good_friday.all_day
    assert good_friday.start == dt.datetime(2027, 3, 26, tzinfo=ZURICH)
    assert good_friday.end == dt.datetime(2027, 3, 27, tzinfo=ZURICH)
    assert ("New Year", dt.date(2027, 1, 1)) in by_summary  # yearly RRULE expanded in the window
    conference = by_summary[("CHEP conference", dt.date(2027, 10, 28))]
    assert conference.start.utcoffset() == dt.timedelta(hours=-5)  # TZID America/Chicago, CDT
    assert not any(period.summary == "Cancelled trip" for period in periods)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"<html><body>not a calendar</body></html>", "must start with BEGIN:VCALENDAR"),
        (
            b"BEGIN:VCALENDAR\r\n" + b"BEGIN:X\r\n" * 50 + b"END:X\r\n" * 50 + b"END:VCALENDAR\r\n",
            "nests",
        ),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", "not properly closed"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n", "ends before"),
        (
            b"BEGIN:VCALENDAR\r\n"
            + b"BEGIN:VEVENT\r\nDTSTART:20270101\r\nEND:VEVENT\r\n" * 2001
            + b"END:VCALENDAR\r\n",
            "more than 2000",
        ),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (1024 * 1024) + b"\r\nEND:VCALENDAR\r\n", "larger than"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:No start\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
            "no start",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Back\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "ends before it starts",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Daily\r\nDTSTART:20270101T090000Z\r\nDTEND:20270101T100000Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            r"Event 1 \(Daily\) cannot be used: FREQ must be .* not MINUTELY",
        ),
    ],
)
def test_hostile_or_broken_files_get_a_clear_error(data, message):
    with pytest.raises(IcsError, match=message):
        parse_periods(data, zone=ZURICH, window_start=WINDOW[0], window_end=WINDOW[1])
