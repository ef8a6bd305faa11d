"""Incident pages: the list, logging (quick or full), the detail page and what it posts
(status, handover, timeline notes, knowledge links, action items). Quick-add forms post
normally; with HTMX they swap in the fragment the full page renders too.

The detail page is one HTML form (the timeline box's, `PAGE_FORM`): the status,
handover, action-item and knowledge-link fields belong to it and their buttons post it
to their own URL. So whatever is in the timeline box goes along with every button, is
kept in the session as the incident's draft and is put back into the box by the next
page, without JavaScript, until an entry is saved. (`incidents/timeline-draft.js` also
keeps a copy in the browser, for a reload or a link followed before posting.)"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from incidents import forms, selectors
from incidents.extensions import item_extras_attach
from incidents.models import ActionItem, Incident, TimelineEntry
from incidents.services import action_items, knowledge
from incidents.services import incidents as services
from incidents.views.pages import list_page, team_reader, team_writer
from teams.forms import add_service_error
from teams.models import Team
from teams.requests import AuthenticatedRequest
from teams.selectors import teams_readable_by


def index(request: AuthenticatedRequest) -> HttpResponse:
    teams = teams_readable_by(user=request.user).order_by("name")
    return render(request, "incidents/index.html", {"teams": teams})


def incident_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = team_reader(request, slug)
    filter_form = forms.IncidentFilterForm(request.GET or None, team=team)
    filters = filter_form.selector_filters() if filter_form.is_valid() else {}
    context |= {
        "filter_form": filter_form,
        **list_page(request, selectors.incident_list(team=team, filters=filters), 50),
        "quick_form": forms.IncidentQuickForm(team=team),
    }
    return render(request, "incidents/incident_list.html", context)


@require_http_methods(["GET", "POST"])
def incident_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_writer(request, slug)
    quick = "quick" in request.POST
    form_class = forms.IncidentQuickForm if quick else forms.IncidentCreateForm
    form = form_class(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
        try:
            incident = services.incident_open(team=team, created_by=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Incident #{incident.pk} logged.")
            return redirect(incident)
    if quick:
        form = forms.IncidentCreateForm(request.POST, team=team)
        form.is_valid()
    return render(request, "incidents/incident_form.html", {"form": form, "team": team})


def incident_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team, context = team_reader(request, slug)
    incident = _detail_incident(team=team, pk=pk)
    context |= _detail_forms(team=team, incident=incident, draft=_draft(request, incident))
    context["incident"] = incident
    return render(request, "incidents/incident_detail.html", context)


def _detail_incident(*, team: Team, pk: int) -> Incident:
    """The incident, with what the apps above show for it and its action items."""
    incident = selectors.incident_get(team=team, pk=pk)
    items: list[ActionItem | Incident] = [incident, *incident.action_items.all()]
    item_extras_attach(items)
    return incident


PAGE_FORM = "entry-form"
DRAFTS = "incident_timeline_drafts"


def _draft(request: AuthenticatedRequest, incident: Incident) -> str:
    """What the timeline box held when another button of the incident's page was used."""
    drafts: dict[str, str] = request.session.get(DRAFTS, {})
    return drafts.get(str(incident.pk), "")


def _draft_set(request: AuthenticatedRequest, incident: Incident, text: str) -> None:
    drafts: dict[str, str] = dict(request.session.get(DRAFTS, {}))
    key = str(incident.pk)
    if text.strip():
        drafts[key] = text
    else:
        drafts.pop(key, None)
    if drafts != request.session.get(DRAFTS, {}):
        request.session[DRAFTS] = drafts


def _draft_keep(request: AuthenticatedRequest, incident: Incident) -> None:
    """Keep the timeline box's text, posted along with another button of the page."""
    _draft_set(request, incident, request.POST.get("body", ""))


def _in_page_form(form: Form) -> Form:
    """A form whose fields post with the page's one form (and so with the timeline box);
    the browser checks no required field, since another button may be the one used."""
    form.use_required_attribute = False
    for field in form.fields.values():
        field.widget.attrs["form"] = PAGE_FORM
    return form


def _detail_forms(
    *, team: Team, incident: Incident, draft: str = "", **bound: Form
) -> dict[str, Any]:
    next_status = {
        Incident.Status.OPEN: Incident.Status.INVESTIGATING,
        Incident.Status.INVESTIGATING: Incident.Status.MITIGATED,
        Incident.Status.MITIGATED: Incident.Status.RESOLVED,
        Incident.Status.RESOLVED: Incident.Status.INVESTIGATING,
    }[Incident.Status(incident.status)]
    return {
        "entry_form": bound.get("entry_form") or forms.TimelineEntryForm(initial={"body": draft}),
        "status_form": _in_page_form(
            bound.get("status_form")
            or forms.IncidentStatusForm(initial={"status": next_status}, prefix="status")
        ),
        "transfer_form": _in_page_form(
            bound.get("transfer_form") or forms.IncidentTransferForm(team=team, prefix="transfer")
        ),
        "action_form": _in_page_form(
            bound.get("action_form") or forms.ActionItemQuickForm(team=team)
        ),
        "link_form": _in_page_form(bound.get("link_form") or forms.KnowledgeLinkForm(team=team)),
    }


