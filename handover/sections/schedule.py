"""The rota around a period: swaps and covers during it, and what comes in the next
period of the same length (meetings, leave, action items due). Five queries."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from handover.period import PeriodQuery, last_local_day, local_day
from handover.sections.action_items import ActionItemLine, action_item_line
from handover.sections.incidents import SECTION_LIMIT
from handover.sections.meetings import MeetingLine, meeting_line, meetings_in
from incidents.models import ActionItem
from meetings.models import Meeting
from shifts.models import Override, SwapRequest
from shifts.selectors.leave import unavailability_for_team
from teams.selectors import person_name


@dataclass(frozen=True)
class SwapLine:
    requester: str
    recipient: str
    shift_start_at: dt.datetime
    shift_end_at: dt.datetime
    counter_start_at: dt.datetime | None  # the recipient's shift in exchange, if any
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class CoverLine:
    person: str
    covering_for: str
    start_at: dt.datetime
    end_at: dt.datetime
    reason: str


@dataclass(frozen=True)
class ScheduleSection:
    swaps: tuple[SwapLine, ...]
    covers: tuple[CoverLine, ...]


@dataclass(frozen=True)
class LeaveLine:
    person: str  # empty for a public holiday of the whole team
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    note: str


@dataclass(frozen=True)
class UpcomingSection:
    start_at: dt.datetime
    end_at: dt.datetime
    meetings: tuple[MeetingLine, ...]
    leave: tuple[LeaveLine, ...]
    action_items_due: tuple[ActionItemLine, ...]


def schedule_section(period: PeriodQuery) -> ScheduleSection:
    """Accepted swaps of a shift overlapping the period (either side) or decided in it;
    covers overlapping it."""
    start, end = period.start_at, period.end_at
    swaps = (
        SwapRequest.objects.filter(team=period.team, status=SwapRequest.Status.ACCEPTED)
        .filter(
            Q(shift__start_at__lt=end, shift__end_at__gt=start)
            | Q(counter_shift__start_at__lt=end, counter_shift__end_at__gt=start)
            | Q(decided_at__gte=start, decided_at__lt=end)
        )
        .select_related("requester", "recipient", "shift", "counter_shift")
        .order_by("shift__start_at", "pk")[:SECTION_LIMIT]
    )
    covers = (
        Override.objects.filter(shift__team=period.team, start_at__lt=end, end_at__gt=start)
        .select_related("user", "shift__assignee")
        .order_by("start_at", "pk")[:SECTION_LIMIT]
    )
    return ScheduleSection(
        swaps=tuple(
            SwapLine(
                requester=person_name(swap.requester),
                recipient=person_name(swap.recipient),
                shift_start_at=swap.shift.start_at,
                shift_end_at=swap.shift.end_at,
                counter_start_at=swap.counter_shift.start_at if swap.counter_shift else None,
                decided_at=swap.decided_at,
            )
            for swap in swaps
        ),
        covers=tuple(
            CoverLine(
                person=person_name(cover.user),
                covering_for=person_name(cover.shift.assignee),
                start_at=cover.start_at,
                end_at=cover.end_at,
                reason=cover.reason,
            )
            for cover in covers
        ),
    )


def upcoming_section(period: PeriodQuery) -> UpcomingSection:
    """The next period (same wall-clock length in the team's zone; the next calendar
    month after a month): scheduled meetings, leave touching its days, open items due."""
    start, end = period.next_period
    first_day, last_day = local_day(start, period.tz), last_local_day(end, period.tz)
    meetings = meetings_in(team=period.team, start=start, end=end).filter(
        status=Meeting.Status.SCHEDULED
    )[:SECTION_LIMIT]
    leave = unavailability_for_team(team=period.team, start_on=first_day, end_on=last_day)
    due = (
        ActionItem.objects.open()
        .filter(team=period.team, due_on__gte=first_day, due_on__lte=last_day)
        .select_related("owner")
        .order_by("due_on", "pk")[:SECTION_LIMIT]
    )
    slug = period.team.slug
    return UpcomingSection(
        start_at=start,
        end_at=end,
        meetings=tuple(meeting_line(meeting) for meeting in meetings),
        leave=tuple(
            LeaveLine(
                person=person_name(away.user) if away.user else "",
                kind=away.get_kind_display(),
                starts_on=away.starts_on,
                ends_on=away.ends_on,
                note=away.note,
            )
            for away in leave[:SECTION_LIMIT]
        ),
        action_items_due=tuple(action_item_line(item, slug) for item in due),
    )
