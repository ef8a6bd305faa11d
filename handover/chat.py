"""A team's chat webhook (Slack or Mattermost) and the handover post sent to it.

The webhook URL is a secret: leads write it, nobody reads it back (`masked_url`), and
the post goes through `outbox.webhooks` (exactly once per key, retried by the sweep,
never blocking the email)."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from handover.models import ChatWebhook, HandoverNote
from handover.summary import PeriodSummary
from handover.summary_text import Style, summary_lines
from teams.access import team_access
from teams.models import Membership, Team
from teams.timezones import zone

CHAT_KEY = "handover-chat:{shift_id}"
CHAT_TEXT_MAX = 12_000  # well under Slack's and Mattermost's limits


def chat_webhook_for_team(*, team: Team) -> ChatWebhook | None:
    return ChatWebhook.objects.filter(team=team).first()


def chat_text(*, kind: str, note: HandoverNote, summary: PeriodSummary, subject: str) -> str:
    """The post: the subject, a link to the note, then the period summary (Markdown for
    Mattermost, plain text with Slack's `<url|title>` link for Slack)."""
    url = f"{settings.SITE_URL}{note.get_absolute_url()}"
    markdown = kind == ChatWebhook.Kind.MATTERMOST
    style = Style(markdown=markdown, tz=zone(summary.time_zone), base_url=settings.SITE_URL)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(summary_lines(summary, style))).strip()
    head = (
        f"#### {subject}\n[Open the handover note]({url})"
        if markdown
        else f"*{subject}*\n<{url}|Open the handover note>"
    )
    text = f"{head}\n\n{body}"
    return text if len(text) <= CHAT_TEXT_MAX else text[: CHAT_TEXT_MAX - 1] + "…"


def chat_post_payload(
    *, note: HandoverNote, summary: PeriodSummary, subject: str
) -> tuple[str, dict[str, object]] | None:
    """(url, JSON body) of the team's post, or None if it has no active webhook."""
    webhook = chat_webhook_for_team(team=note.team)
    if webhook is None or not webhook.is_active:
        return None
    return webhook.url, {
        "text": chat_text(kind=webhook.kind, note=note, summary=summary, subject=subject)
    }


def chat_key(*, shift_id: int) -> str:
    return CHAT_KEY.format(shift_id=shift_id)


@transaction.atomic
def chat_webhook_save(
    *, team: Team, user: User, kind: str, url: str, is_active: bool, now: dt.datetime | None = None
) -> ChatWebhook:
    """Set the team's webhook (leads only). An empty `url` keeps the stored one; a new
    webhook needs one."""
    team_access(user=user, team=team).require(min_role=Membership.Role.LEAD)
    webhook = ChatWebhook.objects.select_for_update().filter(team=team).first()
    if webhook is None:
        if not url:
            raise ValidationError(
                {"url": "Paste the incoming webhook URL from Slack or Mattermost."}
            )
        webhook = ChatWebhook(team=team)
    webhook.kind = kind
    webhook.is_active = is_active
    webhook.updated_by = user
    if url:
        webhook.url = url
    webhook.full_clean()
    webhook.save()
    return webhook


@transaction.atomic
def chat_webhook_delete(*, team: Team, user: User) -> None:
    team_access(user=user, team=team).require(min_role=Membership.Role.LEAD)
    ChatWebhook.objects.filter(team=team).delete()
