"""Shift benchmarks: planning 5 years of a weekly 50-person rotation, and the
"who is on shift" API against a bare DRF endpoint, in the same run.

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/shifts_benchmark.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_shifts \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/shifts_benchmark.py

Default database: a throwaway SQLite file under var/. On PostgreSQL the script uses
(and migrates) the named database and removes its own data at the end.
"""

import datetime as dt
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
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.models import Shift
from shifts.services import rotations
from teams.models import Membership, Team

PEOPLE = 50
YEARS = 5
REQUESTS = 1000


class Constant(APIView):
    """The bare DRF baseline: same authentication and middleware, no database work."""

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [
    path("bench/constant/", Constant.as_view()),
    path("", include("config.urls")),
]


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


def oncall() -> None:
    client = Client()
    results = {}
    for slug, years in (("bench-short", 1), ("bench-long", YEARS)):
        team, users = make_team(slug)
        start = timezone.localdate() - dt.timedelta(weeks=52 * years)
        rotations.rotation_create(team=team, participants=users, start_on=start)
        token = Token.objects.create(user=users[0]).key
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
        url = f"/api/v1/teams/{slug}/oncall/"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        assert response.status_code == 200, response.content
        history = Shift.objects.filter(team=team).count()
        print(f"on-call API, {history} shifts of history: {len(queries)} queries")
        results[slug] = (url, headers)

    url, headers = results["bench-long"]
    for name, target in (("bare DRF constant", "/bench/constant/"), ("on-call", url)):
        for _ in range(50):  # warm up
            client.get(target, **headers)
        started = time.perf_counter()
        for _ in range(REQUESTS):
            client.get(target, **headers)
        elapsed = time.perf_counter() - started
        results[name] = REQUESTS / elapsed
        print(f"{name}: {results[name]:.0f} requests/s ({REQUESTS} sequential, in process)")
    print(f"on-call throughput / bare DRF: {results['on-call'] / results['bare DRF constant']:.2f}")


def main() -> None:
    call_command("migrate", verbosity=0)
    Team.objects.filter(slug__startswith="bench-").delete()
    User.objects.filter(username__startswith="bench-").delete()
    print(f"database: {connection.vendor}")
    with override_settings(ROOT_URLCONF=__name__):
        generation()
        oncall()
    Team.objects.filter(slug__startswith="bench-").delete()
    User.objects.filter(username__startswith="bench-").delete()


if __name__ == "__main__":
    main()
