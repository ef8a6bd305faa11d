"""The handover note page of a shift: the drafted summary, the three free-text sections
(a plain form post, autosaved by `handover/note.js`), finalise and acknowledge.

An autosave is the same POST with `X-Autosave: 1`: it answers JSON (200 with the new
version, 409 with the stored text, 400 with the field errors) instead of a page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from handover import selectors, services
from handover.forms import HandoverNoteForm
from handover.models import NOTE_SECTIONS, HandoverNote
from handover.rendering import summary_html
from teams.access import TeamAccess
from teams.errors import VersionConflict
from teams.forms import add_service_error
from teams.requests import AuthenticatedRequest
from teams.selectors import person_name


def _page(
    request: AuthenticatedRequest,
    note: HandoverNote,
    access: TeamAccess,
    *,
    form: HandoverNoteForm | None = None,
    conflict: VersionConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    summary = selectors.note_summary(note=note, now=timezone.now())
    initial = {"version": note.version, **services.note_values(note)}
    context = {
        "team": note.team,
        "shift": note.shift,
        "note": note,
        "form": form or HandoverNoteForm(initial=initial),
        "roles": selectors.note_roles(note=note, access=access, user=request.user),
        "summary": summary,
        "summary_html": summary_html(
            summary, viewer_zone=timezone.get_current_timezone(), base_url=""
        ),
        "conflict": conflict,
        "conflict_values": [
            (HandoverNoteForm.base_fields[name].label, conflict.current[name])
            for name in NOTE_SECTIONS
        ]
        if conflict
        else [],
        "outgoing_name": person_name(note.outgoing) if note.outgoing else "nobody",
        "incoming_name": person_name(note.incoming) if note.incoming else "nobody",
    }
    return render(request, "handover/note.html", context, status=status)


@require_http_methods(["GET", "POST"])
def note(request: AuthenticatedRequest, slug: str, shift_id: int) -> HttpResponse:
    access, shift = selectors.shift_for_note(user=request.user, slug=slug, shift_id=shift_id)
    current = services.handover_note_get_or_draft(shift=shift)
    if request.method == "GET":
        return _page(request, current, access)
    autosave = request.headers.get("X-Autosave") == "1"
    form = HandoverNoteForm(request.POST)
    if not form.is_valid():
        if autosave:
            return JsonResponse({"errors": _errors(form)}, status=400)
        return _page(request, current, access, form=form, status=400)
    data = {name: form.cleaned_data[name] for name in NOTE_SECTIONS if name in request.POST}
    try:
        saved = services.handover_note_update(
            note=current, user=request.user, version=form.cleaned_data["version"], data=data
        )
    except VersionConflict as conflict:
        if autosave:
            return JsonResponse(
                {"error": str(conflict), "version": conflict.version, "current": conflict.current},
                status=409,
            )
        # The form keeps every typed value; saving it again now means "mine over theirs".
        retyped = HandoverNoteForm({**request.POST.dict(), "version": conflict.version})
        return _page(request, current, access, form=retyped, conflict=conflict, status=409)
    except ValidationError as error:
        if autosave:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            return JsonResponse({"errors": errors}, status=400)
        add_service_error(form, error)
        return _page(request, current, access, form=form, status=400)
    if autosave:
        return JsonResponse({"version": saved.version, "saved_at": saved.updated_at.isoformat()})
    messages.success(request, "Handover note saved.")
    return redirect(saved.get_absolute_url())


def _errors(form: HandoverNoteForm) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def _act(request: AuthenticatedRequest, slug: str, shift_id: int, action: str) -> HttpResponse:
    access, shift = selectors.shift_for_note(user=request.user, slug=slug, shift_id=shift_id)
    current = services.handover_note_get_or_draft(shift=shift)
    try:
        if action == "finalise":
            services.handover_note_finalise(note=current, user=request.user)
            messages.success(request, "Handover note finalised.")
        else:
            services.handover_note_acknowledge(note=current, user=request.user)
            messages.success(request, "Handover note acknowledged.")
    except PermissionDenied as denied:
        messages.error(request, str(denied))
        return _page(request, current, access, status=403)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, current, access, status=400)
    return redirect(current.get_absolute_url())


@require_POST
def finalise(request: AuthenticatedRequest, slug: str, shift_id: int) -> HttpResponse:
    return _act(request, slug, shift_id, "finalise")


@require_POST
def acknowledge(request: AuthenticatedRequest, slug: str, shift_id: int) -> HttpResponse:
    return _act(request, slug, shift_id, "acknowledge")
