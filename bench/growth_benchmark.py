"""How each hot path grows with history: 10 teams x 100 people (a few in 2 teams) with
weekly rotations and three weekly meetings a team, incidents with timelines, action items
and meeting reports; measured with 1 year of history, then again after growing it to 10
years (same users, same paths, the same "now"): queries and median server time of each
path at both sizes, and their ratio.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_growth \
    CACHE_URL=redis://127.0.0.1:6379/9 \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/growth_benchmark.py

Default database: a throwaway SQLite file under var/; default cache: the file cache.
On PostgreSQL the script uses (and migrates) the named database, VACUUMs and ANALYZEs it
after each stage and removes its own data at the end. The two stages run one after the
other, not interleaved (each path is measured in two passes a stage, the quieter kept):
the query counts and the rows read are the evidence of growth; a time ratio near 1 is
within the machine's noise (see docs/performance.md).
"""

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-growth.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django

if os.environ["DATABASE_URL"].startswith("sqlite"):
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
django.setup()

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Cast
from django.http.response import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from incidents.models import ActionItem, Incident, TimelineEntry
from meetings import recurrence
from meetings.models import Meeting, MeetingReport, MeetingSeries, Topic
from meetings.services import reports
from meetings.services import series as series_services
from shifts.models import Shift
from shifts.services import rotations
from teams import services as team_services
from teams.cache_versions import team_cache_copies
from teams.models import Membership, Team
from teams.tokens import feed_token_value
from tests.meetings.htmlform import form_fields, only_changed

SLUG = "bench-growth"
TEAMS = 10
PEOPLE = 100
IN_TWO_TEAMS = 5  # per team: the first 5 people are members of the next team too
YEARS = 10
INCIDENTS_A_YEAR = 5_000
TIMELINE_PER_INCIDENT = 3
ACTION_ITEMS_A_YEAR = 10_000
TOPICS_PER_REPORT = 3
MEETINGS = (("Weekly", "MO", 16), ("Ops", "WE", 10), ("Friday", "FR", 14))
LIVE_TOPICS = 20
YEAR = dt.timedelta(days=365)
DAY = dt.timedelta(days=1)
NOW = timezone.now()


def teams_with_rotations_and_meetings() -> tuple[list[Team], list[list[User]]]:
    """The teams, their members (the first few of each in the next team too), a weekly
    rotation of all members and three weekly meeting series per team, started ten years
    ago, through the services (meetings are materialised from now on)."""
    teams = Team.objects.bulk_create(
        Team(slug=f"{SLUG}-{n}", name=f"Growth {n}", time_zone="Europe/Zurich")
        for n in range(TEAMS)
    )
    users = User.objects.bulk_create(
        User(username=f"{SLUG}-{n}", first_name=f"Person {n}") for n in range(TEAMS * PEOPLE)
    )
    own = [users[n * PEOPLE : (n + 1) * PEOPLE] for n in range(TEAMS)]
    members = [own[n] + own[n - 1][:IN_TWO_TEAMS] for n in range(TEAMS)]
    Membership.objects.bulk_create(
        Membership(team=team, user=user)
        for team, people in zip(teams, members, strict=True)
        for user in people
    )
    start_on = NOW.date() - YEARS * YEAR
    for team, people in zip(teams, members, strict=True):
        rotations.rotation_create(team=team, participants=people, start_on=start_on)
        for title, day, hour in MEETINGS:
            series_services.series_create(
                team=team,
                title=title,
                time_zone="Europe/Zurich",
                rrule=f"FREQ=WEEKLY;BYDAY={day}",
                starts_on=start_on,
                start_time=dt.time(hour),
                duration_minutes=60,
            )
    return teams, members


