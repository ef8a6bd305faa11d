"""The team's components: the list, and adding one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from incidents import forms, selectors
from incidents.services import components as services
from incidents.views.pages import team_reader, team_writer
from teams.forms import add_service_error
from teams.requests import AuthenticatedRequest


@require_http_methods(["GET", "POST"])
def component_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = team_reader(request, slug)
    form = forms.ComponentForm(request.POST or None)
    if request.method == "POST":
        team_writer(request, slug)
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
