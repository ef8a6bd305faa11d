"""Benchmark: incident list page and list API, action items, knowledge search, with many rows.

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/incidents_lists.py
    (DATABASE_URL=postgres://... to run against PostgreSQL; default: var/bench-incidents.sqlite3)

Prints the median wall time and the query count of each request.
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-incidents.sqlite3'}")
(ROOT / "var").mkdir(exist_ok=True)

import django

django.setup()

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import (
    ActionItem,
    Component,
    Incident,
    KnowledgeEntry,
    SupportRequest,
    TimelineEntry,
)
from teams.models import Membership, Team

INCIDENTS = 10_000
PER_INCIDENT_ENTRIES = 5


def seed() -> tuple[Team, User]:
    call_command("migrate", verbosity=0)
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    users = []
    for i in range(8):
        user, _ = User.objects.get_or_create(username=f"bench{i}")
        Membership.objects.get_or_create(team=team, user=user)
        users.append(user)
    if Incident.objects.filter(team=team).count() >= INCIDENTS:
        return team, users[0]
    Incident.objects.filter(team=team).delete()
    components = [Component.objects.get_or_create(team=team, name=f"Comp{i}")[0] for i in range(12)]
    now = timezone.now()
    incidents = Incident.objects.bulk_create(
        (
            Incident(
                team=team,
                title=f"Backlog in component {i % 12} after crash {i}",
                kind=Incident.Kind.values[i % 4],
                status=Incident.Status.values[i % 3],
                owner=users[i % 8],
                detected_at=now - dt.timedelta(minutes=30 * i),
            )
            for i in range(INCIDENTS)
        ),
        batch_size=1000,
    )
    Incident.components.through.objects.bulk_create(
        (
            Incident.components.through(incident=incident, component=components[i % 12])
            for i, incident in enumerate(incidents)
        ),
        batch_size=2000,
    )
    TimelineEntry.objects.bulk_create(
        (
            TimelineEntry(incident=incident, author=users[j], body=f"Entry {j}", occurred_at=now)
            for incident in incidents
            for j in range(PER_INCIDENT_ENTRIES)
        ),
        batch_size=5000,
    )
    ActionItem.objects.bulk_create(
        (
            ActionItem(
                team=team,
                title=f"Follow up {i}",
                owner=users[i % 8],
                incident=incidents[i],
                source="incident",
                due_on=(now - dt.timedelta(days=i % 20 - 10)).date(),
            )
            for i in range(INCIDENTS)
        ),
        batch_size=2000,
    )
    SupportRequest.objects.bulk_create(
        (
            SupportRequest(
                team=team,
                asked_by=f"Person {i}",
                question="Why is my workflow stuck?",
                asked_at=now - dt.timedelta(hours=i),
                first_response_at=now - dt.timedelta(hours=i) + dt.timedelta(minutes=i % 90),
            )
            for i in range(INCIDENTS)
        ),
        batch_size=2000,
    )
    KnowledgeEntry.objects.bulk_create(
        KnowledgeEntry(
            team=team,
            title=f"Known problem {i}",
            symptom=f"The backlog grows in component {i % 12}; log shows error {i}.",
            mitigation="Restart the component.",
        )
        for i in range(1000)
    )
    return team, users[0]


def measure(client: Client, url: str, runs: int = 7) -> tuple[float, int]:
    client.get(url)  # warm up
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(times) * 1000, queries


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    team, user = seed()
    print(f"database: {connection.vendor}; seeded in {time.perf_counter() - started:.1f} s")
    print(
        f"{Incident.objects.count()} incidents, {TimelineEntry.objects.count()} timeline entries, "
        f"{ActionItem.objects.count()} action items, {SupportRequest.objects.count()} support "
        f"requests, {KnowledgeEntry.objects.count()} knowledge entries"
    )
    client = Client()
    client.force_login(user)
    first = Incident.objects.filter(team=team).order_by("-detected_at").first()
    assert first is not None
    urls = [
        "/incidents/bench/",
        "/incidents/bench/?status=active&component=" + str(Component.objects.first().pk),  # type: ignore[union-attr]
        f"/incidents/bench/{first.pk}/",
        "/incidents/bench/action-items/?overdue=on",
        "/incidents/bench/support/",
        "/incidents/bench/kb/?q=backlog+component",
        "/api/v1/teams/bench/incidents/?page_size=100",
        "/api/v1/teams/bench/incidents/?page_size=100&component=Comp3&status=open",
        "/api/v1/teams/bench/action-items/?page_size=100&overdue=true",
        "/api/v1/teams/bench/support-requests/stats/?by=day&since=2025-01-01",
        "/",
    ]
    print(f"{'request':78} {'median ms':>9} {'queries':>7}")
    for url in urls:
        ms, queries = measure(client, url)
        print(f"{url:78} {ms:9.1f} {queries:7d}")


if __name__ == "__main__":
    main()
