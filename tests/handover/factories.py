"""A busy period for the summary builder: something in every section, inside and just
outside the period, and `scale` times more of the bulk (for query counts and benchmarks)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from deployments.models import HostChange, HostEvent
from github_sync.models import IssueLink
from incidents.models import ActionItem, Incident, TimelineEntry
from meetings.models import Meeting, MeetingReport, Topic
from shifts.models import Override, Shift, SwapRequest, Unavailability
from tests.deployments.factories import ChangeFactory, HostFactory
from tests.github_sync.factories import GitHubIssueFactory
from tests.incidents.factories import ActionItemFactory, IncidentFactory, SupportRequestFactory
from tests.meetings.factories import make_series
from tests.teams.factories import TeamFactory

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@dataclass
class Busy:
    """The named rows a test checks, by role."""

    rows: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.rows[name]


def _incident(team, title, detected_at, **fields):
    return IncidentFactory(team=team, title=title, detected_at=detected_at, **fields)


def _entries(incident, bodies, first_at):
    TimelineEntry.objects.bulk_create(
        TimelineEntry(incident=incident, body=body, occurred_at=first_at + index * H)
        for index, body in enumerate(bodies)
    )


def _item(team, title, *, created_at, **fields):
    item = ActionItemFactory(team=team, title=title, **fields)
    ActionItem.objects.filter(pk=item.pk).update(created_at=created_at)
    item.refresh_from_db()
    return item


def busy_period(
    team, *, start: dt.datetime, end: dt.datetime, people: list, shift: Shift, scale: int = 1
) -> Busy:
    """Seed [start, end) of `team` (people[0..3] members; `shift` the period's shift)."""
    bob, carol, dave = people[1], people[2], people[3]
    busy = Busy()
    other = TeamFactory(slug=f"other-{team.slug}", name="Other")
    today = start.date()

    # Incidents ------------------------------------------------------------------
    old = _incident(team, "Old outage", start - 3 * D, owner=bob, status="investigating")
    _entries(old, ["Looked at the logs", "Restart the agent after the patch"], start - 2 * D)
    busy.rows["old"] = old
    busy.rows["stuck"] = _incident(
        team,
        "JobAccountant stuck",
        start + D,
        owner=carol,
        status=Incident.Status.RESOLVED,
        resolved_at=start + D + 5 * H,
    )
    slow = _incident(team, "Rucio slow", start + 2 * D, owner=dave)
    _entries(slow, ["Checked the injector", "Waiting for Rucio ops"], start + 2 * D + H)
    busy.rows["slow"] = slow
    _incident(
        team,
        "Long gone",
        start - 5 * D,
        status=Incident.Status.RESOLVED,
        resolved_at=start - 4 * D,
    )
    _incident(other, "Not ours", start + D)
    for n in range(10 * scale):
        extra = _incident(team, f"Busy incident {n}", start + 3 * D + n * dt.timedelta(minutes=5))
        _entries(extra, [f"step {k} of {n}" for k in range(4)], start + 3 * D)

    # Support requests -----------------------------------------------------------
    busy.rows["answered"] = SupportRequestFactory(
        team=team,
        asked_by="Ana",
        asking_team="Rucio",
        question="Why is my workflow stuck?",
        asked_at=start + H,
        first_response_at=start + 3 * H,
        handled_by=bob,
    )
    busy.rows["waiting"] = SupportRequestFactory(
        team=team, asked_by="Ben", question="Quota for T2_CH_CERN?", asked_at=start + 2 * D
    )
    busy.rows["old_waiting"] = SupportRequestFactory(
        team=team, asked_by="Cy", question="Old unanswered one", asked_at=start - 2 * D
    )
    SupportRequestFactory(team=other, question="Other team's", asked_at=start + H)
    for n in range(6 * scale):
        SupportRequestFactory(
            team=team,
            question=f"Busy question {n}",
            asked_at=start + 4 * D + n * H,
            first_response_at=start + 4 * D + n * H + dt.timedelta(minutes=30),
        )

    # Meetings: Monday 16:00 (report published, a decision), Friday 16:00 (no report) ---
    since = (start - 30 * D).date()
    monday = make_series(team, title="WMCore weekly", now=start, starts_on=since)
    friday = make_series(
        team, title="Friday sync", rrule="FREQ=WEEKLY;BYDAY=FR", now=start, starts_on=since
    )
    held = Meeting.objects.get(series=monday, start_at__gte=start, start_at__lt=end)
    report = MeetingReport.objects.create(
        meeting=held, status=MeetingReport.Status.PUBLISHED, published_at=held.end_at
    )
    Topic.objects.create(report=report, title="Tape staging", decision="Stage from T1 only.")
    Topic.objects.create(report=report, title="No decision here")
    busy.rows["monday"] = held
    busy.rows["friday"] = Meeting.objects.get(series=friday, start_at__gte=start, start_at__lt=end)
    busy.rows["next_monday"] = Meeting.objects.get(
        series=monday, start_at__gte=end, start_at__lt=end + 7 * D
    )
    for n in range(scale):
        series = make_series(
            team, title=f"Busy series {n}", rrule="FREQ=DAILY", now=start, starts_on=since
        )
        for meeting in Meeting.objects.filter(series=series, start_at__gte=start, start_at__lt=end):
            draft = MeetingReport.objects.create(meeting=meeting)
            Topic.objects.create(report=draft, title=f"t{n}", decision=f"Decided {n}")

    # Action items and their GitHub issues -----------------------------------------
    busy.rows["created"] = _item(team, "Write the runbook", created_at=start + H, owner=carol)
    busy.rows["done"] = _item(
        team,
        "Patch the agent",
        created_at=start - 7 * D,
        owner=bob,
        status=ActionItem.Status.DONE,
        closed_at=start + 2 * D,
    )
    busy.rows["overdue"] = _item(
        team, "Renew the certificate", created_at=start - 9 * D, due_on=today - 2 * D, owner=dave
    )
    busy.rows["due_next"] = _item(
        team, "Review quotas", created_at=start - 9 * D, due_on=end.date() + 2 * D, owner=bob
    )
    regressed = _item(team, "Fix the retry loop", created_at=start - 20 * D, owner=carol)
    busy.rows["regressed"] = regressed
    reopened = GitHubIssueFactory(
        repository="ops/agent",
        number=7,
        title="Retry loop",
        github_created_at=start - 20 * D,
        github_closed_at=start - 10 * D,
        was_closed=True,
        is_regression=True,
        regression_at=start + 3 * D,
    )
    IssueLink.objects.create(
        team=team, action_item=regressed, repository="ops/agent", issue=reopened, status="linked"
    )
    opened_issue = GitHubIssueFactory(
        repository="ops/agent", number=8, title="New crash", github_created_at=start + 2 * H
    )
    IssueLink.objects.create(
        team=team,
        action_item=busy.rows["created"],
        repository="ops/agent",
        issue=opened_issue,
        status="linked",
    )
    closed_issue = GitHubIssueFactory(
        repository="ops/agent",
        number=9,
        title="Old leak",
        state="closed",
        state_reason="completed",
        github_created_at=start - 30 * D,
        github_closed_at=start + 4 * D,
    )
    IssueLink.objects.create(
        team=team, incident=busy.rows["stuck"], repository="ops/agent", issue=closed_issue,
        status="linked",
    )  # fmt: skip
    foreign = _item(other, "Theirs", created_at=start + H)
    IssueLink.objects.create(
        team=other,
        action_item=foreign,
        repository="other/repo",
        issue=GitHubIssueFactory(repository="other/repo", github_created_at=start + H),
        status="linked",
    )
    for n in range(5 * scale):
        _item(team, f"Busy item {n}", created_at=start + 5 * D + n * H)

    # Deployments --------------------------------------------------------------------
    host = HostFactory(team=team, name="vocms0100")
    draining = HostFactory(team=team, name="vocms0200", state="draining")
    change = ChangeFactory(team=team, title="Patch 2.3.5")
    HostChange.objects.create(change=change, host=draining)
    HostEvent.objects.create(
        host=host,
        kind=HostEvent.Kind.CHANGE,
        change=change,
        new_value=HostChange.State.APPLIED,
        at=start + 2 * D,
        by=bob,
    )
    HostEvent.objects.create(
        host=host,
        kind=HostEvent.Kind.CHANGE,
        change=change,
        new_value=HostChange.State.APPLIED,
        at=start - 2 * D,
    )

    # Swaps, covers, leave ------------------------------------------------------------
    SwapRequest.objects.create(
        team=team,
        requester=bob,
        recipient=carol,
        shift=shift,
        status=SwapRequest.Status.ACCEPTED,
        decided_at=start - D,
    )
    SwapRequest.objects.create(team=team, requester=dave, recipient=bob, shift=shift)
    Override.objects.create(
        shift=shift,
        user=dave,
        start_at=start + 2 * D,
        end_at=start + 3 * D,
        reason="dentist",
    )
    Unavailability.objects.create(
        team=team, user=carol, starts_on=end.date() + D, ends_on=end.date() + 3 * D, note="Ski"
    )
    Unavailability.objects.create(
        team=team, user=dave, starts_on=end.date() + 30 * D, ends_on=end.date() + 31 * D
    )
    return busy
