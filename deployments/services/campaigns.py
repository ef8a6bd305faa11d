# mypy: disallow-untyped-defs, disallow-incomplete-defs
"""Writes about draining / redeployment campaigns: start one with its hosts and
checklist, move each host through drained → redeployed → validated, tick the steps.

A host's stage in a campaign moves the host's own state with it (draining, drained,
and back to running on the campaign's target release when redeployed), so the matrix,
the host's history and the campaign agree.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deployments.models import (
    Campaign,
    CampaignHost,
    ChecklistItem,
    ChecklistTick,
    Host,
    HostEvent,
)
from deployments.services.hosts import check_when, host_event_record, host_set_state
from teams.models import Team
from teams.updates import model_update

CAMPAIGN_FIELDS = frozenset(
    {"title", "kind", "reason", "target_release", "status", "starts_on", "ends_on"}
)

# The host state each stage puts the host in (None: the host's state is left alone).
STAGE_HOST_STATE: dict[str, str | None] = {
    CampaignHost.Stage.PENDING: None,
    CampaignHost.Stage.DRAINING: Host.State.DRAINING,
    CampaignHost.Stage.DRAINED: Host.State.DRAINED,
    CampaignHost.Stage.REDEPLOYED: Host.State.RUNNING,
    CampaignHost.Stage.VALIDATED: None,
}


def _check_campaign_hosts(
    *, team: Team, hosts: Iterable[Host], campaign: Campaign | None = None
) -> list[Host]:
    chosen = list(dict.fromkeys(hosts))
    if not chosen:
        raise ValidationError({"hosts": "Choose at least one host."})
    strangers = sorted(host.name for host in chosen if host.team_id != team.pk)
    if strangers:
        raise ValidationError({"hosts": f"Not a host of {team.name}: {', '.join(strangers)}."})
    retired = sorted(host.name for host in chosen if host.state == Host.State.RETIRED)
    if retired:
        raise ValidationError({"hosts": f"Retired: {', '.join(retired)}."})
    busy = CampaignHost.objects.filter(
        host__in=chosen, campaign__status=Campaign.Status.ACTIVE
    ).select_related("host", "campaign")
    if campaign is not None:
        busy = busy.exclude(campaign=campaign)
    clashes = sorted(f"{row.host.name} ({row.campaign.title})" for row in busy)
    if clashes:
        raise ValidationError(
            {"hosts": f"Already in a campaign in progress: {', '.join(clashes)}."}
        )
    return chosen


def _checklist_rows(checklist: Sequence[tuple[str, bool]]) -> list[tuple[str, bool]]:
    rows = [(text.strip(), per_host) for text, per_host in checklist if text.strip()]
    too_long = [text for text, _ in rows if len(text) > 300]
    if too_long:
        raise ValidationError({"checklist": "A checklist step is at most 300 characters."})
    if len(rows) > 50:
        raise ValidationError({"checklist": "At most 50 checklist steps."})
    return rows


@transaction.atomic
def campaign_create(
    *,
    team: Team,
    title: str,
    by: User | None,
    hosts: Iterable[Host],
    checklist: Sequence[tuple[str, bool]] = (),
    **fields: Any,
) -> Campaign:
    """Start a campaign over `hosts`; `checklist` is (step, ticked per host) pairs."""
    unknown = set(fields) - (CAMPAIGN_FIELDS - {"status"})
    if unknown:
        raise ValidationError(f"Unknown campaign fields: {', '.join(sorted(unknown))}.")
    campaign = Campaign(team=team, title=title.strip(), created_by=by, **fields)
    campaign.full_clean()
    chosen = _check_campaign_hosts(team=team, hosts=hosts)
    steps = _checklist_rows(checklist)
    campaign.save()
    now = timezone.now()
    CampaignHost.objects.bulk_create(
        CampaignHost(campaign=campaign, host=host, stage_changed_at=now, stage_changed_by=by)
        for host in chosen
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(campaign=campaign, position=number, text=text, per_host=per_host)
        for number, (text, per_host) in enumerate(steps)
    )
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: User | None, **fields: Any) -> Campaign:
    """Edit a campaign, or end it (`status="done"` / `"cancelled"`)."""
    if fields.get("status") == Campaign.Status.ACTIVE and campaign.status != Campaign.Status.ACTIVE:
        _check_campaign_hosts(
            team=campaign.team,
            hosts=[row.host for row in campaign.campaign_hosts.select_related("host")],
            campaign=campaign,
        )
    campaign, _ = model_update(instance=campaign, fields=CAMPAIGN_FIELDS, data=fields)
    return campaign


@transaction.atomic
def campaign_host_set_stage(
    *,
    campaign_host: CampaignHost,
    stage: str,
    by: User | None,
    note: str = "",
    at: dt.datetime | None = None,
) -> CampaignHost:
    """Move a host of an active campaign to `stage`, and the host's state with it."""
    if stage not in CampaignHost.Stage.values:
        raise ValidationError({"stage": f"Unknown stage {stage!r}."})
    at = check_when(at)
    campaign = campaign_host.campaign
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError({"stage": "This campaign is over."})
    if stage == campaign_host.stage:
        return campaign_host
    host = campaign_host.host
    host_state = STAGE_HOST_STATE[stage]
    if host_state is not None:
        release = campaign.target_release if stage == CampaignHost.Stage.REDEPLOYED else None
        host_set_state(host=host, state=host_state, by=by, note=note, release=release, at=at)
    host_event_record(
        host=host,
        kind=HostEvent.Kind.CAMPAIGN,
        by=by,
        old=campaign_host.stage,
        new=stage,
        note=note or campaign.title,
        at=at,
    )
    campaign_host.stage = stage
    campaign_host.stage_changed_at = at
    campaign_host.stage_changed_by = by
    campaign_host.save(update_fields=["stage", "stage_changed_at", "stage_changed_by"])
    return campaign_host


@transaction.atomic
def checklist_tick(
    *, item: ChecklistItem, by: User | None, done: bool, campaign_host: CampaignHost | None = None
) -> bool:
    """Tick (or untick) a step for one host (per-host steps) or for the campaign; the
    same tick twice is a no-op. Returns whether the step is now ticked."""
    if item.per_host and campaign_host is None:
        raise ValidationError({"host": "This step is ticked per host: name the host."})
    if not item.per_host:
        campaign_host = None
    if campaign_host is not None and campaign_host.campaign_id != item.campaign_id:
        raise ValidationError({"host": "That host is not in this campaign."})
    if item.campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError({"item": "This campaign is over."})
    ticks = ChecklistTick.objects.filter(item=item, campaign_host=campaign_host)
    if done:
        if not ticks.exists():
            ChecklistTick.objects.create(item=item, campaign_host=campaign_host, by=by)
    else:
        ticks.delete()
    return done
