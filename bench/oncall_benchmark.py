""""Who is on shift now" (GET /api/v1/teams/{slug}/oncall/, token auth) against a bare
DRF APIView with the same token authentication, in the same process, interleaved request
by request (bare, on-call, bare, on-call...), so both see the same machine load; each
request is timed, and the ratio is that of the median times, per block of requests and
over all of them. Then the same with the answer evicted before each on-call request
(the miss). Also the query counts of a cache miss and a hit.

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/oncall_benchmark.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_oncall \
    CACHE_URL=redis://127.0.0.1:6379/9 \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/oncall_benchmark.py

Default database: a throwaway SQLite file under var/; default cache: the file cache.
On PostgreSQL the script uses (and migrates) the named database and removes its own
data at the end.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-oncall.sqlite3"
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
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from shifts.models import Shift
from shifts.services import rotations
from teams.cache_versions import team_cache_copies
from teams.models import Membership, Team

SLUG = "bench-oncall"
PEOPLE = 50
YEARS = 5
BLOCKS = 5
PER_BLOCK = 1000


def setup() -> str:
    team = Team.objects.create(slug=SLUG, name="Bench", time_zone="Europe/Zurich")
    users = User.objects.bulk_create(User(username=f"{SLUG}-{n}") for n in range(PEOPLE))
    Membership.objects.bulk_create(Membership(team=team, user=user) for user in users)
    start = timezone.localdate() - dt.timedelta(weeks=52 * YEARS)
    rotations.rotation_create(team=team, participants=users, start_on=start)
    print(f"{Shift.objects.filter(team=team).count()} shifts of history, {PEOPLE} people")
    return Token.objects.create(user=users[0]).key


def evict(key: str) -> None:
    """Delete a team cache entry from the shared cache and this process's copies."""
    cache.delete(key)
    team_cache_copies.pop(key, None)


def timed(client: Client, url: str, headers: dict[str, str], *, evicted: str = "") -> float:
    """Seconds one request takes; `evicted`: a team cache key evicted before it (not
    timed)."""
    if evicted:
        evict(evicted)
    started = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content
    return elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    Team.objects.filter(slug__startswith=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()
    print(f"database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND']}")
    token = setup()
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    oncall = f"/api/v1/teams/{SLUG}/oncall/"
    cache.clear()
    answer_key = f"team:{Team.objects.get(slug=SLUG).pk}:oncall:"

    def count(label: str, *, evicted: str = "") -> dict[str, object]:
        if evicted:
            evict(evicted)
        with CaptureQueriesContext(connection) as queries:
            body: dict[str, object] = client.get(oncall, **headers).json()
        print(f"on-call {label}: {len(queries)} queries")
        return body

    count("first question of this process (nothing cached)")
    count("second (the team's id known: the caller's access is cached now)")
    body = count("hit (access and answer cached)")
    count("miss (answer not cached, access cached)", evicted=answer_key)
    assert body["person"] is not None
    for _ in range(300):  # warm up
        client.get(oncall, **headers)
        client.get("/bench/constant/", **headers)
    median = statistics.median

    def interleaved(*, evicted: str = "") -> tuple[list[float], list[float]]:
        """The bare view's and the on-call answer's times, request by request in turn."""
        bare: list[float] = []
        oncalls: list[float] = []
        for block in range(BLOCKS):
            for _ in range(PER_BLOCK):
                bare.append(timed(client, "/bench/constant/", headers))
                oncalls.append(timed(client, oncall, headers, evicted=evicted))
            window = slice(block * PER_BLOCK, (block + 1) * PER_BLOCK)
            print(f"  block {block + 1}: {median(bare[window]) / median(oncalls[window]):.2f}")
        return bare, oncalls

    print("on-call cached / bare DRF, by block:")
    bare, hits = interleaved()
    print("on-call with its answer evicted / bare DRF, by block:")
    bare_again, misses = interleaved(evicted=answer_key)
    print(f"bare DRF APIView (token auth): {1 / median(bare):5.0f} requests/s (median time)")
    print(f"on-call, cached:               {1 / median(hits):5.0f} requests/s")
    print(f"on-call, answer evicted:       {1 / median(misses):5.0f} requests/s")
    print(
        f"on-call cached / bare DRF: {median(bare) / median(hits):.2f} "
        f"(target >= 0.9; {BLOCKS} blocks x {PER_BLOCK} requests each, interleaved; "
        f"ratio of the mean times: {sum(bare) / sum(hits):.2f})"
    )
    print(f"on-call miss / bare DRF: {median(bare_again) / median(misses):.2f}")
    Team.objects.filter(slug__startswith=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()


if __name__ == "__main__":
    with override_settings(ROOT_URLCONF="bench.baseline"):
        main()
