from celery import shared_task
from django.utils import timezone

from statusreports import services


@shared_task(name="statusreports.tasks.monthly_drafts_fanout")
def monthly_drafts_fanout() -> None:
    """Hourly: one draft task per team for which it is the first of the month."""
    for team_id in services.teams_due_ids(now=timezone.now()):
        monthly_draft.delay(team_id)


@shared_task(name="statusreports.tasks.monthly_draft")
def monthly_draft(team_id: int) -> None:
    services.status_report_draft_monthly(team_id=team_id, now=timezone.now())
