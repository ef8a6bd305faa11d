"""Over real HTTP, as the issue measured it: gunicorn with one sync worker (the
project's config, access log included), PostgreSQL, and wrk as the client, holding the
schedule the comparison with linkedin/oncall used (4 people, weekly, 5 years, all of it
in the feed: FEEDS_PAST_DAYS is set to 5 years, so the team feed holds ~260 events as
theirs did). Paths are interleaved: each round runs wrk on every path in turn, and the
medians are printed.

    apt-get install wrk   # once
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_http \
    CACHE_URL=redis://127.0.0.1:6379/9 \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/http_benchmark.py

The paths: the team's shift feed as a client that never revalidates asks for it (a
full 200 every time) and as one that does (304), who is on shift now (token auth), and
a bare DRF view with the same token authentication served by the same worker
(`bench/http_baseline_urls.py`), the limit the on-call answer is measured against. The
script uses (and migrates) the named database and removes its own data at the end.
"""

import datetime as dt
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "BENCH_DATABASE_URL" not in os.environ:
    sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database (see the docstring).")
os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ["FEEDS_PAST_DAYS"] = str(5 * 366)

import django

django.setup()

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from shifts.services import rotations
from teams import services as team_services
from teams.models import Membership, Team
from teams.tokens import feed_token_value

SLUG = "bench-http"
PEOPLE = 4
YEARS = 5
ROUNDS = 5
SECONDS = 5
CONNECTIONS = 4


def setup() -> tuple[str, str]:
    """The team and its schedule; the feed token's path and the API token."""
    team = Team.objects.create(slug=SLUG, name="Bench", time_zone="Europe/Zurich")
    users = User.objects.bulk_create(User(username=f"{SLUG}-{n}") for n in range(PEOPLE))
    Membership.objects.bulk_create(Membership(team=team, user=user) for user in users)
    start = timezone.localdate() - dt.timedelta(weeks=52 * YEARS)
    rotations.rotation_create(team=team, participants=users, start_on=start)
    salt = team_services.feed_token_get_or_create(user=users[0]).salt
    feed = reverse("shifts:feed", kwargs={"token": feed_token_value(salt), "slug": SLUG})
    return feed, Token.objects.create(user=users[0]).key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    environment = os.environ | {
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--config",
            "config/gunicorn.py",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/constant/", timeout=1)
        except OSError as error:
            if getattr(error, "code", None) == 401:
                return server  # up (and asking for the token it was not given)
            time.sleep(0.2)
        else:
            return server
    server.kill()
    sys.exit("gunicorn did not answer")


def wrk(url: str, headers: list[str]) -> float:
    """Requests per second over one wrk run; every answer must be a 2xx or a 304."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        sys.exit(f"errors from {url}:\n{output}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert found, output
    return float(found.group(1))


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    call_command("migrate", verbosity=0)
    Team.objects.filter(slug=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()
    feed, token = setup()
    port = free_port()
    server = start_gunicorn(port)
    base = f"http://127.0.0.1:{port}"
    try:
        with urllib.request.urlopen(base + feed) as response:
            body, etag = response.read(), response.headers["ETag"]
        print(f"team shift feed: {body.count(b'BEGIN:VEVENT')} events, {len(body):,} bytes")
        auth = f"Authorization: Token {token}"
        paths = {
            "team feed, full 200 (no revalidation)": (base + feed, []),
            "team feed, 304 (If-None-Match)": (base + feed, [f"If-None-Match: {etag}"]),
            "who is on shift now (token)": (f"{base}/api/v1/teams/{SLUG}/oncall/", [auth]),
            "bare DRF view (same token auth)": (f"{base}/bench/constant/", [auth]),
        }
        rates: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(ROUNDS):
            for name, (url, headers) in paths.items():
                rates[name].append(wrk(url, headers))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        Team.objects.filter(slug=SLUG).delete()
        User.objects.filter(username__startswith=SLUG).delete()
    print(
        f"gunicorn, 1 sync worker; wrk, {CONNECTIONS} connections, "
        f"{ROUNDS} rounds x {SECONDS} s a path, interleaved; requests/s (median, min-max):"
    )
    for name, values in rates.items():
        print(
            f"  {name:40} {statistics.median(values):7.1f}  ({min(values):.1f}-{max(values):.1f})"
        )
    oncall = rates["who is on shift now (token)"]
    bare = rates["bare DRF view (same token auth)"]
    ratios = [a / b for a, b in zip(oncall, bare, strict=True)]
    print(f"who is on shift now / bare DRF view: median {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