def incidents_add(
    teams: list[Team], members: list[list[User]], since: dt.datetime, until: dt.datetime
) -> int:
    """Incidents spread over [since, until) with their timelines; those older than a month
    are resolved."""
    count = round(INCIDENTS_A_YEAR * (until - since) / YEAR)
    statuses = ["open", "investigating", "mitigated"]
    incidents = []
    for k in range(count):
        detected_at = until - (until - since) * (k + 1) / count
        team, nth = divmod(k, TEAMS)[::-1]  # nth: the incident's number within its team
        resolved = detected_at < NOW - 30 * DAY or nth % 2 == 0
        incidents.append(
            Incident(
                team=teams[team],
                title=f"Backlog in component {nth % 12} after crash {k}",
                kind="system_failure",
                status="resolved" if resolved else statuses[nth % 3],
                owner=members[team][nth % PEOPLE],
                detected_at=detected_at,
                resolved_at=detected_at + dt.timedelta(hours=5) if resolved else None,
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=2000)
    TimelineEntry.objects.bulk_create(
        (
            TimelineEntry(
                incident=incident,
                author=incident.owner,
                body=f"Step {step}: looked at the logs.",
                occurred_at=incident.detected_at + dt.timedelta(hours=step),
            )
            for incident in incidents
            for step in range(TIMELINE_PER_INCIDENT)
        ),
        batch_size=5000,
    )
    return count


def action_items_add(
    teams: list[Team], members: list[list[User]], since: dt.datetime, until: dt.datetime
) -> int:
    """Action items created over [since, until), due two weeks later; of those older than
    three months, 2 in 100 are still open, as stale items are in a real tracker."""
    count = round(ACTION_ITEMS_A_YEAR * (until - since) / YEAR)
    items = []
    for k in range(count):
        created_at = until - (until - since) * (k + 1) / count
        team, nth = divmod(k, TEAMS)[::-1]  # nth: the item's number within its team
        old = created_at < NOW - 90 * DAY
        is_open = nth % 50 == 0 if old else nth % 2 == 0
        items.append(
            ActionItem(
                team=teams[team],
                title=f"Follow up {k}",
                owner=members[team][nth % PEOPLE],
                due_on=(created_at + 14 * DAY).date(),
                status="open" if is_open else "done",
                closed_at=None if is_open else created_at + 10 * DAY,
            )
        )
    ActionItem.objects.bulk_create(items, batch_size=2000)
    # created_at is auto_now_add: set it from the due date afterwards, in one statement.
    ActionItem.objects.filter(pk__gte=items[0].pk, pk__lte=items[-1].pk).update(
        created_at=ExpressionWrapper(
            Cast("due_on", DateTimeField()) - 14 * DAY, output_field=DateTimeField()
        )
    )
    return count


def meeting_reports_add(teams: list[Team], since: dt.datetime, until: dt.datetime) -> int:
    """The past occurrences of every series in [since, until), each with a published
    report of three topics (one needing a follow-up)."""
    meetings = []
    for series in MeetingSeries.objects.filter(team__in=teams):
        slots = recurrence.occurrences(
            rule=series.rrule,
            starts_on=series.starts_on,
            start_time=series.start_time,
            zone_name=series.time_zone,
            after=since,
            before=until,
        )
        meetings += [
            Meeting(series=series, slot_at=slot, start_at=slot, end_at=slot + series.duration)
            for slot in slots
        ]
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    published = MeetingReport.objects.bulk_create(
        (
            MeetingReport(
                meeting=meeting,
                status="published",
                published_at=meeting.end_at,
                text="Published.",
                html="<p>Published.</p>",
            )
            for meeting in meetings
        ),
        batch_size=2000,
    )
    replies = ["answered", "follow_up", ""]
    Topic.objects.bulk_create(
        (
            Topic(report=report, position=t, title=f"Topic {t}", reply=replies[t], decision="Yes.")
            for report in published
            for t in range(TOPICS_PER_REPORT)
        ),
        batch_size=5000,
    )
    return len(meetings)


def history_add(
    teams: list[Team], members: list[list[User]], since: dt.datetime, until: dt.datetime
) -> None:
    started = time.perf_counter()
    sizes = (
        incidents_add(teams, members, since, until),
        action_items_add(teams, members, since, until),
        meeting_reports_add(teams, since, until),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a table in production
    print(
        f"  added {sizes[0]:,} incidents (x{TIMELINE_PER_INCIDENT} timeline entries), "
        f"{sizes[1]:,} action items, {sizes[2]:,} meetings with reports "
        f"in {time.perf_counter() - started:.0f} s"
    )


def data_sizes(teams: list[Team]) -> str:
    return (
        f"{Shift.objects.filter(team__in=teams).count():,} shifts, "
        f"{Incident.objects.filter(team__in=teams).count():,} incidents, "
        f"{TimelineEntry.objects.filter(incident__team__in=teams).count():,} timeline entries, "
        f"{ActionItem.objects.filter(team__in=teams).count():,} action items "
        f"({ActionItem.objects.filter(team__in=teams, status='open').count():,} open), "
        f"{MeetingReport.objects.filter(meeting__series__team__in=teams).count():,} reports, "
        f"{Membership.objects.filter(team__in=teams).count():,} memberships"
    )


class Paths:
    """The hot paths, driven through Django's test client as the shifter sees them."""

    def __init__(self, teams: list[Team], shifter: User) -> None:
        self.team = teams[0]
        self.session = Client()
        self.session.force_login(shifter)
        self.api = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=shifter).key}")
        self.feeds = Client()
        token = feed_token_value(team_services.feed_token_get_or_create(user=shifter).salt)
        self.team_feed = reverse("shifts:feed", kwargs={"token": token, "slug": self.team.slug})
        self.personal_feed = reverse("shifts:feed-me", kwargs={"token": token})
        self.oncall = f"/api/v1/teams/{self.team.slug}/oncall/"
        self.oncall_answer_key = f"team:{self.team.pk}:oncall:"
        shift = Shift.objects.get(team=self.team, start_at__lte=NOW, end_at__gt=NOW)
        self.handover = reverse(
            "handover:note", kwargs={"slug": self.team.slug, "shift_id": shift.pk}
        )
        meeting = (
            Meeting.objects.filter(series__team=self.team, start_at__gt=NOW)
            .order_by("start_at")
            .first()
        )
        assert meeting is not None
        report = reports.report_open(meeting=meeting, user=shifter)
        for number in range(LIVE_TOPICS):
            topic = reports.topic_add(report=report, user=shifter, title=f"Live topic {number}")
            reports.topic_action_item_add(
                topic=topic, user=shifter, title=f"Live action {number}", owner=shifter
            )
        self.report = f"/meetings/{meeting.pk}/report/"
        self.saves = 0


