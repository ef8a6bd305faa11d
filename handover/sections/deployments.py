"""Deployments in a period: changes applied on hosts, and (now) what is still pending or
draining, from `deployments.selectors.deployments_summary_for_period`. Three queries."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from deployments.selectors import deployments_summary_for_period
from handover.period import PeriodQuery
from handover.sections.incidents import SECTION_LIMIT
from teams.selectors import person_name


@dataclass(frozen=True)
class AppliedLine:
    host: str
    change: str
    change_url: str
    at: dt.datetime
    by: str


@dataclass(frozen=True)
class PendingLine:
    change: str
    change_url: str
    kind: str
    pending_hosts: int


@dataclass(frozen=True)
class HostLine:
    host: str
    state: str
    url: str


@dataclass(frozen=True)
class DeploymentsSection:
    applied: tuple[AppliedLine, ...]
    pending: tuple[PendingLine, ...]
    draining: tuple[HostLine, ...]


def deployments_section(period: PeriodQuery) -> DeploymentsSection:
    slug = period.team.slug
    summary = deployments_summary_for_period(
        team=period.team, start=period.start_at, end=period.end_at
    )

    def change_url(pk: int) -> str:
        return reverse("deployments:change-detail", kwargs={"slug": slug, "pk": pk})

    return DeploymentsSection(
        applied=tuple(
            AppliedLine(
                host=event.host.name,
                change=event.change.title if event.change else "",
                change_url=change_url(event.change_id) if event.change_id else "",
                at=event.at,
                by=person_name(event.by) if event.by else "",
            )
            for event in summary.applied[:SECTION_LIMIT]
        ),
        pending=tuple(
            PendingLine(
                change=item.change.title,
                change_url=change_url(item.change.pk),
                kind=item.change.get_kind_display(),
                pending_hosts=item.pending_hosts,
            )
            for item in summary.pending[:SECTION_LIMIT]
        ),
        draining=tuple(
            HostLine(
                host=host.name,
                state=host.get_state_display(),
                url=reverse("deployments:host-detail", kwargs={"slug": slug, "name": host.name}),
            )
            for host in summary.draining[:SECTION_LIMIT]
        ),
    )
