"""The fairness report: shifts and on-shift hours per person, a year and its quarters."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User

from shifts.models import Rotation
from shifts.schedule import Hours, effective_segments, split_hours
from shifts.selectors.leave import unavailability_for_team
from shifts.selectors.shifts import shifts_for_team, turns
from teams.timezones import zone


@dataclass
class FairnessRow:
    person: User
    year: Hours
    quarters: list[Hours]


def fairness_report(*, rotation: Rotation, year: int) -> list[FairnessRow]:
    """Shifts and on-shift hours per person for a year and its quarters (team's zone):
    weekday, weekend and public-holiday hours apart, and days of leave, so that one
    sees leave neither cost nor earned anyone shifts."""
    tz = zone(rotation.team.time_zone)
    bounds = [dt.datetime(year, month, 1, tzinfo=tz).astimezone(dt.UTC) for month in (1, 4, 7, 10)]
    bounds.append(dt.datetime(year + 1, 1, 1, tzinfo=tz).astimezone(dt.UTC))
    shifts = list(
        shifts_for_team(
            team=rotation.team, rotation_id=rotation.pk, start=bounds[0], end=bounds[-1]
        )
    )
    periods = list(
        unavailability_for_team(
            team=rotation.team, start_on=dt.date(year, 1, 1), end_on=dt.date(year, 12, 31)
        )
    )
    holidays: set[dt.date] = set()
    leave_days: dict[int, set[dt.date]] = defaultdict(set)
    for period in periods:
        day = max(period.starts_on, dt.date(year, 1, 1))
        while day <= min(period.ends_on, dt.date(year, 12, 31)):
            (holidays if period.user_id is None else leave_days[period.user_id]).add(day)
            day += dt.timedelta(days=1)

    people: dict[int, User] = {p.user_id: p.user for p in rotation.participants.all()}
    rows: dict[int, FairnessRow] = {}

    def row_of(user: User) -> FairnessRow:
        people.setdefault(user.pk, user)
        if user.pk not in rows:
            rows[user.pk] = FairnessRow(
                person=user, year=Hours(), quarters=[Hours() for _ in range(4)]
            )
        return rows[user.pk]

    for user in people.values():
        row_of(user)
    for shift in shifts:
        if shift.assignee is not None and bounds[0] <= shift.start_at < bounds[-1]:
            quarter = next(q for q in range(4) if shift.start_at < bounds[q + 1])
            row = row_of(shift.assignee)
            row.year.shifts += 1
            row.quarters[quarter].shifts += 1
    for segment in effective_segments(turns(shifts)):
        if segment.person is None:
            continue
        row = row_of(segment.person)
        for quarter in range(4):
            start = max(segment.start_at, bounds[quarter])
            end = min(segment.end_at, bounds[quarter + 1])
            if start >= end:
                continue
            weekday, weekend, holiday = split_hours(start, end, tz=tz, holidays=holidays)
            for hours in (row.year, row.quarters[quarter]):
                hours.weekday += weekday
                hours.weekend += weekend
                hours.holiday += holiday
    for user_id, days in leave_days.items():
        if user_id in rows:
            rows[user_id].year.unavailable_days = len(days)
            for quarter in range(4):
                start_q = bounds[quarter].astimezone(tz).date()
                end_q = bounds[quarter + 1].astimezone(tz).date()
                rows[user_id].quarters[quarter].unavailable_days = sum(
                    start_q <= d < end_q for d in days
                )
    return sorted(rows.values(), key=lambda r: r.person.get_username())
