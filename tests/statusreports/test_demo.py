"""seed_demo turns monthly reporting on for the demo team and drafts last month, once."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.test import override_settings

from statusreports.models import StatusReport, StatusReportSettings


@override_settings(DEBUG=True)
def test_seed_demo_drafts_last_month_once(db):
    call_command("seed_demo")
    call_command("seed_demo")
    found = StatusReportSettings.objects.get(team__slug="wmcore")
    assert found.reports_monthly
    (report,) = StatusReport.objects.filter(team__slug="wmcore")
    assert report.state == StatusReport.State.DRAFT
    today = dt.datetime.now(ZoneInfo("Europe/Zurich")).date()  # the demo team's zone
    assert report.month == (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
