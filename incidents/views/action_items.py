"""Action item pages: the team's list (quick add with HTMX, one-click close), the edit
form and the signed-in user's open items across their teams."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from incidents import forms, selectors
from incidents.extensions import item_extras_attach
from incidents.models import ActionItem
from incidents.services import action_items as services
from incidents.views.pages import list_page, team_reader, team_writer
from teams.forms import add_service_error
from teams.requests import AuthenticatedRequest


def action_item_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = team_reader(request, slug)
    filter_form = forms.ActionItemFilterForm(request.GET or None, team=team)
    filters = filter_form.selector_filters() if filter_form.is_valid() else {}
    page = list_page(
        request, selectors.action_item_list(team=team, user=request.user, filters=filters), 100
    )
    page["page_obj"].object_list = item_extras_attach(list(page["page_obj"].object_list))
    context |= {
        "filter_form": filter_form,
        **page,
        "quick_form": forms.ActionItemQuickForm(team=team, initial={"owner": request.user}),
    }
    return render(request, "incidents/action_item_list.html", context)


@require_POST
def action_item_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_writer(request, slug)
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
                item_extras_attach([item])
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
    team = team_writer(request, slug)
    item = selectors.action_item_get(team=team, pk=pk)
    initial = {name: getattr(item, name) for name in forms.ActionItemForm.base_fields}
    form = forms.ActionItemForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(action_item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Action item saved.")
            return redirect("incidents:action-items", slug=team.slug)
    item_extras_attach([item])
    context = {"form": form, "team": team, "item": item, "can_write": True}
    return render(request, "incidents/action_item_form.html", context)


@require_POST
def action_item_close(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """One-click done / dropped / reopen from a list row."""
    team = team_writer(request, slug)
    item = selectors.action_item_get(team=team, pk=pk)
    new_status = request.POST.get("status", "")
    if new_status not in ActionItem.Status.values:
        return HttpResponse("Unknown status.", status=400)
    services.action_item_update(action_item=item, status=new_status)
    if request.htmx:  # type: ignore[attr-defined]
        item_extras_attach([item])
        context = {"item": item, "team": team, "can_write": True}
        return render(request, "incidents/_action_item_row.html", context)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("incidents:action-items", slug=team.slug)


def my_action_items(request: AuthenticatedRequest) -> HttpResponse:
    items = selectors.action_items_open_for_user(user=request.user)
    return render(request, "incidents/my_action_items.html", {"items": items})
