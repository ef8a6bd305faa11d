"""Calendar feed benchmark: one person's feed with 5 years of weekly shifts and three
weekly meeting series (about 1,000 events), against serialising the same events with
the icalendar library alone; the query count; and the 304 (not modified) path.

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/feeds_benchmark.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_feeds \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/feeds_benchmark.py

Default database: a throwaway SQLite file under var/. On PostgreSQL the script uses
(and migrates) the named database and removes its own data at the end.
"""

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-feeds.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["MEETINGS_HORIZON_DAYS"] = str(5 * 365)

import django

if os.environ["DATABASE_URL"].startswith("sqlite"):
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
django.setup()

import icalendar
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.services import series as meeting_services
from shifts.feeds import personal_events
from shifts.services import rotations
from teams import services as team_services
from teams.feeds import feed_window_start
from teams.ical import FeedEvent
from teams.models import Membership, Team
from teams.tokens import feed_token_value

SLUG = "bench-feeds"
RUNS = 15
NOT_MODIFIED_RUNS = 300


def setup() -> tuple[User, Team]:
    team = Team.objects.create(slug=SLUG, name="Bench", time_zone="Europe/Zurich")
    alice = User.objects.create(username=f"{SLUG}-alice", first_name="Alice")
    Membership.objects.create(team=team, user=alice, role=Membership.Role.LEAD)
    today = timezone.localdate()
    # Alice alone in the rotation: every shift is hers, so her feed has them all.
    rotations.rotation_create(
        team=team,
        participants=[alice],
        start_on=today - dt.timedelta(days=92),
        horizon_weeks=5 * 52,
    )
    for title, day, hour in (("Weekly", "MO", 16), ("Ops", "WE", 10), ("Friday", "FR", 16)):
        meeting_services.series_create(
            team=team,
            title=title,
            time_zone="Europe/Zurich",
            rrule=f"FREQ=WEEKLY;BYDAY={day}",
            starts_on=today - dt.timedelta(days=92),
            start_time=dt.time(hour),
            duration_minutes=60,
            location="513/R-068",
            video_url="https://video.example.org/room",
        )
        series = team.meeting_series.get(title=title)
        meeting_services.meetings_materialize(
            series=series, since=timezone.now() - dt.timedelta(days=92)
        )
    return alice, team


def icalendar_alone(events: list[FeedEvent]) -> bytes:
    """The baseline: the same events through icalendar directly, no database, no Django."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    now = dt.datetime.now(dt.UTC)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("last-modified", item.last_modified)
        event.add("sequence", item.sequence)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.title)
        event.add("description", f"{item.description}\n\n{item.url}")
        event.add("url", item.video_url or item.url)
        if item.location:
            event.add("location", item.location)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if item.transparent else "OPAQUE")
        calendar.add_component(event)
    first = min(e.start for e in events).date()
    last = max(e.end for e in events).date() + dt.timedelta(days=1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def seconds_taken(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def median_ms(
    run: Callable[[], object], times: int, before: Callable[[], object] | None = None
) -> float:
    """Median wall time of `run`; `before` (untimed) runs ahead of each sample."""
    samples = []
    for _ in range(times):
        if before is not None:
            before()
        samples.append(seconds_taken(run))
    return statistics.median(samples) * 1000


def interleaved_medians_ms(
    times: int,
    run: Callable[[], object],
    baseline: Callable[[], object],
    before: Callable[[], object],
) -> tuple[float, float]:
    """Median wall times of `run` and `baseline`, one sample of each per round, so load
    from other work on a shared machine weighs on both alike; `before` (untimed) runs
    ahead of each sample of `run`."""
    samples: list[float] = []
    baseline_samples: list[float] = []
    for _ in range(times):
        before()
        samples.append(seconds_taken(run))
        baseline_samples.append(seconds_taken(baseline))
    return statistics.median(samples) * 1000, statistics.median(baseline_samples) * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    Team.objects.filter(slug=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()
    print(f"database: {connection.vendor}")
    alice, team = setup()
    token = feed_token_value(team_services.feed_token_get_or_create(user=alice).salt)
    client = Client()
    url = reverse("shifts:feed-me", kwargs={"token": token})

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content
    events = body.count(b"BEGIN:VEVENT")
    shifts = body.count(b"UID:shift-")
    print(f"personal feed: {events} events ({shifts} shifts), {len(body) // 1024} KiB")
    print(f"queries (200): {len(queries)}")

    plain = personal_events(
        user=alice, team_ids=[team.pk], start=feed_window_start(), covered_only=False
    )
    assert len(plain) == events
    for _ in range(2):  # warm up
        client.get(url)
        icalendar_alone(plain)
    feed_ms, alone_ms = interleaved_medians_ms(
        RUNS, lambda: client.get(url), lambda: icalendar_alone(plain), before=cache.clear
    )
    print(f"feed view (200, built, full request in process): {feed_ms:.0f} ms (median of {RUNS})")
    print(f"icalendar alone, same events: {alone_ms:.0f} ms (median of {RUNS}, interleaved)")
    print(f"ratio built feed / icalendar alone: {feed_ms / alone_ms:.2f}")

    etag = response["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    print(f"queries (304): {len(queries)}")
    not_modified_ms = median_ms(
        lambda: client.get(url, headers={"if-none-match": etag}), NOT_MODIFIED_RUNS
    )
    print(f"304 path: {not_modified_ms:.2f} ms (median of {NOT_MODIFIED_RUNS})")
    client.get(url)  # the current version is in the cache now
    cached_ms = median_ms(lambda: client.get(url), NOT_MODIFIED_RUNS)
    print(f"repeated 200 (from cache): {cached_ms:.2f} ms (median of {NOT_MODIFIED_RUNS})")
    print(f"ratio cached 200 / 304: {cached_ms / not_modified_ms:.2f} (target <= 2)")

    team_urls = (
        ("team shifts", reverse("shifts:feed", kwargs={"token": token, "slug": SLUG})),
        ("team meetings", reverse("meetings:feed", kwargs={"token": token, "slug": SLUG})),
    )
    for label, team_url in team_urls:
        with CaptureQueriesContext(connection) as queries:
            size = client.get(team_url).content.count(b"BEGIN:VEVENT")
        print(
            f"{label} feed: {size} events, {len(queries)} queries, "
            f"{median_ms(lambda u=team_url: client.get(u), 5):.0f} ms"
        )

    Team.objects.filter(slug=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()


if __name__ == "__main__":
    main()
