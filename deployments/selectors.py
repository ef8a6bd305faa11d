"""Reads shared by the pages, the API, the dashboard and the period summary. Each one
runs a fixed number of queries however many hosts, changes and campaigns there are."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from deployments.models import (
    Campaign,
    CampaignHost,
    Change,
    ChecklistItem,
    ChecklistTick,
    Host,
    HostChange,
    HostEvent,
    validate_year,
)
from teams.models import Team

DRAINED_OR_LATER = [
    CampaignHost.Stage.DRAINED,
    CampaignHost.Stage.REDEPLOYED,
    CampaignHost.Stage.VALIDATED,
]
REDEPLOYED_OR_LATER = [CampaignHost.Stage.REDEPLOYED, CampaignHost.Stage.VALIDATED]


# Hosts ------------------------------------------------------------------------


def hosts_for_team(
    *,
    team: Team,
    site: str = "",
    release: str = "",
    state: str = "",
    include_retired: bool = False,
) -> QuerySet[Host]:
    qs = Host.objects.filter(team=team).select_related("team", "state_changed_by")
    if not include_retired and state != Host.State.RETIRED:
        qs = qs.active()
    if site:
        qs = qs.filter(site=site)
    if release:
        qs = qs.filter(release=release)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("site", "name")


def host_get(*, team: Team, name: str) -> Host:
    """A host of the team by name (any letter case), else 404."""
    return get_object_or_404(
        Host.objects.filter(team=team).select_related("team", "state_changed_by"),
        name__iexact=name,
    )


def host_history(*, host: Host) -> QuerySet[HostEvent]:
    return HostEvent.objects.filter(host=host).select_related("by", "change").order_by("-at", "-pk")


def host_cells(*, host: Host) -> QuerySet[HostChange]:
    """Every change in the host's scope, newest first, with who recorded it."""
    return (
        HostChange.objects.filter(host=host)
        .select_related("change", "updated_by")
        .order_by("-change__created_at", "-change_id")
    )


# Changes ----------------------------------------------------------------------


def changes_for_team(*, team: Team, open_only: bool = False) -> QuerySet[Change]:
    """The team's changes with how many hosts each is pending / applied / failed on."""
    qs = Change.objects.filter(team=team).select_related("created_by")
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    counts = {
        f"{state}_count": Count("host_changes", filter=Q(host_changes__state=state))
        for state in HostChange.State.values
    }
    return qs.annotate(hosts_count=Count("host_changes"), **counts).order_by("-created_at", "-pk")


def change_get(*, team: Team, pk: int | str) -> Change:
    if not str(pk).isdigit():
        raise ValidationError({"change": f"Not a change id: {pk!r}."})
    return get_object_or_404(Change.objects.filter(team=team).select_related("team"), pk=pk)


def change_cells(*, change: Change) -> QuerySet[HostChange]:
    return (
        HostChange.objects.filter(change=change)
        .select_related("host__team", "updated_by")
        .order_by("host__site", "host__name")
    )


@dataclass
class MatrixRow:
    host: Host
    cells: list[HostChange | None]


@dataclass
class Matrix:
    """Hosts by open changes: `rows[i].cells[j]` is host i's cell of change j (None: out
    of scope). `pending[j]` counts the pending cells of change j among the rows."""

    changes: list[Change]
    rows: list[MatrixRow]
    sites: list[str]
    releases: list[str]
    pending: list[int] = field(default_factory=list)


def change_matrix(*, team: Team, site: str = "", release: str = "") -> Matrix:
    """The drift at a glance: three queries for any number of hosts and changes."""
    hosts = list(hosts_for_team(team=team))
    sites = sorted({host.site for host in hosts})
    releases = sorted({host.release for host in hosts if host.release})
    shown = [
        host
        for host in hosts
        if (not site or host.site == site) and (not release or host.release == release)
    ]
    changes = list(
        Change.objects.filter(team=team, closed_at__isnull=True).order_by("created_at", "pk")
    )
    cells = {
        (cell.host_id, cell.change_id): cell
        for cell in HostChange.objects.filter(change__team=team, change__closed_at__isnull=True)
        .exclude(host__state=Host.State.RETIRED)
        .select_related("updated_by")
    }
    rows = [
        MatrixRow(host=host, cells=[cells.get((host.pk, change.pk)) for change in changes])
        for host in shown
    ]
    pending = [
        sum(
            1
            for row in rows
            if (cell := row.cells[column]) is not None and cell.state == HostChange.State.PENDING
        )
        for column in range(len(changes))
    ]
    return Matrix(changes=changes, rows=rows, sites=sites, releases=releases, pending=pending)


# Campaigns --------------------------------------------------------------------


