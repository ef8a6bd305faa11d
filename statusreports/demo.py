"""Demo data: monthly reporting on for the demo team, and last month's draft."""

from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from statusreports import services
from statusreports.models import StatusReportSettings
from statusreports.months import previous_month
from teams.demo import DemoContext
from teams.timezones import zone


def seed(context: DemoContext) -> None:
    team = context.team
    if team is None:
        return
    StatusReportSettings.objects.update_or_create(
        team=team,
        defaults={"reports_monthly": True, "stakeholders": ["wmcore-stakeholders@example.org"]},
    )
    today = timezone.now().astimezone(zone(team.time_zone)).date()
    month = previous_month(today)
    services.status_report_create(team=team, user=cast(User, context.users["alice"]), month=month)
    context.log(f"monthly status reports on; draft for {month:%B %Y}")
