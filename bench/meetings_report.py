"""Benchmark: the live report page of a 50-member team with 50 topics and 100 action
items (bytes, owner options, queries, render time), and the autosave round trip as the
editor's script sends it (the changed topic and every part's version) against the whole
form, interleaved: request bytes, queries and server time (median / p95 of 50 saves).

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/meetings_report.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_meetings \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/meetings_report.py

Uses a throwaway SQLite file under var/ (or DATABASE_URL if set).
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
bench_db = ROOT / "var" / "bench-meetings.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{bench_db}")

import django

django.setup()

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting, MeetingSeries
from meetings.services import reports
from meetings.services import series as series_services
from teams.models import Membership, Team

MEMBERS = 50
TOPICS = 50
ITEMS_PER_TOPIC = 2
SAVES = 50


def setup() -> tuple[Client, Meeting]:
    if bench_db.exists() and "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        bench_db.unlink()
    call_command("migrate", verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    user, _ = User.objects.get_or_create(username="bench-shifter")
    Membership.objects.get_or_create(team=team, user=user, defaults={"role": "lead"})
    for number in range(1, MEMBERS):
        other, _ = User.objects.get_or_create(username=f"bench-member-{number}")
        Membership.objects.get_or_create(team=team, user=other)
    MeetingSeries.objects.filter(team=team).delete()
    series = series_services.series_create(
        team=team,
        title="Bench weekly",
        time_zone="Europe/Zurich",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        starts_on=dt.date(2027, 1, 4),
        start_time=dt.time(16, 0),
        duration_minutes=60,
    )
    start = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    series_services.meetings_materialize(series=series, now=start, since=start)
    meeting = series.meetings.order_by("start_at").first()
    assert meeting is not None
    report = reports.report_open(meeting=meeting, user=user)
    for number in range(TOPICS):
        topic = reports.topic_add(report=report, user=user, title=f"Topic {number}")
        for item in range(ITEMS_PER_TOPIC):
            reports.topic_action_item_add(
                topic=topic, user=user, title=f"Action {number}.{item}", owner=user
            )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client, meeting


def main() -> None:
    from urllib.parse import urlencode

    from tests.meetings.htmlform import form_fields, only_changed

    client, meeting = setup()
    url = f"/meetings/{meeting.pk}/report/"
    client.get(url)  # warm up templates and the session
    render_times = []
    for _ in range(10):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            render_times.append(time.perf_counter() - started)
        assert response.status_code == 200
    page_queries = len(queries)
    page = response.content.decode()

    fields = form_fields(page)
    first_topic = fields["topic"][0]
    times: dict[str, list[float]] = {"changed part": [], "whole form": []}
    sizes, counts = {}, {}
    for number in range(SAVES):
        for kind in times:
            fields[f"topic-{first_topic}-discussion"] = [f"Typing... {kind} {number}"]
            sent = only_changed(fields, first_topic) if kind == "changed part" else fields
            sizes[kind] = len(urlencode(sent, doseq=True))
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(f"{url}autosave/", sent, HTTP_HX_REQUEST="true")
                times[kind].append(time.perf_counter() - started)
            counts[kind] = len(queries)
            assert response.status_code == 200, response.content[:300]
            # Take the new versions the answer carries, as the browser does.
            body = response.content.decode()
            for name in (f"topic-{first_topic}-version", f"topic-{first_topic}-base"):
                fields[name] = [body.split(f'name="{name}" value="')[1].split('"')[0]]
    reset_queries()

    def ms(values: list[float], q: float) -> float:
        return 1000 * statistics.quantiles(values, n=100)[int(q) - 1]

    print(f"database: {connection.vendor}")
    print(f"report page ({MEMBERS} members, {TOPICS} topics, {TOPICS * ITEMS_PER_TOPIC} items):")
    print(f"  bytes: {len(response_bytes(client, url))}, <option>s: {page.count('<option')}")
    print(f"  queries: {page_queries}")
    print(f"  render: median {1000 * statistics.median(render_times):.1f} ms")
    print(f"autosave (server time, {SAVES} saves each, interleaved, one topic changed):")
    for kind, values in times.items():
        print(
            f"  {kind}: {sizes[kind]} bytes sent, {counts[kind]} queries, "
            f"median {1000 * statistics.median(values):.1f} ms, p95 {ms(values, 95):.1f} ms"
        )


def response_bytes(client: Client, url: str) -> bytes:
    return client.get(url).content


if __name__ == "__main__":
    main()