def _with_progress(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.annotate(
        hosts_count=Count("campaign_hosts"),
        draining_count=Count(
            "campaign_hosts", filter=Q(campaign_hosts__stage=CampaignHost.Stage.DRAINING)
        ),
        drained_count=Count("campaign_hosts", filter=Q(campaign_hosts__stage__in=DRAINED_OR_LATER)),
        redeployed_count=Count(
            "campaign_hosts", filter=Q(campaign_hosts__stage__in=REDEPLOYED_OR_LATER)
        ),
        validated_count=Count(
            "campaign_hosts", filter=Q(campaign_hosts__stage=CampaignHost.Stage.VALIDATED)
        ),
    )


def campaigns_for_team(*, team: Team, active_only: bool = False) -> QuerySet[Campaign]:
    qs = Campaign.objects.filter(team=team).select_related("team", "created_by")
    if active_only:
        qs = qs.active()
    return _with_progress(qs).order_by("-created_at", "-pk")


def campaigns_active_for_teams(*, teams: QuerySet[Team]) -> QuerySet[Campaign]:
    """The dashboard panel: campaigns in progress in these teams, with their progress."""
    qs = Campaign.objects.active().filter(team__in=teams).select_related("team")
    return _with_progress(qs).order_by("team__name", "-created_at", "-pk")


def campaign_get(*, team: Team, pk: int | str) -> Campaign:
    """A campaign with its progress, hosts, checklist and ticks loaded."""
    qs = _with_progress(Campaign.objects.filter(team=team)).select_related("team", "created_by")
    qs = qs.prefetch_related(
        Prefetch(
            "campaign_hosts",
            queryset=CampaignHost.objects.select_related("host__team", "stage_changed_by").order_by(
                "host__site", "host__name"
            ),
        ),
        Prefetch(
            "checklist",
            queryset=ChecklistItem.objects.prefetch_related(
                Prefetch(
                    "ticks",
                    queryset=ChecklistTick.objects.select_related("by", "campaign_host__host"),
                )
            ),
        ),
    )
    return get_object_or_404(qs, pk=pk)


def campaign_host_get(*, campaign: Campaign, name: str) -> CampaignHost:
    return get_object_or_404(
        CampaignHost.objects.filter(campaign=campaign).select_related("host", "campaign"),
        host__name__iexact=name,
    )


def checklist_item_get(*, campaign: Campaign, pk: int | str) -> ChecklistItem:
    return get_object_or_404(
        ChecklistItem.objects.filter(campaign=campaign).select_related("campaign"), pk=pk
    )


# The shift's summary ------------------------------------------------------------


@dataclass(frozen=True)
class PendingChange:
    change: Change
    pending_hosts: int


@dataclass(frozen=True)
class DeploymentsSummary:
    """What the handover note says about deployments for one period [start, end)."""

    start: dt.datetime
    end: dt.datetime
    pending: list[PendingChange]  # open changes still pending somewhere (now)
    draining: list[Host]  # hosts being drained, drained or redeploying (now)
    applied: list[HostEvent]  # "change applied" events in the period, oldest first


def deployments_summary_for_period(
    *, team: Team, start: dt.datetime, end: dt.datetime
) -> DeploymentsSummary:
    """Changes pending on N hosts, hosts draining and changes applied in [start, end).

    `start` and `end` are aware instants (e.g. local midnights of the team's zone, so a
    DST week is 167 or 169 hours long); pending and draining are the state at the time
    of the call (the note is written at the end of the period). Three queries.
    """
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError({name: "Give an aware datetime (with its time zone)."})
        try:
            validate_year(value)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from error
    if end <= start:
        raise ValidationError({"end": "The end must be after the start."})
    pending = [
        PendingChange(change=change, pending_hosts=change.pending_hosts)
        for change in Change.objects.filter(team=team, closed_at__isnull=True)
        .annotate(
            pending_hosts=Count(
                "host_changes", filter=Q(host_changes__state=HostChange.State.PENDING)
            )
        )
        .filter(pending_hosts__gt=0)
        .order_by("created_at", "pk")
    ]
    draining = list(
        Host.objects.filter(
            team=team,
            state__in=[Host.State.DRAINING, Host.State.DRAINED, Host.State.REDEPLOYING],
        )
        .select_related("state_changed_by")
        .order_by("state_changed_at", "name")
    )
    applied = list(
        HostEvent.objects.filter(
            host__team=team,
            kind=HostEvent.Kind.CHANGE,
            new_value=HostChange.State.APPLIED,
            at__gte=start,
            at__lt=end,
        )
        .select_related("host", "change", "by")
        .order_by("at", "pk")
    )
    return DeploymentsSummary(
        start=start, end=end, pending=pending, draining=draining, applied=applied
    )
