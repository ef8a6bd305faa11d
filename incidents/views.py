"""HTML pages: incidents and timelines, support requests, action items, knowledge base.

Reading needs `readable` access to the team; every write needs membership. Quick-add
forms post normally; with HTMX they swap in the fragment the full page renders too.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from incidents import forms, selectors, services
from incidents.models import ActionItem, Incident, TimelineEntry
from teams.access import team_access
from teams.forms import add_service_error
from teams.models import Membership, Team
from teams.requests import AuthenticatedRequest
from teams.selectors import teams_readable_by


def _reader(request: AuthenticatedRequest, slug: str) -> tuple[Team, dict[str, Any]]:
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    context = {
        "team": team,
        "role": access.role,
        "can_write": access.can_write,
        "is_expert": access.is_expert,
    }
    return team, context


def _page(request: AuthenticatedRequest, queryset: Any, per_page: int) -> dict[str, Any]:
    """One page of a list, and the query string (without `page`) for the pager links."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page, "pager_query": query.urlencode()}


def _writer(request: AuthenticatedRequest, slug: str) -> Team:
    return team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER).team


def index(request: AuthenticatedRequest) -> HttpResponse:
    teams = teams_readable_by(user=request.user).order_by("name")
    return render(request, "incidents/index.html", {"teams": teams})


# Incidents --------------------------------------------------------------------


def incident_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    filter_form = forms.IncidentFilterForm(request.GET or None, team=team)
    filters = filter_form.selector_filters() if filter_form.is_valid() else {}
    context |= {
        "filter_form": filter_form,
        **_page(request, selectors.incident_list(team=team, filters=filters), 50),
        "quick_form": forms.IncidentQuickForm(team=team),
    }
    return render(request, "incidents/incident_list.html", context)


