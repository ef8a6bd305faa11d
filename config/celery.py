"""The Celery app and the one place where periodic jobs are declared."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shiftdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def declare_periodic_jobs(sender: Celery, **_: object) -> None:
    from django.conf import settings

    sender.add_periodic_task(
        settings.HEARTBEAT_INTERVAL_SECONDS,
        sender.signature("health.tasks.heartbeat_record", kwargs={"source": "beat"}),
        name="beat heartbeat",
    )
    sender.add_periodic_task(
        300.0,
        sender.signature("outbox.tasks.email_sweep"),
        name="send pending email and chat posts",
    )
    sender.add_periodic_task(
        crontab(hour=6, minute=0),
        sender.signature("incidents.tasks.overdue_digest_fanout"),
        name="overdue action item digest",
    )
    sender.add_periodic_task(
        86400.0,
        sender.signature("shifts.tasks.rotations_generate_all"),
        name="plan shifts up to each rotation's horizon",
    )
    sender.add_periodic_task(
        900.0, sender.signature("meetings.tasks.reminders_sweep"), name="meeting report reminders"
    )
    sender.add_periodic_task(
        300.0,
        sender.signature("shifts.tasks.shift_reminders_fanout"),
        name='"your shift starts tomorrow" emails',
    )
    sender.add_periodic_task(
        300.0,
        sender.signature("shifts.tasks.support_overdue_fanout"),
        name="remind the shifter of support requests past the team's target",
    )
    sender.add_periodic_task(
        crontab(minute=5),
        sender.signature("duties.tasks.access_reminders_fanout"),
        name="remind people on shift in a week of the access they lack",
    )
    sender.add_periodic_task(
        900.0,
        sender.signature("handover.tasks.ack_reminders_sweep"),
        name="remind the incoming shifter of an unacknowledged handover note",
    )
    sender.add_periodic_task(
        6 * 3600.0,
        sender.signature("meetings.tasks.materialize_all"),
        name="materialise meeting occurrences",
    )
    sender.add_periodic_task(
        settings.GITHUB_POLL_INTERVAL_SECONDS,
        sender.signature("github_sync.tasks.poll_fanout"),
        name="poll GitHub repositories",
    )
    sender.add_periodic_task(
        60.0,
        sender.signature("github_sync.tasks.sweep"),
        name="GitHub creations, webhook deliveries and issues a lost task left",
    )
    sender.add_periodic_task(
        900.0,
        sender.signature("github_sync.tasks.seed_reminders"),
        name="remind owners of incidents without a GitHub issue",
    )
    sender.add_periodic_task(
        crontab(minute=5),
        sender.signature("statusreports.tasks.monthly_drafts_fanout"),
        name="monthly status report drafts (the first of the month in each team's zone)",
    )
    sender.add_periodic_task(
        60.0,
        sender.signature("handover.tasks.handover_emails_due"),
        name="weekly handover emails due (and those a down broker missed)",
    )
