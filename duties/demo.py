"""Demo duties of wmcore's "Developer on shift" (from the team's shift wiki) and its
onboarding checklist: alice, bob and carol have ticked everything; dave still lacks his
SSH key and CRIC role, so his coming shifts carry a warning. Earlier days of the current
shift are ticked, but for one missed duty. Idempotent: existing rows are kept."""

import datetime as dt
from typing import Any, cast

from django.contrib.auth.models import User
from django.utils import timezone

from duties import selectors, services
from duties.models import AccessGrant, AccessRequirement, Duty, DutyCheck
from meetings.models import MeetingSeries
from shifts.demo import ROTATION
from shifts.models import Rotation, Shift
from teams.demo import DemoContext
from teams.timezones import zone

AT_MEETING = Duty.Cadence.AT_MEETING
DUTIES: list[dict[str, Any]] = [
    {
        "title": "Follow the WMCore weekly (Monday 16:00 CERN time)",
        "cadence": AT_MEETING,
        "series": "WMCore weekly",
        "instructions": "Join the call, note what concerns the shift and write the internal "
        "report right after: topics, our replies, decisions, action items.",
    },
    {
        "title": "Follow CompOps (Monday 17:00 CERN time)",
        "cadence": AT_MEETING,
        "series": "CompOPS",
        "instructions": "Report the state of WMCore services; take the questions for the team "
        "and open a GitHub issue (or ask the person who raised it to) for each action.",
    },
    {
        "title": "Follow P&R development (Friday 16:00 CERN time)",
        "cadence": AT_MEETING,
        "series": "P&R development",
        "instructions": "Answer what you can; bring the rest to the team channel.",
    },
    {
        "title": "Watch #wmcore-support",
        "cadence": Duty.Cadence.DAILY_WORKING_DAYS,
        "instructions": "Answer actively, within a reasonable time. Log each question as a "
        "support request so the response times show in the handover.",
    },
    {
        "title": "Watch #dmwm when tagged",
        "cadence": Duty.Cadence.DAILY_WORKING_DAYS,
        "instructions": "Only questions that tag @wmcore-shifter or the team.",
    },
    {
        "title": "Monitoring: dashboards and component status",
        "cadence": Duty.Cadence.DAILY_WORKING_DAYS,
        "instructions": "- [WMStats](https://cmsweb.example.org/wmstats/)\n"
        "- [Grafana: WMAgent components](https://monit-grafana.example.org/d/wmagent)\n"
        "Any component down: open an incident (kind *system failure*).",
    },
    {
        "title": "Monitoring: queue backlogs and disk space",
        "cadence": Duty.Cadence.DAILY_WORKING_DAYS,
        "instructions": "JobSubmitter / JobAccountant backlogs, WorkQueue elements stuck in "
        "Acquired, and disk space on the agents (alarm at 85 %).",
    },
    {
        "title": "Support the central-services deployment cycle",
        "cadence": Duty.Cadence.ONCE_PER_SHIFT,
        "instructions": "When cmsweb deploys (preprod on Monday, production on Wednesday), "
        "check ReqMgr2, WorkQueue and WMStats after each step.",
    },
    {
        "title": "Validate the release candidate",
        "cadence": Duty.Cadence.ONCE_PER_SHIFT,
        "expert_only": True,
        "instructions": "Run the validation campaign on the testbed agents; an expert signs "
        "it off. See the runbook entry *Release validation*.",
    },
    {
        "title": "Drain agents during the deployment campaign",
        "cadence": Duty.Cadence.ONCE_PER_SHIFT,
        "instructions": "Follow the campaign's checklist under Deployments: drain, wait for "
        "the jobs to finish, then hand the agent over for redeployment.",
    },
]

CHECKLIST: list[dict[str, Any]] = [
    {
        "title": "CERN computing account",
        "instructions": "Request it at the [CERN account service](https://account.example.org/).",
    },
    {
        "title": "FNAL services account",
        "instructions": "Ask the FNAL service desk; you need it for the FNAL agents.",
    },
    {
        "title": "Service-account e-groups (cms-service-wmcore, cms-wmcore-admins)",
        "instructions": "Ask a lead to add you; membership gives you the service account.",
    },
    {
        "title": "SSH key registered on the agents",
        "instructions": "Add your public key to the team's key list (a pull request).",
    },
    {
        "title": "Operator role in CRIC",
        "instructions": "Request the *WMCore operator* role in CRIC; a lead approves it.",
    },
    {
        "title": "Joined #wmcore-support and #dmwm",
        "required": False,
        "instructions": "So that you see the questions during your shift.",
    },
]
DAVE_LACKS = {"SSH key registered on the agents", "Operator role in CRIC"}
MISSED_TITLE = "Monitoring: queue backlogs and disk space"


def seed(context: DemoContext) -> None:
    team = context.team
    users = cast(dict[str, User], context.users)
    rotation = Rotation.objects.filter(team=team, name=ROTATION).first() if team else None
    if team is None or rotation is None:
        return
    series = {s.title: s for s in MeetingSeries.objects.filter(team=team)}
    for position, spec in enumerate(DUTIES):
        if Duty.objects.filter(rotation=rotation, title=spec["title"]).exists():
            continue
        meeting_series = series.get(spec.get("series", ""))
        if spec["cadence"] == AT_MEETING and meeting_series is None:
            continue  # the meetings demo did not run
        services.duty_create(
            rotation=rotation,
            title=spec["title"],
            cadence=spec["cadence"],
            instructions=spec["instructions"],
            meeting_series=meeting_series,
            expert_only=spec.get("expert_only", False),
            position=position,
        )
    for position, spec in enumerate(CHECKLIST):
        requirement = AccessRequirement.objects.filter(team=team, title=spec["title"]).first()
        if requirement is None:
            requirement = services.access_requirement_create(
                team=team,
                title=spec["title"],
                instructions=spec["instructions"],
                required=spec.get("required", True),
                position=position,
            )
        for name, user in users.items():
            if name == "dave" and requirement.title in DAVE_LACKS:
                continue
            grant = services.access_grant_tick(requirement=requirement, user=user)
            if name != "dave":
                services.access_grant_confirm(grant=grant, lead=users["alice"])
    _tick_earlier_days(team_rotation=rotation)
    context.log(
        f"{Duty.objects.filter(rotation=rotation).count()} duties, "
        f"{AccessGrant.objects.filter(requirement__team=team).count()} access ticks "
        "(dave lacks two required items)"
    )


def _tick_earlier_days(*, team_rotation: Rotation) -> None:
    """The current shift's days before today are done, but for one missed duty."""
    now = timezone.now()
    shift = (
        Shift.objects.filter(rotation=team_rotation, start_at__lte=now, end_at__gt=now)
        .select_related("team", "assignee")
        .first()
    )
    if shift is None or shift.assignee is None or DutyCheck.objects.filter(shift=shift).exists():
        return
    rows = selectors.duty_rows(spans=[selectors.span_of(shift, shift.team)], now=now)
    earlier = [r for r in rows if r.is_missed and not r.duty.expert_only]
    last_day = max((r.on for r in earlier), default=None)
    for row in earlier:
        if row.duty.title == MISSED_TITLE and row.on == last_day:
            continue
        note = "JobSubmitter backlog 12k, watching" if "backlogs" in row.duty.title else ""
        services.duty_check_record(
            duty=row.duty,
            shift=shift,
            occurs_on=row.on,
            actor=shift.assignee,
            note=note,
            now=dt.datetime.combine(row.on, dt.time(18, 30), tzinfo=zone(shift.team.time_zone)),
        )
