"""Demo deployments for wmcore: 10 production agents at CERN and FNAL that drifted apart,
4 patches in different states, and a draining campaign in progress. Idempotent: hosts
are found by name, changes and the campaign by title, and nothing moves backwards."""

import datetime as dt
from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from deployments.models import Campaign, CampaignHost, Change, Host
from deployments.services import campaigns, changes, hosts
from teams.demo import DemoContext
from teams.models import Team

AGENTS = [
    # name, site, release
    ("vocms0250", "CERN", "2.3.4"),
    ("vocms0251", "CERN", "2.3.4"),
    ("vocms0252", "CERN", "2.3.4"),
    ("vocms0253", "CERN", "2.3.4"),
    ("vocms0255", "CERN", "2.3.4"),
    ("vocms0256", "CERN", "2.3.3"),
    ("cmsgwms-submit1", "FNAL", "2.3.4"),
    ("cmsgwms-submit2", "FNAL", "2.3.4"),
    ("cmsgwms-submit3", "FNAL", "2.3.4"),
    ("cmsgwms-submit4", "FNAL", "2.3.3"),
]

# title, link, target release, {host: (state, note)}; hosts not named stay pending.
PATCHES = [
    (
        "JobAccountant: skip a truncated FWJR instead of retrying forever",
        "https://github.com/dmwm/WMCore/pull/11890",
        "",
        {name: ("applied", "") for name, _, _ in AGENTS[:9]},
    ),
    (
        "RucioInjector: renew the token before it expires",
        "https://github.com/dmwm/WMCore/pull/11902",
        "2.3.4",
        {
            "vocms0250": ("applied", ""),
            "vocms0251": ("applied", ""),
            "vocms0252": ("applied", ""),
            "vocms0253": ("applied", ""),
            "vocms0255": ("applied", ""),
            "cmsgwms-submit1": ("applied", ""),
            "cmsgwms-submit2": ("failed", "patch did not apply: file changed locally"),
        },
    ),
    (
        "WorkQueueManager: cap the elements pulled per cycle",
        "https://github.com/dmwm/WMCore/pull/11915",
        "",
        {
            "vocms0250": ("applied", ""),
            "vocms0251": ("applied", ""),
            "vocms0256": ("not_needed", "2.3.3 has no pull cycle cap"),
            "cmsgwms-submit4": ("not_needed", "2.3.3 has no pull cycle cap"),
        },
    ),
    (
        "MSTransferor: log the rule id on failure",
        "https://github.com/dmwm/WMCore/pull/11921",
        "2.3.4",
        {},
    ),
]

CAMPAIGN = "Drain CERN agents above 85% storage"
CAMPAIGN_STAGES = {
    "vocms0253": ["draining", "drained", "redeployed"],
    "vocms0255": ["draining", "drained"],
    "vocms0256": ["draining"],
}


def seed(context: DemoContext) -> None:
    team = context.team
    if team is None:
        raise RuntimeError("teams.demo runs first")
    users = cast(dict[str, User], context.users)
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    now = timezone.now().replace(second=0, microsecond=0)
    agents = _agents(team=team, by=alice)
    for number, (title, link, release, states) in enumerate(PATCHES):
        change = Change.objects.filter(team=team, title=title).first()
        if change is None:
            change = changes.change_create(
                team=team,
                title=title,
                link=link,
                target_release=release,
                by=alice,
                created_at=now - dt.timedelta(days=20 - 5 * number),
            )
        for name, (state, note) in states.items():
            changes.host_change_record(
                change=change,
                host=agents[name],
                state=state,
                note=note,
                by=bob if name.startswith("vocms") else carol,
                at=now - dt.timedelta(days=12 - 3 * number, hours=len(name)),
            )
    _campaign(team=team, agents=agents, lead=alice, shifter=bob)
    context.log(f"{len(agents)} agents, {len(PATCHES)} patches, campaign {CAMPAIGN!r}")


def _agents(*, team: Team, by: User) -> dict[str, Host]:
    found = {host.name: host for host in Host.objects.filter(team=team)}
    for name, site, release in AGENTS:
        if name not in found:
            found[name] = hosts.host_create(team=team, name=name, site=site, release=release, by=by)
    return found


def _campaign(*, team: Team, agents: dict[str, Host], lead: User, shifter: User) -> None:
    campaign = Campaign.objects.filter(team=team, title=CAMPAIGN).first()
    if campaign is None:
        campaign = campaigns.campaign_create(
            team=team,
            title=CAMPAIGN,
            by=lead,
            kind=Campaign.Kind.DRAINING,
            reason="Storage on the work directories passed 85%; redeploy on 2.3.5, which "
            "also brings the schema change.",
            target_release="2.3.5",
            starts_on=timezone.localdate(),
            hosts=[agents[name] for name in CAMPAIGN_STAGES],
            checklist=[
                ("Stop pulling new work (drain the agent)", True),
                ("Wait until no job is running", True),
                ("Back up the configuration and the local database", True),
                ("Redeploy on the target release", True),
                ("Check the components are up and jobs run", True),
                ("Announce the downtime to P&R", False),
            ],
        )
    if campaign.status != Campaign.Status.ACTIVE:
        return
    steps = list(campaign.checklist.order_by("position"))
    for row in campaign.campaign_hosts.select_related("host", "campaign"):
        if row.stage != CampaignHost.Stage.PENDING:
            continue  # already seeded: never move backwards
        stages = CAMPAIGN_STAGES.get(row.host.name, [])
        for stage in stages:
            row = campaigns.campaign_host_set_stage(campaign_host=row, stage=stage, by=shifter)
        for step in [step for step in steps if step.per_host][: len(stages) + 1]:
            campaigns.checklist_tick(item=step, campaign_host=row, by=shifter, done=True)
    for step in steps:
        if not step.per_host:
            campaigns.checklist_tick(item=step, by=lead, done=True)