def _detail_with_errors(
    request: AuthenticatedRequest, team: Team, incident: Incident, **bound: Form
) -> HttpResponse:
    _, context = team_reader(request, team.slug)
    incident = _detail_incident(team=team, pk=incident.pk)
    context |= _detail_forms(team=team, incident=incident, draft=_draft(request, incident), **bound)
    context["incident"] = incident
    return render(request, "incidents/incident_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def incident_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    initial = {
        "title": incident.title,
        "kind": incident.kind,
        "severity": incident.severity,
        "summary": incident.summary,
        "reporter": incident.reporter,
        "reporter_team": incident.reporter_team,
        "components": list(incident.components.all()),
        "started_at": incident.started_at,
        "detected_at": incident.detected_at,
        "links": incident.links,
    }
    form = forms.IncidentForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("detected_at") is None:
            data.pop("detected_at")
        try:
            services.incident_update(incident=incident, by=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Incident saved.")
            return redirect(incident)
    context = {"form": form, "team": team, "incident": incident}
    return render(request, "incidents/incident_form.html", context)


@require_POST
def incident_status(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    _draft_keep(request, incident)
    form = forms.IncidentStatusForm(request.POST, prefix="status")
    if form.is_valid():
        try:
            services.incident_set_status(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Incident is now {incident.get_status_display().lower()}.")
            return redirect(incident)
    return _detail_with_errors(request, team, incident, status_form=form)


@require_POST
def incident_transfer(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    _draft_keep(request, incident)
    form = forms.IncidentTransferForm(request.POST, team=team, prefix="transfer")
    if form.is_valid():
        try:
            services.incident_transfer(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Incident handed over to {incident.owner}.")
            return redirect(incident)
    return _detail_with_errors(request, team, incident, transfer_form=form)


@require_POST
def incident_promote(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    try:
        entry = knowledge.incident_promote(incident=incident, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(incident)
    messages.success(request, "Knowledge-base entry created from the incident; refine it here.")
    return redirect("incidents:kb-edit", slug=team.slug, pk=entry.pk)


@require_POST
def incident_link_knowledge(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    _draft_keep(request, incident)
    form = forms.KnowledgeLinkForm(request.POST, team=team)
    if form.is_valid():
        entries = [*incident.knowledge_entries.all(), form.cleaned_data["entry"]]
        try:
            services.incident_update(incident=incident, by=request.user, knowledge_entries=entries)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Knowledge-base entry linked.")
            return redirect(incident)
    return _detail_with_errors(request, team, incident, link_form=form)


@require_POST
def incident_action_item_add(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    _draft_keep(request, incident)
    form = forms.ActionItemQuickForm(request.POST, team=team)
    if form.is_valid():
        try:
            action_items.action_item_create(
                team=team, created_by=request.user, incident=incident, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Action item added.")
            return redirect(incident)
    return _detail_with_errors(request, team, incident, action_form=form)


@require_POST
def timeline_entry_add(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    form = forms.TimelineEntryForm(request.POST)
    if form.is_valid():
        try:
            services.timeline_entry_add(incident=incident, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _draft_set(request, incident, "")
            if request.htmx:  # type: ignore[attr-defined]
                incident = selectors.incident_get(team=team, pk=pk)
                context = {"incident": incident, "team": team, "can_write": True}
                context |= {"entry_form": forms.TimelineEntryForm(), "entry_saved": True}
                return render(request, "incidents/_timeline.html", context)
            return redirect(incident)
    if request.htmx:  # type: ignore[attr-defined]
        context = {"incident": incident, "team": team, "can_write": True, "entry_form": form}
        return render(request, "incidents/_timeline.html", context, status=400)
    return _detail_with_errors(request, team, incident, entry_form=form)


@require_http_methods(["GET", "POST"])
def timeline_entry_edit(
    request: AuthenticatedRequest, slug: str, pk: int, entry_pk: int
) -> HttpResponse:
    team = team_writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    entry = selectors.timeline_entry_get(incident=incident, pk=entry_pk)
    if entry.author_id != request.user.pk or entry.kind != TimelineEntry.Kind.NOTE:
        raise PermissionDenied("Only the author edits a note.")
    form = forms.TimelineEntryEditForm(request.POST or None, initial={"body": entry.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.timeline_entry_edit(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Entry saved; the previous text is in its history.")
            return redirect(incident)
    context = {"form": form, "team": team, "incident": incident, "entry": entry}
    return render(request, "incidents/timeline_entry_form.html", context)
