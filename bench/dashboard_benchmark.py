"""The dashboard's open-incidents panel (the newest 20 open incidents of the user's
teams) with 10,000 open and 10,000 resolved incidents in 10 teams: with the partial index
`incident_open_newest` against the same query without it (dropped inside a transaction
that is rolled back), interleaved, in the same run; and both query plans.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_dashboard \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/dashboard_benchmark.py

Default database: a throwaway SQLite file under var/. On PostgreSQL the script uses
(and migrates) the named database and removes its own data at the end.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-dashboard.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_FILE}")

import django

if os.environ["DATABASE_URL"].startswith("sqlite"):
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
django.setup()

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from incidents.models import Incident
from incidents.selectors import incidents_open_for_teams
from teams.models import Membership, Team
from teams.selectors import teams_for_user

SLUG = "bench-dash"
TEAMS = 10
OPEN = 10_000
RESOLVED = 10_000
ROUNDS = 15
PER_ROUND = 20


def setup() -> User:
    teams = Team.objects.bulk_create(
        Team(slug=f"{SLUG}-{n}", name=f"Bench {n}", time_zone="Europe/Zurich") for n in range(TEAMS)
    )
    user = User.objects.create(username=f"{SLUG}-shifter")
    Membership.objects.bulk_create(Membership(team=team, user=user) for team in teams[:2])
    now = timezone.now()
    statuses = ["open", "investigating", "mitigated"]
    Incident.objects.bulk_create(
        (
            Incident(
                team=teams[n % TEAMS],
                title=f"Incident {n}",
                kind="system_failure",
                status=statuses[n % 3] if n < OPEN else "resolved",
                detected_at=now - dt.timedelta(minutes=7 * n),
                resolved_at=None if n < OPEN else now,
            )
            for n in range(OPEN + RESOLVED)
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user


def panel(user: User) -> list[Incident]:
    return list(incidents_open_for_teams(teams=teams_for_user(user=user))[:20])


def rate(user: User) -> float:
    started = time.perf_counter()
    for _ in range(PER_ROUND):
        panel(user)
    return (time.perf_counter() - started) / PER_ROUND * 1000


def plan(user: User) -> str:
    query = incidents_open_for_teams(teams=teams_for_user(user=user))[:20]
    return query.explain(analyze=True) if connection.vendor == "postgresql" else query.explain()


def main() -> None:
    call_command("migrate", verbosity=0)
    Team.objects.filter(slug__startswith=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()
    print(f"database: {connection.vendor}")
    user = setup()
    print(f"{OPEN} open and {RESOLVED} resolved incidents in {TEAMS} teams; the user in 2")
    with_index, without = [], []
    without_plan = ""
    for _ in range(3):
        panel(user)
    for _ in range(ROUNDS):
        with_index.append(rate(user))
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX incident_open_newest")
            without.append(rate(user))
            if not without_plan:
                without_plan = plan(user)
            transaction.set_rollback(True)
    print("plan with the index:\n" + plan(user))
    print("plan without it:\n" + without_plan)
    print(f"with the index: median {statistics.median(with_index):.2f} ms per panel")
    print(f"without:        median {statistics.median(without):.2f} ms per panel")
    ratios = [b / a for a, b in zip(with_index, without, strict=True)]
    print(f"without / with: median {statistics.median(ratios):.1f}x ({ROUNDS} rounds, interleaved)")
    Team.objects.filter(slug__startswith=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()


if __name__ == "__main__":
    main()
