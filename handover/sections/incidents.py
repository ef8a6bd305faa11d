"""Incidents opened, resolved and still ongoing in a period, with their "next step"
(the last timeline entry) and hours open. One query."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from handover.period import PeriodQuery, hours_between
from incidents.models import Incident, TimelineEntry
from teams.selectors import person_name

# Every list of a summary is bounded: a period with more rows than this shows the first.
SECTION_LIMIT = 500


@dataclass(frozen=True)
class IncidentLine:
    id: int
    title: str
    url: str
    kind: str
    severity: str
    status: str
    owner: str
    detected_at: dt.datetime
    resolved_at: dt.datetime | None
    hours_open: float
    next_step: str
    next_step_at: dt.datetime | None


@dataclass(frozen=True)
class IncidentsSection:
    opened: tuple[IncidentLine, ...]
    resolved: tuple[IncidentLine, ...]
    ongoing: tuple[IncidentLine, ...]


def incidents_section(period: PeriodQuery) -> IncidentsSection:
    """Opened = detected in the period; resolved = resolved in it; ongoing = detected
    before its end and not resolved by then (`as_of`: the end, or now if earlier)."""
    start, end, as_of = period.start_at, period.end_at, period.as_of
    last_entry = TimelineEntry.objects.filter(incident=OuterRef("pk")).order_by(
        "-occurred_at", "-pk"
    )
    unresolved_then = Q(resolved_at__isnull=True) | Q(resolved_at__gte=as_of)
    rows = (
        Incident.objects.filter(team=period.team)
        .filter(
            Q(detected_at__gte=start, detected_at__lt=end)
            | Q(resolved_at__gte=start, resolved_at__lt=end)
            | (Q(detected_at__lt=as_of) & unresolved_then)
        )
        .select_related("owner")
        .annotate(
            next_step=Subquery(last_entry.values("body")[:1]),
            next_step_at=Subquery(last_entry.values("occurred_at")[:1]),
        )
        .order_by("detected_at", "pk")[: SECTION_LIMIT * 3]
    )
    opened, resolved, ongoing = [], [], []
    slug = period.team.slug
    for incident in rows:
        closed_at = incident.resolved_at
        resolved_then = closed_at is not None and closed_at < as_of
        open_until = closed_at if closed_at is not None and closed_at < as_of else as_of
        line = IncidentLine(
            id=incident.pk,
            title=incident.title,
            url=reverse("incidents:incident-detail", kwargs={"slug": slug, "pk": incident.pk}),
            kind=incident.get_kind_display(),
            severity=incident.get_severity_display(),
            status=incident.get_status_display(),
            owner=person_name(incident.owner) if incident.owner else "",
            detected_at=incident.detected_at,
            resolved_at=incident.resolved_at,
            hours_open=hours_between(incident.detected_at, open_until),
            next_step=(incident.next_step or "").strip(),
            next_step_at=incident.next_step_at,
        )
        if start <= incident.detected_at < end:
            opened.append(line)
        if incident.resolved_at is not None and start <= incident.resolved_at < end:
            resolved.append(line)
        if incident.detected_at < as_of and not resolved_then:
            ongoing.append(line)
    return IncidentsSection(
        opened=tuple(opened[:SECTION_LIMIT]),
        resolved=tuple(resolved[:SECTION_LIMIT]),
        ongoing=tuple(ongoing[:SECTION_LIMIT]),
    )
