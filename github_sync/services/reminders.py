"""The seed rule's reminder: one email to the owner of an incident that still has no
GitHub issue some hours after detection (exactly once per incident, by outbox key)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from github_sync import selectors
from outbox.services import email_queue
from teams.selectors import person_name


def seed_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due; returns how many were new."""
    now = now or timezone.now()
    sent = 0
    for incident in selectors.incidents_missing_issue(now=now):
        owner = incident.owner
        if owner is None or not owner.email:
            continue
        url = f"{settings.SITE_URL}{incident.get_absolute_url()}"
        _, created = email_queue(
            key=f"github-seed-reminder:{incident.pk}",
            to=[owner.email],
            subject=f"No GitHub issue yet for incident {incident}",
            text_body=(
                f"Hello {person_name(owner)},\n\n"
                f"Incident {incident} ({incident.get_kind_display().lower()}) was detected "
                f"more than {settings.GITHUB_SEED_ISSUE_HOURS:g} hours ago and no GitHub "
                f"issue is linked to it yet. Open or link the follow-up issue:\n{url}\n"
            ),
        )
        sent += int(created)
    return sent
