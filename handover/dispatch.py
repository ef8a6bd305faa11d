"""Sending the weekly handover email exactly once per shift, whoever asks first: the beat
at the handover instant (or late, after an outage), `send_handover_emails`, or a lead's
"send now".

The note and summary are rendered first (outside any transaction); then one short
transaction records the `HandoverDispatch` (unique per shift), queues the email in the
outbox under `handover-email:<shift id>` and the chat post under `handover-chat:<shift
id>`. A second caller finds the dispatch (or loses the race on its unique shift) and
sends nothing; the outbox's claim and sweep take it from there: a worker that dies
after the record is replaced by the sweep, and the Message-ID stays that of the key.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from handover.chat import chat_key, chat_post_payload
from handover.emails import HandoverEmail, handover_email_build, handover_recipients
from handover.models import HandoverDispatch, HandoverNote
from handover.services import handover_note_get_or_draft
from handover.summary import PeriodSummary, period_summary_build
from outbox.services import email_queue
from outbox.webhooks import webhook_post_queue
from shifts.models import Shift
from teams.models import Team

# How far back the beat (and the command) looks for handovers not dispatched yet: a
# broker or a beat down for up to a week still sends them (marked late).
CATCH_UP = dt.timedelta(days=7)
DISPATCH_RELATED = ("email", "created_by")


def shifts_due(*, at: dt.datetime, team: Team | None = None) -> QuerySet[Shift]:
    """Shifts of active rotations whose handover (their end) is at or before `at`, at
    most CATCH_UP ago, and that have no dispatch yet."""
    shifts = Shift.objects.filter(
        end_at__lte=at,
        end_at__gt=at - CATCH_UP,
        rotation__is_active=True,
        handover_dispatch__isnull=True,
    )
    if team is not None:
        shifts = shifts.filter(team=team)
    return shifts.select_related("team", "rotation").order_by("end_at", "pk")


def dispatch_for_shift(*, shift_id: int) -> HandoverDispatch | None:
    return (
        HandoverDispatch.objects.select_related(*DISPATCH_RELATED).filter(shift_id=shift_id).first()
    )


def handover_email_preview(
    *, shift: Shift, now: dt.datetime
) -> tuple[HandoverNote, PeriodSummary, HandoverEmail]:
    """The note (drafted if needed), its summary and the email as it would go out at `now`."""
    note = handover_note_get_or_draft(shift=shift)
    summary = period_summary_build(
        team=note.team, start_at=shift.start_at, end_at=shift.end_at, now=now
    )
    recipients = handover_recipients(shift=note.shift, note=note)
    email = handover_email_build(note=note, summary=summary, recipients=recipients, now=now)
    return note, summary, email


def handover_dispatch_send(
    *, shift: Shift, now: dt.datetime, via: str, by: User | None = None
) -> tuple[HandoverDispatch, bool]:
    """Dispatch the handover email of `shift` as of `now` unless it was; `(dispatch,
    created)`. With nobody to send to, the dispatch says so (state "no-recipients")."""
    existing = dispatch_for_shift(shift_id=shift.pk)
    if existing is not None:
        return existing, False
    note, summary, email = handover_email_preview(shift=shift, now=now)
    chat = chat_post_payload(note=note, summary=summary, subject=email.subject)
    return _record(note=note, email=email, chat=chat, via=via, by=by)


@transaction.atomic
def _record(
    *,
    note: HandoverNote,
    email: HandoverEmail,
    chat: tuple[str, dict[str, object]] | None,
    via: str,
    by: User | None,
) -> tuple[HandoverDispatch, bool]:
    dispatch, created = HandoverDispatch.objects.get_or_create(
        shift_id=note.shift_id,
        defaults={
            "team_id": note.team_id,
            "recipients": list(email.to),
            "was_draft": email.is_draft,
            "late": email.late,
            "via": via,
            "created_by": by,
        },
    )
    if not created:
        return dispatch_for_shift(shift_id=note.shift_id) or dispatch, False
    if email.to:
        dispatch.email, _ = email_queue(
            key=email.key,
            to=list(email.to),
            subject=email.subject,
            text_body=email.text_body,
            html_body=email.html_body,
            headers=email.headers,
        )
        dispatch.save(update_fields=["email"])
    if chat is not None:
        url, payload = chat
        webhook_post_queue(key=chat_key(shift_id=note.shift_id), url=url, payload=payload)
    return dispatch, True
