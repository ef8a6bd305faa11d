"""The weekly handover email of a shift, built from its note and period summary: who gets
it, its subject, headers, text and HTML parts. Pure rendering apart from the one
recipients query; `handover.dispatch` records and queues it."""

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from handover.models import HandoverNote
from handover.rendering import note_html, note_text
from handover.summary import PeriodSummary
from shifts.models import Participant, Shift
from teams.selectors import person_name
from teams.timezones import zone

EMAIL_KEY = "handover-email:{shift_id}"
# Dispatched this long after the handover instant, the email says it is late.
LATE_AFTER = dt.timedelta(minutes=15)
DRAFT_SUBJECT = "DRAFT, not finalised"


@dataclass(frozen=True)
class HandoverEmail:
    """Everything that goes out (and what the preview page shows)."""

    key: str
    to: tuple[str, ...]
    subject: str
    text_body: str
    html_body: str
    headers: dict[str, str]
    is_draft: bool
    late: bool


def email_key(*, shift_id: int) -> str:
    return EMAIL_KEY.format(shift_id=shift_id)


def handover_recipients(*, shift: Shift, note: HandoverNote) -> tuple[str, ...]:
    """The team's mailing list, every active person of the rotation who is an active
    member, and the effective outgoing and incoming people (a cover or a swap can bring
    someone from outside the rotation). Sorted, without duplicates; empty if nobody has
    an address. One query (the note's people are loaded with it)."""
    addresses = {shift.team.mailing_list}
    addresses.update(
        Participant.objects.filter(
            rotation_id=shift.rotation_id,
            user__is_active=True,
            user__memberships__team_id=shift.team_id,
            user__memberships__is_active=True,
        ).values_list("user__email", flat=True)
    )
    for person in (note.outgoing, note.incoming):
        if person is not None and person.is_active:
            addresses.add(person.email)
    return tuple(sorted(address for address in addresses if address))


def list_id(*, name: str, slug: str) -> str:
    """RFC 2919 List-Id: 'Ops <ops.shiftdesk.example.org>' (host from SITE_URL)."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    label = re.sub(r'[<>"\\\r\n]', "", name).strip()
    return f"{label} <{slug}.shiftdesk.{host}>"


def _period(summary: PeriodSummary) -> str:
    tz = zone(summary.time_zone)
    first = summary.start_at.astimezone(tz)
    last = summary.end_at.astimezone(tz)
    if first.year == last.year:
        return f"{first:%a %d %b} to {last:%a %d %b %Y}"
    return f"{first:%a %d %b %Y} to {last:%a %d %b %Y}"


def _when(value: dt.datetime, tz: dt.tzinfo) -> str:
    local = value.astimezone(tz)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"


def email_subject(*, note: HandoverNote, summary: PeriodSummary, late: bool) -> str:
    """'[Ops] Handover Mon 11 Jan to Mon 18 Jan 2027: Bob → Carol' (+ draft, + late)."""
    subject = (
        f"[{summary.team_name}] Handover {_period(summary)}:"
        f" {person_name(note.outgoing)} → {person_name(note.incoming)}"
    )
    if not note.is_finalised:
        subject += f" — {DRAFT_SUBJECT}"
    if late:
        subject += " (sent late)"
    return subject


def handover_email_build(
    *,
    note: HandoverNote,
    summary: PeriodSummary,
    recipients: tuple[str, ...],
    now: dt.datetime,
) -> HandoverEmail:
    """The email of `note`'s handover as sent at `now` (late if well after the handover)."""
    team = note.team
    tz = zone(team.time_zone)
    handover_at = note.shift.end_at
    late = now - handover_at > LATE_AFTER
    late_line = (
        f"Sent late: the mail system was down at {_when(handover_at, tz)}, the handover time;"
        f" sent {_when(now, tz)}."
        if late
        else ""
    )
    note_url = f"{settings.SITE_URL}{note.get_absolute_url()}"
    rotation = note.shift.rotation.name
    footer = (
        f"Sent by Shiftdesk to {team.name}"
        f"{' (' + team.mailing_list + ')' if team.mailing_list else ''}"
        f" and the {rotation} rotation. Times in {team.time_zone}."
    )
    text = note_text(note, summary, viewer_zone=tz)
    text_body = "\n".join(
        part for part in (late_line, text, "-- ", footer, f"The note: {note_url}") if part
    )
    html_body = render_to_string(
        "handover/email/handover.html",
        {
            "subject": email_subject(note=note, summary=summary, late=late),
            "late_line": late_line,
            "is_draft": not note.is_finalised,
            "note_html": mark_safe(note_html(note, summary, viewer_zone=tz)),  # noqa: S308 (sanitized)
            "note_url": note_url,
            "footer": footer,
        },
    )
    return HandoverEmail(
        key=email_key(shift_id=note.shift_id),
        to=recipients,
        subject=email_subject(note=note, summary=summary, late=late),
        text_body=text_body,
        html_body=html_body,
        headers={
            "List-Id": list_id(name=team.name, slug=team.slug),
            "Auto-Submitted": "auto-generated",
        },
        is_draft=not note.is_finalised,
        late=late,
    )
