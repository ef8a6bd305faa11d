"""Demo incidents of each kind with timelines, support requests, action items and two
knowledge-base entries for the wmcore team. Idempotent: records are found by title."""

import datetime as dt
from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from incidents.models import ActionItem, Component, Incident, KnowledgeEntry, SupportRequest
from incidents.services import action_items, incidents, knowledge, support
from teams.demo import DemoContext
from teams.models import Team

COMPONENTS = ["JobAccountant", "RucioInjector", "WorkQueueManager", "ReqMgr2", "MSTransferor"]


def seed(context: DemoContext) -> None:
    team = context.team
    if team is None:
        raise RuntimeError("teams.demo runs first")
    users = cast(dict[str, User], context.users)
    alice, bob, carol, dave = (users[name] for name in ("alice", "bob", "carol", "dave"))
    components = {
        name: Component.objects.get_or_create(team=team, name=name)[0] for name in COMPONENTS
    }
    now = timezone.now().replace(second=0, microsecond=0)
    ago = lambda **kw: now - dt.timedelta(**kw)  # noqa: E731

    kb_stuck = _knowledge(
        team=team,
        by=bob,
        title="JobAccountant stuck on a corrupted framework job report",
        symptom="JobAccountant stops advancing; the `wmagent_jobs_pending_accounting` backlog "
        "grows; the component log repeats `Could not load FWJR`.",
        diagnosis="One job's framework job report (FWJR) pickle is truncated; the component "
        "retries it forever and never reaches the rest of the batch.",
        mitigation="1. Find the job id in the component log.\n2. Move its FWJR aside.\n"
        "3. Fail the job with `kill-workflow-jobs` and restart JobAccountant.",
        components=[components["JobAccountant"]],
        expert_only=False,
    )
    _knowledge(
        team=team,
        by=bob,
        title="Rucio injection backlog after a token expiry",
        symptom="RucioInjector reports 401 from Rucio; blocks stay open; transfers never start.",
        diagnosis="The service proxy/token used by the agent expired.",
        mitigation="Renew the service token on the agent (expert procedure: needs the robot "
        "certificate), then restart RucioInjector.",
        components=[components["RucioInjector"]],
        expert_only=True,
    )

    failure = _incident(
        team=team,
        by=alice,
        owner=bob,
        title="Backlog in WorkQueueManager after JobAccountant crash",
        kind=Incident.Kind.SYSTEM_FAILURE,
        severity=Incident.Severity.HIGH,
        components=[components["JobAccountant"], components["WorkQueueManager"]],
        started_at=ago(days=2, hours=3),
        detected_at=ago(days=2, hours=1),
        summary="Agents `vocms0255` and `vocms0256`: JobAccountant died, the work queue stopped "
        "pulling; the backlog shows up two stages later.",
        links=["https://monit-grafana.example.org/d/wmagent"],
        notes=[
            (bob, ago(days=2), "Found `Could not load FWJR` in the JobAccountant log."),
            (bob, ago(days=1, hours=22), "Moved the corrupted report aside and restarted."),
        ],
    )
    if failure.status == Incident.Status.OPEN:
        incidents.incident_set_status(
            incident=failure, status=Incident.Status.INVESTIGATING, by=bob, at=ago(days=1, hours=23)
        )
        incidents.incident_set_status(
            incident=failure,
            status=Incident.Status.RESOLVED,
            by=bob,
            note="Corrupted FWJR removed; JobAccountant restarted; backlog drained in 2 h.",
            at=ago(days=1, hours=20),
        )
        failure.knowledge_entries.add(kb_stuck)

    on_demand = _incident(
        team=team,
        by=carol,
        owner=carol,
        title="P&R: workflows stuck in running-closed",
        kind=Incident.Kind.ON_DEMAND,
        severity=Incident.Severity.MEDIUM,
        reporter_team="P&R",
        components=[components["ReqMgr2"]],
        detected_at=ago(hours=20),
        notes=[(carol, ago(hours=19), "Checked ReqMgr2: 14 workflows without output datasets.")],
    )
    if on_demand.status == Incident.Status.OPEN:
        incidents.incident_set_status(
            incident=on_demand, status=Incident.Status.INVESTIGATING, by=carol, at=ago(hours=19)
        )
        incidents.incident_transfer(
            incident=on_demand,
            owner=dave,
            by=carol,
            note="Handing over at the end of my shift; Dave knows MSOutput best.",
        )

    bug = _incident(
        team=team,
        by=dave,
        owner=dave,
        title="MSTransferor ignores the site white list for pileup",
        kind=Incident.Kind.BUG_DISCOVERY,
        severity=Incident.Severity.LOW,
        components=[components["MSTransferor"]],
        detected_at=ago(hours=6),
        notes=[(dave, ago(hours=5), "Reproduced with a test workflow; needs a GitHub issue.")],
    )
    support_incident = _incident(
        team=team,
        by=bob,
        owner=bob,
        title="Tier0 asks why their agent cannot reach ReqMgr2",
        kind=Incident.Kind.SUPPORT_REQUEST,
        severity=Incident.Severity.LOW,
        reporter_team="Tier0",
        components=[components["ReqMgr2"]],
        detected_at=ago(hours=3),
        notes=[(bob, ago(hours=2, minutes=30), "Certificate of their agent is not registered.")],
    )

    if not SupportRequest.objects.filter(team=team).exists():
        support.support_request_create(
            team=team,
            created_by=bob,
            asked_by="Tier0 operator",
            asking_team="Tier0",
            channel=SupportRequest.Channel.MATTERMOST,
            link="https://mattermost.example.org/cms/pl/abc123",
            question="Our agent gets 403 from ReqMgr2 since this morning. Anything changed?",
            answer="Your agent's certificate is not registered; we registered it.",
            asked_at=ago(hours=3),
            first_response_at=ago(hours=2, minutes=35),
            resolved_at=ago(hours=1),
            handled_by=bob,
            incident=support_incident,
        )
        support.support_request_create(
            team=team,
            created_by=carol,
            asked_by="Data management",
            asking_team="DM",
            channel=SupportRequest.Channel.SLACK,
            question="Which agent injects the /Foo/Bar/RAW blocks into Rucio?",
            asked_at=ago(minutes=40),
            handled_by=carol,
        )

    today = timezone.localdate()
    if not ActionItem.objects.filter(team=team).exists():
        action_items.action_item_create(
            team=team,
            title="Open a GitHub issue for the MSTransferor pileup white list",
            created_by=dave,
            owner=dave,
            due_on=today + dt.timedelta(days=3),
            incident=bug,
            needs_github_issue=True,
        )
        action_items.action_item_create(
            team=team,
            title="Add an alert on the JobAccountant backlog",
            created_by=alice,
            owner=bob,
            due_on=today - dt.timedelta(days=2),
            incident=failure,
        )
        done = action_items.action_item_create(
            team=team,
            title="Document the FWJR clean-up in the knowledge base",
            created_by=alice,
            owner=bob,
            due_on=today - dt.timedelta(days=1),
            incident=failure,
        )
        action_items.action_item_update(action_item=done, status=ActionItem.Status.DONE)
        action_items.action_item_create(
            team=team,
            title="Ask P&R for the list of affected workflows",
            created_by=carol,
            owner=carol,
            due_on=today - dt.timedelta(days=1),
            incident=on_demand,
        )
    context.log(
        f"incidents: {Incident.objects.filter(team=team).count()} incidents, "
        f"{SupportRequest.objects.filter(team=team).count()} support requests, "
        f"{ActionItem.objects.filter(team=team).count()} action items, "
        f"{KnowledgeEntry.objects.filter(team=team).count()} knowledge-base entries"
    )


def _incident(
    *,
    team: Team,
    by: User,
    notes: list[tuple[User, dt.datetime, str]],
    **fields: object,
) -> Incident:
    existing = Incident.objects.filter(team=team, title=fields["title"]).first()
    if existing is not None:
        return existing
    incident = incidents.incident_open(team=team, created_by=by, **fields)  # type: ignore[arg-type]
    for author, at, body in notes:
        incidents.timeline_entry_add(incident=incident, author=author, body=body, occurred_at=at)
    return incident


def _knowledge(*, team: Team, by: User, title: str, **fields: object) -> KnowledgeEntry:
    existing = KnowledgeEntry.objects.filter(team=team, title=title).first()
    if existing is not None:
        return existing
    return knowledge.knowledge_entry_create(team=team, created_by=by, title=title, **fields)  # type: ignore[arg-type]
