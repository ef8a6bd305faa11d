"""Status reports for tests: a team that reports monthly and a month's report."""

import datetime as dt

from statusreports.models import StatusReport, StatusReportSettings


def monthly(team, stakeholders=()):
    return StatusReportSettings.objects.create(
        team=team, reports_monthly=True, stakeholders=list(stakeholders)
    )


def report_of(team, month: dt.date, **fields) -> StatusReport:
    return StatusReport.objects.create(team=team, month=month, **fields)