@require_http_methods(["GET", "POST"])
def incident_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _writer(request, slug)
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
    team, context = _reader(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    context |= _detail_forms(team=team, incident=incident)
    context["incident"] = incident
    return render(request, "incidents/incident_detail.html", context)


def _detail_forms(*, team: Team, incident: Incident, **bound: BaseForm) -> dict[str, Any]:
    next_status = {
        Incident.Status.OPEN: Incident.Status.INVESTIGATING,
        Incident.Status.INVESTIGATING: Incident.Status.MITIGATED,
        Incident.Status.MITIGATED: Incident.Status.RESOLVED,
        Incident.Status.RESOLVED: Incident.Status.INVESTIGATING,
    }[Incident.Status(incident.status)]
    return {
        "entry_form": bound.get("entry_form") or forms.TimelineEntryForm(),
        "status_form": bound.get("status_form")
        or forms.IncidentStatusForm(initial={"status": next_status}),
        "transfer_form": bound.get("transfer_form") or forms.IncidentTransferForm(team=team),
        "action_form": bound.get("action_form") or forms.ActionItemQuickForm(team=team),
        "link_form": bound.get("link_form") or forms.KnowledgeLinkForm(team=team),
    }


def _detail_with_errors(
    request: AuthenticatedRequest, team: Team, incident: Incident, **bound: BaseForm
) -> HttpResponse:
    _, context = _reader(request, team.slug)
    incident = selectors.incident_get(team=team, pk=incident.pk)
    context |= _detail_forms(team=team, incident=incident, **bound)
    context["incident"] = incident
    return render(request, "incidents/incident_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def incident_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _writer(request, slug)
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
    team = _writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    form = forms.IncidentStatusForm(request.POST)
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
    team = _writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    form = forms.IncidentTransferForm(request.POST, team=team)
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
    team = _writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    try:
        entry = services.incident_promote(incident=incident, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(incident)
    messages.success(request, "Knowledge-base entry created from the incident; refine it here.")
    return redirect("incidents:kb-edit", slug=team.slug, pk=entry.pk)


@require_POST
def incident_link_knowledge(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    form = forms.KnowledgeLinkForm(request.POST, team=team)
    if form.is_valid():
        entries = [*incident.knowledge_entries.all(), form.cleaned_data["entry"]]
        services.incident_update(incident=incident, by=request.user, knowledge_entries=entries)
        messages.success(request, "Knowledge-base entry linked.")
        return redirect(incident)
    return _detail_with_errors(request, team, incident, link_form=form)


@require_POST
def incident_action_item_add(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    form = forms.ActionItemQuickForm(request.POST, team=team)
    if form.is_valid():
        try:
            services.action_item_create(
                team=team, created_by=request.user, incident=incident, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Action item added.")
            return redirect(incident)
    return _detail_with_errors(request, team, incident, action_form=form)


# Timeline ---------------------------------------------------------------------


@require_POST
def timeline_entry_add(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _writer(request, slug)
    incident = selectors.incident_get(team=team, pk=pk)
    form = forms.TimelineEntryForm(request.POST)
    if form.is_valid():
        try:
            services.timeline_entry_add(incident=incident, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                incident = selectors.incident_get(team=team, pk=pk)
                context = {"incident": incident, "team": team, "can_write": True}
                context["entry_form"] = forms.TimelineEntryForm()
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
    team = _writer(request, slug)
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


# Components -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def component_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    form = forms.ComponentForm(request.POST or None)
    if request.method == "POST":
        _writer(request, slug)
        if form.is_valid():
            try:
                services.component_create(team=team, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Component added.")
                return redirect("incidents:components", slug=team.slug)
    context |= {"form": form, "components": selectors.components_for_team(team=team)}
    return render(request, "incidents/component_list.html", context)


# Support requests -------------------------------------------------------------


def support_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    today = selectors.local_now(team=team).date()
    weeks = selectors.periods_in_zone(
        zone_name=team.time_zone, first_day=today - dt.timedelta(weeks=7), last_day=today, by="week"
    )
    days = selectors.periods_in_zone(
        zone_name=team.time_zone, first_day=today - dt.timedelta(days=6), last_day=today, by="day"
    )
    context |= {
        **_page(request, selectors.support_request_list(team=team), 50),
        "weekly": selectors.support_response_stats(team=team, periods=weeks)[::-1],
        "daily": selectors.support_response_stats(team=team, periods=days)[::-1],
        "form": forms.SupportRequestForm(team=team, initial={"handled_by": request.user}),
    }
    return render(request, "incidents/support_list.html", context)


@require_http_methods(["GET", "POST"])
def support_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _writer(request, slug)
    form = forms.SupportRequestForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            services.support_request_create(team=team, created_by=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Support request recorded.")
            return redirect("incidents:support", slug=team.slug)
    context = {"form": form, "team": team, "support_request": None}
    return render(request, "incidents/support_form.html", context)


@require_http_methods(["GET", "POST"])
def support_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _writer(request, slug)
    item = get_object_or_404(selectors.support_request_list(team=team), pk=pk)
    fields = forms.SupportRequestForm.base_fields
    initial = {name: getattr(item, name) for name in fields}
    form = forms.SupportRequestForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("asked_at") is None:
            data.pop("asked_at")
        try:
            services.support_request_update(support_request=item, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Support request saved.")
            return redirect("incidents:support", slug=team.slug)
    context = {"form": form, "team": team, "support_request": item}
    return render(request, "incidents/support_form.html", context)


# Action items -----------------------------------------------------------------


def action_item_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    filter_form = forms.ActionItemFilterForm(request.GET or None, team=team)
    filters = filter_form.selector_filters() if filter_form.is_valid() else {}
    context |= {
        "filter_form": filter_form,
        **_page(
            request, selectors.action_item_list(team=team, user=request.user, filters=filters), 100
        ),
        "quick_form": forms.ActionItemQuickForm(team=team, initial={"owner": request.user}),
    }
    return render(request, "incidents/action_item_list.html", context)


@require_POST
def action_item_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _writer(request, slug)
    form = forms.ActionItemQuickForm(request.POST, team=team)
    if form.is_valid():
        try:
            item = services.action_item_create(
                team=team, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                context = {"item": item, "team": team, "can_write": True, "fresh": True}
                return render(request, "incidents/_action_item_row.html", context)
            messages.success(request, "Action item added.")
            return redirect("incidents:action-items", slug=team.slug)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "incidents/_quick_errors.html", {"form": form}, status=400)
    context = {"form": form, "team": team, "item": None}
    return render(request, "incidents/action_item_form.html", context, status=400)


@require_http_methods(["GET", "POST"])
def action_item_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _writer(request, slug)
    item = selectors.action_item_get(team=team, pk=pk)
    initial = {name: getattr(item, name) for name in forms.ActionItemForm.base_fields}
    form = forms.ActionItemForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(action_item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Action item saved.")
            return redirect("incidents:action-items", slug=team.slug)
    return render(
        request, "incidents/action_item_form.html", {"form": form, "team": team, "item": item}
    )


@require_POST
def action_item_close(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """One-click done / dropped / reopen from a list row."""
    team = _writer(request, slug)
    item = selectors.action_item_get(team=team, pk=pk)
    new_status = request.POST.get("status", "")
    if new_status not in ActionItem.Status.values:
        return HttpResponse("Unknown status.", status=400)
    services.action_item_update(action_item=item, status=new_status)
    if request.htmx:  # type: ignore[attr-defined]
        context = {"item": item, "team": team, "can_write": True}
        return render(request, "incidents/_action_item_row.html", context)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("incidents:action-items", slug=team.slug)


def my_action_items(request: AuthenticatedRequest) -> HttpResponse:
    items = selectors.action_items_open_for_user(user=request.user)
    return render(request, "incidents/my_action_items.html", {"items": items})


# Knowledge base ---------------------------------------------------------------


def kb_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    query = request.GET.get("q", "")[:200]
    context |= {
        "query": query,
        **_page(request, selectors.knowledge_entry_list(team=team, query=query), 30),
    }
    return render(request, "incidents/kb_list.html", context)


def kb_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team, context = _reader(request, slug)
    context["entry"] = selectors.knowledge_entry_get(team=team, pk=pk)
    return render(request, "incidents/kb_detail.html", context)


@require_http_methods(["GET", "POST"])
def kb_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _writer(request, slug)
    form = forms.KnowledgeEntryForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.knowledge_entry_create(
                team=team, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Knowledge-base entry created.")
            return redirect(entry)
    return render(request, "incidents/kb_form.html", {"form": form, "team": team, "entry": None})


@require_http_methods(["GET", "POST"])
def kb_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _writer(request, slug)
    entry = selectors.knowledge_entry_get(team=team, pk=pk)
    initial = {name: getattr(entry, name) for name in forms.KnowledgeEntryForm.base_fields}
    initial["components"] = list(entry.components.all())
    form = forms.KnowledgeEntryForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.knowledge_entry_update(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Knowledge-base entry saved.")
            return redirect(entry)
    return render(request, "incidents/kb_form.html", {"form": form, "team": team, "entry": entry})
