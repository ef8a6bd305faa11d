"""The one period summary builder behind the handover note, its email, the API, chat
posts and the monthly status report.

`period_summary_build(team=, start_at=, end_at=, now=)` reads every app below this one
over [start_at, end_at) and returns frozen dataclasses of plain values (no ORM objects),
in a constant number of queries whatever the size. Each section is one small function
over a `PeriodQuery` (`handover/sections/`); another app's section is one more field
here and one more line in the builder.
"""

import datetime as dt
from dataclasses import dataclass

from duties.selectors import DutiesSummary, duties_summary_for_period
from handover.period import (
    PeriodQuery,
    is_calendar_month,
    last_local_day,
    local_day,
    period_check,
)
from handover.sections.action_items import ActionItemsSection, action_items_section
from handover.sections.deployments import DeploymentsSection, deployments_section
from handover.sections.github import GitHubSection, github_section
from handover.sections.incidents import IncidentsSection, incidents_section
from handover.sections.meetings import MeetingsSection, meetings_section
from handover.sections.schedule import (
    ScheduleSection,
    UpcomingSection,
    schedule_section,
    upcoming_section,
)
from handover.sections.support import SupportSection, support_section
from teams.models import Team
from teams.timezones import zone


@dataclass(frozen=True)
class PeriodSummary:
    team_name: str
    team_slug: str
    time_zone: str  # the team's: days, months and "overdue" are counted in it
    start_at: dt.datetime
    end_at: dt.datetime
    built_at: dt.datetime
    first_day: dt.date  # local days the period touches, in the team's zone
    last_day: dt.date
    is_month: bool
    incidents: IncidentsSection
    support: SupportSection
    duties: DutiesSummary
    meetings: MeetingsSection
    action_items: ActionItemsSection
    github: GitHubSection
    deployments: DeploymentsSection
    schedule: ScheduleSection
    upcoming: UpcomingSection


def period_summary_build(
    *, team: Team, start_at: dt.datetime, end_at: dt.datetime, now: dt.datetime
) -> PeriodSummary:
    """What happened in the team over [start_at, end_at) and what comes next.

    States ("still ongoing", "overdue", "waiting") are described as of the end, or `now`
    if that is earlier. A ValidationError for a naive, unbounded or reversed period, or
    one longer than a year.
    """
    period_check(start_at=start_at, end_at=end_at)
    tz = zone(team.time_zone)
    period = PeriodQuery(team=team, tz=tz, start_at=start_at, end_at=end_at, now=now)
    return PeriodSummary(
        team_name=team.name,
        team_slug=team.slug,
        time_zone=team.time_zone,
        start_at=start_at,
        end_at=end_at,
        built_at=now,
        first_day=local_day(start_at, tz),
        last_day=last_local_day(end_at, tz),
        is_month=is_calendar_month(start_at, end_at, tz),
        incidents=incidents_section(period),
        support=support_section(period),
        duties=duties_summary_for_period(
            team=team, start_at=start_at, end_at=end_at, now=period.as_of
        ),
        meetings=meetings_section(period),
        action_items=action_items_section(period),
        github=github_section(period),
        deployments=deployments_section(period),
        schedule=schedule_section(period),
        upcoming=upcoming_section(period),
    )
