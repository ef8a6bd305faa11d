"""Periodic meeting jobs (declared in config/celery.py): thin, take ids, safe to run twice."""

from celery import shared_task

from meetings import reminders
from meetings.models import MeetingSeries
from meetings.services import series as series_services


@shared_task(name="meetings.tasks.materialize_all")
def materialize_all() -> None:
    """Fan out: keep every series' occurrences materialised up to the horizon."""
    for series_id in MeetingSeries.objects.values_list("pk", flat=True):
        materialize_series.delay(series_id)


@shared_task(name="meetings.tasks.materialize_series")
def materialize_series(series_id: int) -> None:
    series = MeetingSeries.objects.filter(pk=series_id).first()
    if series is not None:
        series_services.meetings_materialize(series=series)


@shared_task(name="meetings.tasks.reminders_sweep")
def reminders_sweep() -> None:
    """Fan out one reminder task per meeting whose report is overdue."""
    for meeting_id in reminders.reminders_due_ids():
        report_reminder_send.delay(meeting_id)


@shared_task(name="meetings.tasks.report_reminder_send")
def report_reminder_send(meeting_id: int) -> None:
    reminders.report_reminder_send(meeting_id=meeting_id)
