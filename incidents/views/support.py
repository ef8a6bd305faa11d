"""Support request pages: the list with response times per week and day, and the form."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from incidents import forms, selectors
from incidents.services import support as services
from incidents.views.pages import list_page, team_reader, team_writer
from teams.forms import add_service_error
from teams.requests import AuthenticatedRequest


def support_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = team_reader(request, slug)
    today = selectors.local_now(team=team).date()
    weeks = selectors.periods_in_zone(
        zone_name=team.time_zone, first_day=today - dt.timedelta(weeks=7), last_day=today, by="week"
    )
    days = selectors.periods_in_zone(
        zone_name=team.time_zone, first_day=today - dt.timedelta(days=6), last_day=today, by="day"
    )
    now = timezone.now()
    page = list_page(request, selectors.support_request_list(team=team), 50)
    rows = [
        (item, selectors.waiting_request(request=item, team=team, now=now))
        if item.first_response_at is None and item.resolved_at is None and item.asked_at <= now
        else (item, None)
        for item in page["page_obj"]
    ]
    context |= {
        **page,
        "rows": rows,
        "weekly": selectors.support_response_stats(team=team, periods=weeks)[::-1],
        "daily": selectors.support_response_stats(team=team, periods=days)[::-1],
        "form": forms.SupportRequestForm(team=team, initial={"handled_by": request.user}),
    }
    return render(request, "incidents/support_list.html", context)


@require_http_methods(["GET", "POST"])
def support_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_writer(request, slug)
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
    team = team_writer(request, slug)
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