def measure(
    request: Callable[[], HttpResponseBase], rounds: int, before: Callable[[], object] | None = None
) -> tuple[int, float]:
    """Queries of one request and the median server time of `rounds` more (ms);
    `before` runs, untimed, ahead of each."""
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        response = request()
    queries = len(captured)  # read now: the next requests empty the query log
    assert response.status_code in (200, 304), response.status_code
    samples = []
    for _ in range(rounds):
        if before:
            before()
        started = time.perf_counter()
        request()
        samples.append(time.perf_counter() - started)
    return queries, statistics.median(samples) * 1000


def measure_twice(paths: Paths) -> dict[str, tuple[int, float]]:
    """Two passes over every path; of each path, the pass with the lower median (a burst
    of load from the machine's other users lands in one pass, not in both)."""
    first, second = measure_all(paths), measure_all(paths)
    return {label: min(first[label], second[label], key=lambda r: r[1]) for label in first}


def measure_all(paths: Paths) -> dict[str, tuple[int, float]]:
    """Every path at the current size: {label: (queries, median ms)}."""
    results: dict[str, tuple[int, float]] = {}

    def evict_answer() -> None:  # from the shared cache and this process's copies
        cache.delete(paths.oncall_answer_key)
        team_cache_copies.pop(paths.oncall_answer_key, None)

    for _ in range(2):  # the first asks for the team's id, the second caches the access
        paths.api.get(paths.oncall)
    results["on-call now, cached"] = measure(lambda: paths.api.get(paths.oncall), 200)
    results["on-call now, not cached"] = measure(
        lambda: paths.api.get(paths.oncall), 100, before=evict_answer
    )
    for label, url in (("team feed", paths.team_feed), ("personal feed", paths.personal_feed)):
        etag = paths.feeds.get(url)["ETag"]
        results[f"{label}, 304"] = measure(
            partial(paths.feeds.get, url, headers={"if-none-match": etag}), 100
        )
        results[f"{label}, cached 200"] = measure(partial(paths.feeds.get, url), 100)
        results[f"{label}, built"] = measure(partial(paths.feeds.get, url), 7, before=cache.clear)
    paths.session.get("/")
    results["dashboard (shifter in 2 teams)"] = measure(lambda: paths.session.get("/"), 25)
    for label, kind in (
        ("incident list API", "incidents"),
        ("action-item list API", "action-items"),
    ):
        url = f"/api/v1/teams/{paths.team.slug}/{kind}/"
        paths.api.get(url)
        results[f"{label}, first page"] = measure(partial(paths.api.get, url), 25)
    paths.session.get(paths.report)
    results["live report page"] = measure(lambda: paths.session.get(paths.report), 15)
    results["autosave (one topic)"] = measure_autosave(paths)
    paths.session.get(paths.handover)
    results["handover note page (this week)"] = measure(
        lambda: paths.session.get(paths.handover), 15
    )
    return results


