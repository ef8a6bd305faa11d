"""Benchmark: the live report page with 50 topics and 100 action items, and the
autosave round trip.

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/meetings_report.py

Uses a throwaway SQLite file under var/ (or DATABASE_URL if set). Prints the page's
query count and render time, and the autosave server time (median / p95 of 50 saves).
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

    from tests.meetings.htmlform import form_fields

    fields = form_fields(client.get(url).content.decode())
    first_topic = fields["topic"][0]
    save_times = []
    for number in range(SAVES):
        fields[f"topic-{first_topic}-discussion"] = [f"Typing... {number}"]
        started = time.perf_counter()
        response = client.post(f"{url}autosave/", fields, HTTP_HX_REQUEST="true")
        save_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        # Take the new versions the answer carries, as the browser does.
        body = response.content.decode()
        marker = f'name="topic-{first_topic}-version" value="'
        fields[f"topic-{first_topic}-version"] = [body.split(marker)[1].split('"')[0]]
        marker = f'name="topic-{first_topic}-base" value="'
        fields[f"topic-{first_topic}-base"] = [body.split(marker)[1].split('"')[0]]
    reset_queries()

    def ms(values: list[float], q: float) -> float:
        return 1000 * statistics.quantiles(values, n=100)[int(q) - 1] if q < 100 else 0.0

    print(f"database: {connection.vendor}")
    print(f"report page ({TOPICS} topics, {TOPICS * ITEMS_PER_TOPIC} action items):")
    print(f"  queries: {page_queries}")
    print(f"  render: median {1000 * statistics.median(render_times):.1f} ms")
    print(f"autosave round trip (server time, {SAVES} saves, one topic changed each time):")
    print(
        f"  median {1000 * statistics.median(save_times):.1f} ms, p95 {ms(save_times, 95):.1f} ms"
    )


if __name__ == "__main__":
    main()
