"""The weekly email's pages, for leads: the preview (exactly what goes, or went, out),
"send now", and the team's chat webhook settings."""

import dataclasses

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from handover import chat, dispatch, selectors
from handover.chat_forms import ChatWebhookForm
from handover.emails import HandoverEmail
from handover.models import HandoverDispatch
from outbox.services import email_message, email_message_id
from shifts.models import Shift
from teams.access import TeamAccess, team_access
from teams.forms import add_service_error
from teams.models import Membership
from teams.requests import AuthenticatedRequest

LEAD = Membership.Role.LEAD


def _lead_shift(
    request: AuthenticatedRequest, slug: str, shift_id: int
) -> tuple[TeamAccess, Shift]:
    access, shift = selectors.shift_for_note(user=request.user, slug=slug, shift_id=shift_id)
    access.require(min_role=LEAD)
    return access, shift


def _sent_email(record: HandoverDispatch) -> HandoverEmail | None:
    """What the recorded dispatch queued, as the preview shows it."""
    email = record.email
    if email is None:
        return None
    message = email_message(email)
    return HandoverEmail(
        key=email.key,
        to=tuple(email.to),
        subject=email.subject,
        text_body=email.text_body,
        html_body=email.html_body,
        headers={name: str(value) for name, value in message.extra_headers.items()},
        is_draft=record.was_draft,
        late=record.late,
    )


def _preview_email(shift: Shift, record: HandoverDispatch | None) -> HandoverEmail:
    """The email as queued if it was, else as it would go out now."""
    sent = _sent_email(record) if record is not None else None
    if sent is not None:
        return sent
    _, _, email = dispatch.handover_email_preview(shift=shift, now=timezone.now())
    headers = {**email.headers, "Message-ID": email_message_id(key=email.key)}
    return dataclasses.replace(email, headers=headers)


def email_preview(request: AuthenticatedRequest, slug: str, shift_id: int) -> HttpResponse:
    _, shift = _lead_shift(request, slug, shift_id)
    record = dispatch.dispatch_for_shift(shift_id=shift.pk)
    email = _preview_email(shift, record)
    return render(
        request,
        "handover/email_preview.html",
        {
            "team": shift.team,
            "shift": shift,
            "record": record,
            "email": email,
            "is_built_now": record is None or record.email is None,
            "note_url": reverse("handover:note", kwargs={"slug": slug, "shift_id": shift.pk}),
        },
    )


@require_POST
def email_send_now(request: AuthenticatedRequest, slug: str, shift_id: int) -> HttpResponse:
    _, shift = _lead_shift(request, slug, shift_id)
    record, created = dispatch.handover_dispatch_send(
        shift=shift, now=timezone.now(), via=HandoverDispatch.Via.SEND_NOW, by=request.user
    )
    when = timezone.localtime(record.created_at).strftime("%a %d %b %Y %H:%M")
    if not record.recipients:
        messages.error(
            request,
            "Not sent: nobody to send it to. Set the team's mailing list or the"
            " rotation's people's addresses.",
        )
    elif created:
        messages.success(
            request, f"Handover email queued for {len(record.recipients)} recipient(s)."
        )
    else:
        messages.info(request, f"Already sent: the handover email went out on {when}.")
    return redirect("handover:email-preview", slug=slug, shift_id=shift.pk)


@require_http_methods(["GET", "POST"])
def chat_settings(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(min_role=LEAD)
    team = access.team
    webhook = chat.chat_webhook_for_team(team=team)
    status = 200
    if request.method == "POST" and "remove" in request.POST:
        chat.chat_webhook_delete(team=team, user=request.user)
        messages.success(request, "Chat webhook removed: nothing will be posted.")
        return redirect("handover:chat-settings", slug=slug)
    if request.method == "POST":
        form = ChatWebhookForm(request.POST)
        if form.is_valid():
            try:
                chat.chat_webhook_save(team=team, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Chat webhook saved.")
                return redirect("handover:chat-settings", slug=slug)
        status = 400
    else:
        initial = {"kind": webhook.kind, "is_active": webhook.is_active} if webhook else {}
        form = ChatWebhookForm(initial=initial)
    return render(
        request,
        "handover/chat_settings.html",
        {"team": team, "webhook": webhook, "form": form},
        status=status,
    )


@csp_replace(  # type: ignore[arg-type]  # the stubs want a one-argument view
    {
        "default-src": [NONE],
        "style-src": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [SELF],
        "script-src": [NONE],
        "form-action": [NONE],
    }
)
def email_html(request: AuthenticatedRequest, slug: str, shift_id: int) -> HttpResponse:
    """The HTML part alone, framed (sandboxed) by the preview page: its inline styles are
    what a mail client reads; no script may run."""
    _, shift = _lead_shift(request, slug, shift_id)
    record = dispatch.dispatch_for_shift(shift_id=shift.pk)
    response = HttpResponse(_preview_email(shift, record).html_body)
    response["X-Frame-Options"] = "SAMEORIGIN"  # the preview page frames it
    return response
