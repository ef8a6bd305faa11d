"""Reads of duties and the access checklist that the dashboard, the shift page, the
schedule, the API and the handover summary share; each costs a fixed number of queries."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from duties.models import AccessGrant, AccessRequirement, Duty, DutyCheck
from duties.occurrences import AT_MEETING, ONCE_PER_SHIFT, Occurrence, occurrences
from meetings.models import Meeting
from shifts.models import Rotation, Shift
from shifts.selectors.oncall import UpcomingRotation
from teams.access import AnyUser, TeamAccess
from teams.models import Team
from teams.selectors import person_name
from teams.timezones import zone


def duties_for_team(*, team: Team) -> QuerySet[Duty]:
    return (
        Duty.objects.filter(rotation__team=team)
        .select_related("rotation", "meeting_series")
        .order_by("rotation_id", "position", "pk")
    )


def duties_for_rotation(*, rotation: Rotation) -> QuerySet[Duty]:
    """A rotation's duties, inactive ones too (the lead's list)."""
    return (
        Duty.objects.filter(rotation=rotation)
        .select_related("meeting_series")
        .order_by("position", "pk")
    )


def duty_checks_for_team(*, team: Team) -> QuerySet[DutyCheck]:
    return (
        DutyCheck.objects.filter(shift__team=team)
        .select_related("duty", "shift", "done_by")
        .order_by("-occurs_on", "-done_at", "-pk")
    )


def access_requirements_for_team(*, team: Team) -> QuerySet[AccessRequirement]:
    return AccessRequirement.objects.filter(team=team).order_by("position", "pk")


def access_grants_for_team(*, team: Team) -> QuerySet[AccessGrant]:
    return (
        AccessGrant.objects.filter(requirement__team=team)
        .select_related("requirement", "user", "confirmed_by")
        .order_by("requirement__position", "requirement_id", "user__username")
    )


# --- Occurrences of duties in shifts ----------------------------------------------------


@dataclass(frozen=True)
class ShiftSpan:
    """A shift as plain values: which rotation, when, in which zone."""

    shift_id: int
    rotation_id: int
    start_at: dt.datetime
    end_at: dt.datetime
    time_zone: str


@dataclass(frozen=True)
class DutyRow:
    """One occurrence of a duty in a shift and what was done about it."""

    duty: Duty
    shift_id: int
    occurrence: Occurrence
    check: DutyCheck | None
    is_missed: bool

    @property
    def on(self) -> dt.date:
        return self.occurrence.on

    @property
    def state(self) -> str:
        if self.check is not None:
            return self.check.state
        return "missed" if self.is_missed else "due"


def span_of(shift: Shift, team: Team) -> ShiftSpan:
    return ShiftSpan(
        shift_id=shift.pk,
        rotation_id=shift.rotation_id,
        start_at=shift.start_at,
        end_at=shift.end_at,
        time_zone=team.time_zone,
    )


def duty_rows(*, spans: Sequence[ShiftSpan], now: dt.datetime) -> list[DutyRow]:
    """Every occurrence of the active duties in these shifts, with its check: three
    queries whatever the number of shifts, duties and checks (none without shifts).
    An occurrence is missed when nobody ticked it and its team-zone day is over (the
    shift, for a once-per-shift duty)."""
    if not spans:
        return []
    duties = list(
        Duty.objects.filter(rotation_id__in={s.rotation_id for s in spans}, is_active=True)
        .select_related("meeting_series")
        .order_by("position", "pk")
    )
    if not duties:
        return []
    series_ids = {d.meeting_series_id for d in duties if d.cadence == AT_MEETING}
    starts: dict[int, list[dt.datetime]] = defaultdict(list)
    if series_ids:
        meetings = Meeting.objects.scheduled().filter(
            series_id__in=series_ids,
            start_at__gte=min(s.start_at for s in spans),
            start_at__lt=max(s.end_at for s in spans),
        )
        for series_id, start_at in meetings.values_list("series_id", "start_at"):
            starts[series_id].append(start_at)
    checks = {
        (c.duty_id, c.shift_id, c.occurs_on): c
        for c in DutyCheck.objects.filter(
            shift_id__in={s.shift_id for s in spans}, duty__in=duties
        ).select_related("done_by")
    }
    rows = []
    for span in spans:
        tz = zone(span.time_zone)
        today = now.astimezone(tz).date()
        for duty in duties:
            if duty.rotation_id != span.rotation_id:
                continue
            for occurrence in occurrences(
                duty_id=duty.pk,
                cadence=duty.cadence,
                start_at=span.start_at,
                end_at=span.end_at,
                tz=tz,
                meeting_starts=starts.get(duty.meeting_series_id or 0, ()),
            ):
                check = checks.get((duty.pk, span.shift_id, occurrence.on))
                # Once per shift: due until the shift ends; the others: until the day does.
                over = (
                    now >= span.end_at if duty.cadence == ONCE_PER_SHIFT else occurrence.on < today
                )
                rows.append(
                    DutyRow(
                        duty=duty,
                        shift_id=span.shift_id,
                        occurrence=occurrence,
                        check=check,
                        is_missed=check is None and over,
                    )
                )
    rows.sort(key=lambda row: (row.on, row.duty.position, row.duty.pk))
    return rows


def duty_occurrence_get(*, shift: Shift, duty: Duty, on: dt.date) -> Occurrence | None:
    """The occurrence of `duty` on `on` in `shift`, if it has one (one query at most)."""
    starts: list[dt.datetime] = []
    if duty.cadence == AT_MEETING and duty.meeting_series_id:
        starts = list(
            Meeting.objects.scheduled()
            .filter(
                series_id=duty.meeting_series_id,
                start_at__gte=shift.start_at,
                start_at__lt=shift.end_at,
            )
            .values_list("start_at", flat=True)
        )
    found = occurrences(
        duty_id=duty.pk,
        cadence=duty.cadence,
        start_at=shift.start_at,
        end_at=shift.end_at,
        tz=zone(shift.team.time_zone),
        meeting_starts=starts,
    )
    return next((o for o in found if o.on == on), None)


@dataclass(frozen=True)
class ShiftDutiesPanel:
    rotation_id: int
    rows: list[DutyRow]


def shift_duties_panel(shift: Shift, access: TeamAccess) -> ShiftDutiesPanel:
    """The shift page's duties: every occurrence, who ticked it when (three queries)."""
    rows = duty_rows(spans=[span_of(shift, shift.team)], now=timezone.now())
    return ShiftDutiesPanel(rotation_id=shift.rotation_id, rows=rows)


