"""Knowledge-base pages: search, an entry, and its form.

Only experts and leads mark or edit an expert-only procedure, and the pages say so before
anyone types: the edit page of such an entry sends a member back to the entry with a
message, and the "expert-only" box is shown disabled to a member.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from incidents import forms, selectors
from incidents.services import knowledge as services
from incidents.views.pages import list_page, team_reader
from teams.access import team_access
from teams.forms import add_service_error
from teams.models import Membership
from teams.requests import AuthenticatedRequest


def kb_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = team_reader(request, slug)
    query = request.GET.get("q", "")[:200]
    context |= {
        "query": query,
        **list_page(request, selectors.knowledge_entry_list(team=team, query=query), 30),
    }
    return render(request, "incidents/kb_list.html", context)


def kb_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team, context = team_reader(request, slug)
    context["entry"] = selectors.knowledge_entry_get(team=team, pk=pk)
    return render(request, "incidents/kb_detail.html", context)


@require_http_methods(["GET", "POST"])
def kb_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER)
    team = access.team
    form = forms.KnowledgeEntryForm(request.POST or None, team=team, is_expert=access.is_expert)
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
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER)
    team = access.team
    entry = selectors.knowledge_entry_get(team=team, pk=pk)
    if entry.expert_only and not access.is_expert:
        messages.error(
            request, "This is an expert-only procedure: only experts and leads may edit it."
        )
        return redirect(entry)
    initial = {name: getattr(entry, name) for name in forms.KnowledgeEntryForm.base_fields}
    initial["components"] = list(entry.components.all())
    form = forms.KnowledgeEntryForm(
        request.POST or None, initial=initial, team=team, is_expert=access.is_expert
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.knowledge_entry_update(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Knowledge-base entry saved.")
            return redirect(entry)
    return render(request, "incidents/kb_form.html", {"form": form, "team": team, "entry": entry})
