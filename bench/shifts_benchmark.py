"""Shift benchmark: planning 5 years of a weekly 50-person rotation ("who is on shift"
against a bare DRF endpoint: bench/oncall_benchmark.py).

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/shifts_benchmark.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_shifts \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/shifts_benchmark.py

Default database: a throwaway SQLite file under var/. On PostgreSQL the script uses
(and migrates) the named database and removes its own data at the end.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-shifts.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django

if os.environ["DATABASE_URL"].startswith("sqlite"):
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
django.setup()

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shifts.models import Shift
from shifts.services import rotations
from teams.models import Membership, Team

PEOPLE = 50
YEARS = 5


def make_team(slug: str) -> tuple[Team, list[User]]:
    team = Team.objects.create(slug=slug, name=slug, time_zone="Europe/Zurich")
    users = User.objects.bulk_create(User(username=f"{slug}-{n}") for n in range(PEOPLE))
    Membership.objects.bulk_create(Membership(team=team, user=user) for user in users)
    return team, users


def generation() -> None:
    team, users = make_team("bench-generate")
    rotation = rotations.rotation_create(
        team=team, participants=users, start_on=timezone.localdate(), horizon_weeks=1
    )
    Shift.objects.filter(rotation=rotation).delete()
    rotation.horizon_weeks = YEARS * 52
    rotation.save()
    for label in ("first run", "second run (idempotent)"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = rotations.rotation_generate(rotation=rotation)
            elapsed = time.perf_counter() - started
        print(
            f"generate {YEARS} years x {PEOPLE} people, {label}: "
            f"{result.created} created, {result.updated} updated, "
            f"{len(queries)} queries, {elapsed * 1000:.0f} ms"
        )


def main() -> None:
    call_command("migrate", verbosity=0)
    Team.objects.filter(slug__startswith="bench-").delete()
    User.objects.filter(username__startswith="bench-").delete()
    print(f"database: {connection.vendor}")
    generation()
    Team.objects.filter(slug__startswith="bench-").delete()
    User.objects.filter(username__startswith="bench-").delete()


if __name__ == "__main__":
    main()