# --- The dashboard: today's duties of the current shifter ------------------------------


@dataclass(frozen=True)
class TodayDuties:
    """A shift the viewer is on now, and its duties of today, those missed before and the
    once-per-shift ones still open."""

    team: Team
    rotation_id: int
    rotation_name: str
    shift_id: int
    today: dt.date
    is_expert: bool
    rows: list[DutyRow]


def today_for_shifter(
    *,
    user: AnyUser,
    oncall: Sequence[UpcomingRotation],
    expert_team_ids: set[int],
    now: dt.datetime,
) -> list[TodayDuties]:
    """From the dashboard's who-is-on-shift answer (no query of its own for shifts): the
    duties of the shifts the viewer is on now, due today or missed before. Three
    queries, none when not on shift. `expert_team_ids`: where the viewer is an expert."""
    current = []
    for item in oncall:
        for segment in item.segments:
            person = segment.person
            if person is not None and person.pk == user.pk and segment.start_at <= now:
                current.append((item, segment))
    spans = [
        ShiftSpan(
            shift_id=segment.shift_id,
            rotation_id=item.rotation.pk,
            start_at=segment.shift_start_at,
            end_at=segment.shift_end_at,
            time_zone=item.team.time_zone,
        )
        for item, segment in current
    ]
    rows = duty_rows(spans=spans, now=now)
    panels = []
    for item, segment in current:
        today = now.astimezone(zone(item.team.time_zone)).date()
        panels.append(
            TodayDuties(
                team=item.team,
                rotation_id=item.rotation.pk,
                rotation_name=item.rotation.name,
                shift_id=segment.shift_id,
                today=today,
                is_expert=item.team.pk in expert_team_ids,
                rows=[
                    r
                    for r in rows
                    if r.shift_id == segment.shift_id
                    and (r.on == today or (r.on < today and r.check is None))
                ],
            )
        )
    return panels


# --- Access ------------------------------------------------------------------------------


