"""Reads shared by the pages, the API and the email: a team's reports (drafts for leads
only) and the summary a report is built from."""

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

from handover.summary import PeriodSummary, period_summary_build
from statusreports.models import StatusReport, StatusReportSettings
from statusreports.months import month_parse, report_bounds
from teams.access import TeamAccess
from teams.models import Team
from teams.timezones import zone

REPORT_RELATED = ("team", "published_by", "updated_by")


def reports_for_team(*, team: Team, drafts: bool) -> QuerySet[StatusReport]:
    """The team's reports, newest month first; drafts only if asked (leads)."""
    reports = StatusReport.objects.filter(team=team).select_related(*REPORT_RELATED)
    if not drafts:
        reports = reports.filter(state=StatusReport.State.PUBLISHED)
    return reports.order_by("-month")


def reports_visible(*, access: TeamAccess) -> QuerySet[StatusReport]:
    """What this caller may read: every report for a lead, published ones for others."""
    return reports_for_team(team=access.team, drafts=access.is_lead)


def report_get(*, access: TeamAccess, month: str) -> StatusReport:
    """The report of `month` ('YYYY-MM') the caller may read, else 404."""
    try:
        first = month_parse(month)
    except Exception as error:
        raise Http404("No such report.") from error
    report = reports_visible(access=access).filter(month=first).first()
    if report is None:
        raise Http404("No such report.")
    return report


def report_summary(*, report: StatusReport, now: dt.datetime) -> PeriodSummary:
    """The builder's summary of the report's month in the team's zone, as of the month's
    end (or now, for a month not over yet)."""
    start_at, end_at = report_bounds(report.month, zone(report.team.time_zone))
    return period_summary_build(team=report.team, start_at=start_at, end_at=end_at, now=now)


def settings_for_team(*, team: Team) -> StatusReportSettings:
    """The team's settings (unsaved defaults when it never set them)."""
    found = StatusReportSettings.objects.filter(team=team).first()
    return found or StatusReportSettings(team=team)