def measure_autosave(paths: Paths, rounds: int = 20) -> tuple[int, float]:
    """Autosave alone: the page read that gives the form is not timed."""
    queries, samples = 0, []
    for _ in range(rounds + 1):
        fields = form_fields(paths.session.get(paths.report).content.decode())
        first_topic = fields["topic"][0]
        paths.saves += 1
        fields[f"topic-{first_topic}-discussion"] = [f"Typing... {paths.saves}"]
        sent = only_changed(fields, first_topic)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = paths.session.post(f"{paths.report}autosave/", sent, HTTP_HX_REQUEST="true")
            samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        queries = len(captured)
    return queries, statistics.median(samples[1:]) * 1000


def clean_up() -> None:
    """Team by team: a team's rows fit in one statement's parameters."""
    for team in Team.objects.filter(slug__startswith=SLUG):
        TimelineEntry.objects.filter(incident__team=team).delete()
        Topic.objects.filter(report__meeting__series__team=team).delete()
        ActionItem.objects.filter(team=team).delete()
        team.delete()
    User.objects.filter(username__startswith=SLUG).delete()


def main() -> None:
    call_command("migrate", verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    clean_up()
    print(f"database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND']}")
    started = time.perf_counter()
    teams, members = teams_with_rotations_and_meetings()
    print(f"people, rotations and meeting series in {time.perf_counter() - started:.0f} s")
    # The rotations start ten years ago; the shifts older than a year come back in stage 2.
    older = Shift.objects.filter(team__in=teams, end_at__lte=NOW - YEAR)
    older_shifts = list(older)
    older.delete()
    shifter = Shift.objects.get(team=teams[0], start_at__lte=NOW, end_at__gt=NOW).assignee
    assert shifter is not None
    if Membership.objects.filter(user=shifter).count() < 2:
        Membership.objects.create(team=teams[1], user=shifter)

    print("stage 1: one year of history")
    history_add(teams, members, NOW - YEAR, NOW)
    print(f"  {data_sizes(teams)}")
    paths = Paths(teams, shifter)
    one_year = measure_twice(paths)

    print(f"stage 2: grown to {YEARS} years of history")
    Shift.objects.bulk_create(older_shifts, batch_size=2000)
    history_add(teams, members, NOW - YEARS * YEAR, NOW - YEAR)
    print(f"  {data_sizes(teams)}")
    ten_years = measure_twice(paths)

    print(f"\n{'path':38} {'queries 1y':>10} {'10y':>4} {'ms 1y':>8} {'ms 10y':>8} {'ratio':>6}")
    for label, (queries, ms) in one_year.items():
        queries_10, ms_10 = ten_years[label]
        print(f"{label:38} {queries:10d} {queries_10:4d} {ms:8.2f} {ms_10:8.2f} {ms_10 / ms:6.2f}")
    clean_up()


if __name__ == "__main__":
    main()
