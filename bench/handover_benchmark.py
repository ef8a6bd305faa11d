"""The period summary builder (`handover.summary.period_summary_build`) and the note's
rendering for a busy week (200 timeline entries, 50 action items, 10 meetings, 30
support requests, plus GitHub issues, deployments, covers and leave) and a busy month
(four times as much): queries (constant) and time.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_handover \
        DEBUG=false HTTPS=false SECRET_KEY=bench .venv/bin/python bench/handover_benchmark.py

Default database: a throwaway SQLite file under var/. On PostgreSQL the script uses
(and migrates) the named database and removes its own data at the end.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "var" / "bench-handover.sqlite3"
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
from django.db import connection
from django.test.utils import CaptureQueriesContext

from github_sync.models import GitHubIssue, IssueLink
from handover.period import month_bounds
from handover.rendering import note_html, note_text
from handover.services import handover_note_get_or_draft
from handover.summary import period_summary_build
from incidents.models import ActionItem, Incident, SupportRequest, TimelineEntry
from meetings.models import Meeting, MeetingReport, MeetingSeries, Topic
from shifts.models import Override, Shift
from shifts.services.rotations import rotation_create
from teams.models import Membership, Team

SLUG = "bench-handover"
ZURICH = ZoneInfo("Europe/Zurich")
WEEK_START = dt.datetime(2027, 3, 1, 9, tzinfo=ZURICH)
ROUNDS = 15
H = dt.timedelta(hours=1)


def seed(team: Team, people: list[User], start: dt.datetime, end: dt.datetime, n: int) -> None:
    """`n` times a busy week's worth of rows, spread over [start, end)."""
    span = end - start
    incidents = Incident.objects.bulk_create(
        Incident(
            team=team,
            title=f"Incident {k}",
            kind="system_failure",
            owner=people[k % 4],
            detected_at=start + span * k / (20 * n),
            status="resolved" if k % 3 == 0 else "investigating",
            resolved_at=start + span * k / (20 * n) + 5 * H if k % 3 == 0 else None,
        )
        for k in range(20 * n)
    )
    TimelineEntry.objects.bulk_create(
        TimelineEntry(incident=incident, body=f"step {s}", occurred_at=incident.detected_at + s * H)
        for incident in incidents
        for s in range(10)
    )
    items = ActionItem.objects.bulk_create(
        ActionItem(
            team=team,
            title=f"Item {k}",
            owner=people[k % 4],
            due_on=(start + span * k / (50 * n)).date(),
            status="done" if k % 4 == 0 else "open",
            closed_at=end - H if k % 4 == 0 else None,
        )
        for k in range(50 * n)
    )
    for k, item in enumerate(items):  # created_at is auto_now_add: set it afterwards
        ActionItem.objects.filter(pk=item.pk).update(created_at=start + span * k / (50 * n))
    issues = GitHubIssue.objects.bulk_create(
        GitHubIssue(
            repository=f"{SLUG}/repo",
            number=len(items) * 10 + k,
            title=f"Issue {k}",
            github_created_at=start + H * k,
            github_closed_at=start + H * (k + 5) if k % 2 else None,
            is_regression=k % 5 == 0,
            regression_at=start + H * (k + 7) if k % 5 == 0 else None,
        )
        for k in range(10 * n)
    )
    IssueLink.objects.bulk_create(
        IssueLink(
            team=team, action_item=item, issue=issue, repository=issue.repository, status="linked"
        )
        for item, issue in zip(items, issues, strict=False)
    )
    SupportRequest.objects.bulk_create(
        SupportRequest(
            team=team,
            asked_by=f"Asker {k}",
            question=f"Question {k}?",
            asked_at=start + span * k / (30 * n),
            first_response_at=start + span * k / (30 * n) + H if k % 5 else None,
        )
        for k in range(30 * n)
    )
    series = MeetingSeries.objects.create(
        team=team,
        title=f"Bench meeting {start:%Y%m%d}",
        time_zone="Europe/Zurich",
        rrule="FREQ=DAILY",
        starts_on=start.date(),
        start_time=dt.time(16),
        duration_minutes=60,
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            series=series,
            slot_at=start + span * k / (10 * n),
            start_at=start + span * k / (10 * n),
            end_at=start + span * k / (10 * n) + H,
        )
        for k in range(10 * n)
    )
    reports = MeetingReport.objects.bulk_create(
        MeetingReport(meeting=meeting, status="published" if k % 2 else "draft")
        for k, meeting in enumerate(meetings)
    )
    Topic.objects.bulk_create(
        Topic(report=report, title=f"Topic {t}", decision=f"Decision {t}" if t % 2 else "")
        for report in reports
        for t in range(4)
    )


def measure(team: Team, start: dt.datetime, end: dt.datetime, label: str) -> None:
    note = handover_note_get_or_draft(shift=Shift.objects.get(team=team, start_at=WEEK_START))
    with CaptureQueriesContext(connection) as captured:
        summary = period_summary_build(team=team, start_at=start, end_at=end, now=end)
    build, render = [], []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        summary = period_summary_build(team=team, start_at=start, end_at=end, now=end)
        middle = time.perf_counter()
        note_text(note, summary, viewer_zone=ZURICH)
        note_html(note, summary, viewer_zone=ZURICH)
        build.append((middle - began) * 1000)
        render.append((time.perf_counter() - middle) * 1000)
    rows = (
        len(summary.incidents.opened),
        len(summary.action_items.created),
        len(summary.meetings.held),
        summary.support.asked,
    )
    print(
        f"{label}: {len(captured.captured_queries)} queries; build median "
        f"{statistics.median(build):.1f} ms (p90 {sorted(build)[int(ROUNDS * 0.9)]:.1f}); "
        f"text + HTML render median {statistics.median(render):.1f} ms; "
        f"incidents/items/meetings/requests opened {rows}"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    Team.objects.filter(slug=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()
    GitHubIssue.objects.filter(repository=f"{SLUG}/repo").delete()
    print(f"database: {connection.vendor}")
    team = Team.objects.create(slug=SLUG, name="Bench", time_zone="Europe/Zurich")
    people = [User.objects.create(username=f"{SLUG}-{k}") for k in range(4)]
    Membership.objects.bulk_create(Membership(team=team, user=person) for person in people)
    rotation_create(
        team=team, participants=people, start_on=dt.date(2027, 1, 4), now=WEEK_START - 30 * 24 * H
    )
    shift = Shift.objects.get(team=team, start_at=WEEK_START)
    Override.objects.create(
        shift=shift, user=people[3], start_at=WEEK_START + 24 * H, end_at=WEEK_START + 48 * H
    )
    month_start, month_end = month_bounds(year=2027, month=3, tz=ZURICH)
    seed(team, people, shift.start_at, shift.end_at, 1)
    measure(team, shift.start_at, shift.end_at, "busy week, empty month around")
    seed(team, people, month_start, month_end, 4)
    measure(team, shift.start_at, shift.end_at, "busy week inside a busy month")
    measure(team, month_start, month_end, "busy month (March 2027, 743 h: DST)")
    Team.objects.filter(slug=SLUG).delete()
    User.objects.filter(username__startswith=SLUG).delete()
    GitHubIssue.objects.filter(repository=f"{SLUG}/repo").delete()


if __name__ == "__main__":
    main()
