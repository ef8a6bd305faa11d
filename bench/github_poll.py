"""GitHub sync benchmark against the local fake GitHub (real HTTP on 127.0.0.1):

- requests per poll of a repository with 1,000 linked issues, unchanged (target: 1,
  answered 304) and with K changed issues (target: at most 1 + ⌈K/100⌉);
- webhook handling time (signature check, dedup, store, queue; target < 50 ms, the
  work itself deferred to a task), and the deferred processing time.

    DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/github_poll.py

A throwaway SQLite file under var/ (or BENCH_DATABASE_URL).
"""

import datetime as dt
import hashlib
import hmac
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-github.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
os.environ["ALLOWED_HOSTS"] = "testserver"
BENCH_CREDENTIAL = "bench-credential"
os.environ.setdefault("GITHUB_WEBHOOK_SECRET", BENCH_CREDENTIAL)
os.environ.setdefault("GITHUB_TOKEN", BENCH_CREDENTIAL)

import django

if os.environ["DATABASE_URL"].startswith("sqlite"):
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
django.setup()

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from github_sync import tasks
from github_sync.models import GitHubIssue, IssueLink, RepositorySync, WebhookDelivery
from github_sync.services import polling
from incidents.models import ActionItem
from teams.models import Team
from tests.github_sync.fake_github import FakeGitHub

REPO = "bench/service"
LINKED = 1000


def setup(fake: FakeGitHub) -> Team:
    call_command("migrate", verbosity=0)
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    fake.clock_offset = dt.timedelta(days=-1)  # a day-old backlog
    for n in range(LINKED):
        fake.add_issue(REPO, title=f"Issue {n}")
    fake.add_issue(REPO, title="A pull request", pull_request=True)
    fake.clock_offset = dt.timedelta()
    items = ActionItem.objects.bulk_create(
        ActionItem(team=team, title=f"Item {n}") for n in range(LINKED)
    )
    now = timezone.now()
    issues = GitHubIssue.objects.bulk_create(
        GitHubIssue(
            repository=REPO,
            number=data["number"],
            title=data["title"],
            github_updated_at=dt.datetime.fromisoformat(data["updated_at"].replace("Z", "+00:00")),
            synced_at=now,
        )
        for data in fake.issues(REPO)
        if "pull_request" not in data
    )
    IssueLink.objects.bulk_create(
        IssueLink(team=team, action_item=item, issue=issue, repository=REPO, status="linked")
        for item, issue in zip(items, issues, strict=True)
    )
    return team


def poll(fake: FakeGitHub) -> tuple[str, int, float]:
    fake.reset_requests()
    started = time.perf_counter()
    result = polling.repository_poll(repository=REPO)
    return result.result, fake.count(), time.perf_counter() - started


def settle(fake: FakeGitHub) -> None:
    for _ in range(4):
        if poll(fake)[0] == "not modified":
            return
    raise SystemExit("the poll never settled")


def main() -> None:
    fake = FakeGitHub(token=settings.GITHUB_TOKEN)
    settings.GITHUB_API_URL = fake.start()
    setup(fake)
    print(f"Repository with {LINKED} linked issues (and a pull request), fake GitHub over HTTP")
    first = poll(fake)
    print(f"  first poll (cursor set, nothing changed since): {first[1]} request(s), {first[0]}")
    settle(fake)
    unchanged = [poll(fake) for _ in range(5)]
    requests = {r[1] for r in unchanged}
    median_ms = statistics.median(r[2] for r in unchanged) * 1000
    results = {r[0] for r in unchanged}
    print(f"  unchanged: {requests} request(s) per poll, {results} (304), {median_ms:.1f} ms")
    for changed in (1, 50, 100, 250, 1000):
        settle(fake)
        for number in range(1, changed + 1):
            fake.update_issue(REPO, number, title=f"Changed {number} {time.time()}")
        result, count, seconds = poll(fake)
        target = 1 + math.ceil(changed / 100)
        verdict = "ok" if count <= target else "OVER TARGET"
        print(
            f"  K={changed:>4} changed: {count} request(s) (target ≤ {target}: {verdict}), "
            f"{seconds * 1000:.0f} ms, {result}"
        )
    sync = RepositorySync.objects.get()
    print(f"  rate limit left: {sync.rate_remaining} of {sync.rate_limit}")

    client = Client()
    body = json.dumps(
        {
            "action": "labeled",
            "issue": fake.update_issue(REPO, 5, labels=["bug"]),
            "repository": {"full_name": REPO},
        }
    ).encode()
    signature = (
        "sha256="
        + hmac.new(settings.GITHUB_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    )
    tasks.webhook_process.delay = lambda *args: None  # type: ignore[method-assign]
    timings = []
    for n in range(200):
        started = time.perf_counter()
        response = client.post(
            "/github/webhook/",
            body,
            content_type="application/json",
            HTTP_X_GITHUB_EVENT="issues",
            HTTP_X_GITHUB_DELIVERY=f"bench-{n}",
            HTTP_X_HUB_SIGNATURE_256=signature,
        )
        timings.append(time.perf_counter() - started)
        assert response.status_code == 202, response.content
    timings.sort()
    print(
        f"Webhook (verify, dedup, store, queue): median {statistics.median(timings) * 1000:.1f} ms,"
        f" p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms (target < 50 ms)"
    )
    process = []
    for delivery_id in WebhookDelivery.objects.values_list("pk", flat=True)[:100]:
        started = time.perf_counter()
        tasks.webhook_process(delivery_id)
        process.append(time.perf_counter() - started)
    median = statistics.median(process) * 1000
    print(f"Deferred processing per delivery (task): median {median:.1f} ms")
    fake.stop()


if __name__ == "__main__":
    main()