def missing_required_access(*, team: Team, user_ids: Sequence[int]) -> dict[int, list[str]]:
    """For each given person, the titles of the required items they have not ticked
    (people with everything are left out): two queries, none for an empty list."""
    if not user_ids:
        return {}
    required = list(
        AccessRequirement.objects.filter(team=team, required=True)
        .order_by("position", "pk")
        .values_list("pk", "title")
    )
    if not required:
        return {}
    had = set(
        AccessGrant.objects.filter(
            requirement_id__in=[pk for pk, _ in required], user_id__in=set(user_ids)
        ).values_list("user_id", "requirement_id")
    )
    missing = {}
    for user_id in dict.fromkeys(user_ids):
        titles = [title for pk, title in required if (user_id, pk) not in had]
        if titles:
            missing[user_id] = titles
    return missing


def missing_access_warnings(team: Team, user_ids: Sequence[int]) -> dict[int, list[str]]:
    """The shift-warnings registrant (shifts.panels): one line per person lacking access."""
    return {
        user_id: [f"No required access yet: {', '.join(titles)}."]
        for user_id, titles in missing_required_access(team=team, user_ids=user_ids).items()
    }


def checklist_for_user(
    *, team: Team, user: User
) -> list[tuple[AccessRequirement, AccessGrant | None]]:
    """The team's checklist with the person's own tick on each item (two queries)."""
    grants = AccessGrant.objects.filter(user=user).select_related("confirmed_by")
    requirements = access_requirements_for_team(team=team).prefetch_related(
        Prefetch("grants", queryset=grants, to_attr="own_grants")
    )
    return [(r, next(iter(getattr(r, "own_grants", [])), None)) for r in requirements]


# --- The handover's period summary -------------------------------------------------------


@dataclass(frozen=True)
class DutyEntry:
    """One occurrence of a duty in a summary, as plain values."""

    duty: str
    expert_only: bool
    occurs_on: dt.date
    shift_id: int
    shifter: str
    who: str
    when: dt.datetime | None
    note: str


@dataclass(frozen=True)
class DutiesSummary:
    """What happened to the duties due in a period: for the handover note."""

    done: tuple[DutyEntry, ...]
    skipped: tuple[DutyEntry, ...]
    noted: tuple[DutyEntry, ...]
    missed: tuple[DutyEntry, ...]


def _in_period(row: DutyRow, tz: dt.tzinfo, start_at: dt.datetime, end_at: dt.datetime) -> bool:
    moment = row.occurrence.at or dt.datetime.combine(row.on, dt.time(12), tzinfo=tz)
    return start_at <= moment < end_at


def duties_summary_for_period(
    *, team: Team, start_at: dt.datetime, end_at: dt.datetime, now: dt.datetime | None = None
) -> DutiesSummary:
    """The duties due in [start_at, end_at) (a day by its team-zone noon, a meeting duty
    by the meeting's start): done, skipped, noted (done or skipped with a note) and
    missed (a day over, nobody ticked). Four queries whatever the size of the period."""
    shifts = list(
        Shift.objects.filter(team=team, start_at__lt=end_at, end_at__gt=start_at)
        .select_related("assignee")
        .order_by("start_at", "pk")
    )
    spans = [
        ShiftSpan(
            shift_id=s.pk,
            rotation_id=s.rotation_id,
            start_at=s.start_at,
            end_at=s.end_at,
            time_zone=team.time_zone,
        )
        for s in shifts
    ]
    shifters = {s.pk: person_name(s.assignee) for s in shifts}
    tz = zone(team.time_zone)
    groups: dict[str, list[DutyEntry]] = defaultdict(list)
    for row in duty_rows(spans=spans, now=now or timezone.now()):
        if not _in_period(row, tz, start_at, end_at) or row.state == "due":
            continue
        check = row.check
        entry = DutyEntry(
            duty=row.duty.title,
            expert_only=row.duty.expert_only,
            occurs_on=row.on,
            shift_id=row.shift_id,
            shifter=shifters[row.shift_id],
            who=person_name(check.done_by) if check else "",
            when=check.done_at if check else None,
            note=check.note if check else "",
        )
        groups[row.state].append(entry)
        if entry.note:
            groups["noted"].append(entry)
    return DutiesSummary(
        done=tuple(groups["done"]),
        skipped=tuple(groups["skipped"]),
        noted=tuple(groups["noted"]),
        missed=tuple(groups["missed"]),
    )
