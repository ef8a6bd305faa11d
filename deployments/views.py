"""HTML pages: the matrix (hosts by open changes), hosts, changes, campaigns and the
patch-table import. Reading needs `readable` access; recording a state, moving a host
and ticking a checklist need membership; managing hosts, changes and campaigns, and
"apply to all pending", need a lead. Cell and checklist forms post normally; with HTMX
they swap in the same fragment the full page renders."""

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from deployments import forms, selectors
from deployments.models import Campaign, CampaignHost, Host, HostChange
from deployments.patch_table import TableError, TableRow, parse_patch_table
from deployments.services import campaigns, changes, hosts, imports
from teams.access import TeamAccess, team_access
from teams.forms import add_service_error
from teams.models import Membership, Team
from teams.requests import AuthenticatedRequest
from teams.selectors import teams_readable_by

IMPORT_SALT = "deployments.patch-table-import"
IMPORT_MAX_AGE = 3600  # seconds between the preview and the confirmation


def _reader(request: AuthenticatedRequest, slug: str) -> tuple[Team, dict[str, Any]]:
    access = team_access(user=request.user, slug=slug).require(readable=True)
    return access.team, _roles(access)


def _roles(access: TeamAccess) -> dict[str, Any]:
    return {"team": access.team, "can_write": access.can_write, "is_lead": access.is_lead}


def _member(request: AuthenticatedRequest, slug: str) -> Team:
    return team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER).team


def _lead(request: AuthenticatedRequest, slug: str) -> Team:
    return team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team


def _back(request: AuthenticatedRequest, default: str) -> str:
    """Where a form posted from the matrix returns (its filters kept)."""
    target = request.POST.get("next", "")
    return target if target.startswith("/deployments/") else default


def index(request: AuthenticatedRequest) -> HttpResponse:
    teams = teams_readable_by(user=request.user).order_by("name")
    return render(request, "deployments/index.html", {"teams": teams})


# The matrix ---------------------------------------------------------------------


def matrix(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    site, release = request.GET.get("site", ""), request.GET.get("release", "")
    drift = selectors.change_matrix(team=team, site=site, release=release)
    filter_form = forms.MatrixFilterForm(
        request.GET or None, sites=drift.sites, releases=drift.releases
    )
    columns = list(zip(drift.changes, drift.pending, strict=True))
    context |= {
        "matrix": drift,
        "columns": columns,
        "filter_form": filter_form,
        "site": site,
        "release": release,
        "here": request.get_full_path(),
        "states": HostChange.State.choices,
    }
    return render(request, "deployments/matrix.html", context)


@require_POST
def cell_record(
    request: AuthenticatedRequest, slug: str, change_pk: int, name: str
) -> HttpResponse:
    team = _member(request, slug)
    host = selectors.host_get(team=team, name=name)
    change = selectors.change_get(team=team, pk=change_pk)
    form = forms.CellForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            changes.host_change_record(
                change=change, host=host, by=request.user, **form.cleaned_data
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    else:
        error = "Choose a state."
    if request.htmx:  # type: ignore[attr-defined]
        cell = changes.host_change_get(change=change, host=host)
        context = {"cell": cell, "host": host, "change": change, "can_write": True, "error": error}
        context |= {"here": _back(request, ""), "team": team}
        context["states"] = HostChange.State.choices
        return render(request, "deployments/_cell.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{change.title} on {host.name}: saved.")
    return redirect(_back(request, reverse("deployments:matrix", args=[slug])))


@require_POST
def apply_pending(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _lead(request, slug)
    change = selectors.change_get(team=team, pk=pk)
    scope = selectors.hosts_for_team(
        team=team, site=request.POST.get("site", ""), release=request.POST.get("release", "")
    )
    try:
        count = changes.change_apply_pending(change=change, by=request.user, hosts=scope)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{change.title}: applied on {count} pending host(s).")
    return redirect(_back(request, reverse("deployments:matrix", args=[slug])))


# Hosts --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def host_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    form = forms.HostForm(request.POST or None)
    if request.method == "POST":
        _lead(request, slug)
        if form.is_valid():
            try:
                host = hosts.host_create(team=team, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Host {host.name} added.")
                return redirect("deployments:hosts", slug=slug)
    context |= {
        "hosts": selectors.hosts_for_team(team=team, include_retired=True),
        "form": form,
    }
    return render(
        request, "deployments/host_list.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def host_detail(request: AuthenticatedRequest, slug: str, name: str) -> HttpResponse:
    team, context = _reader(request, slug)
    host = selectors.host_get(team=team, name=name)
    state_form = forms.HostStateForm(initial={"state": host.state, "release": host.release})
    edit_form = forms.HostForm(instance=host)
    if request.method == "POST" and "state" in request.POST:
        _member(request, slug)
        state_form = forms.HostStateForm(request.POST)
        if state_form.is_valid():
            try:
                hosts.host_set_state(host=host, by=request.user, **state_form.cleaned_data)
            except ValidationError as error:
                add_service_error(state_form, error)
            else:
                messages.success(request, f"{host.name} is {host.get_state_display().lower()}.")
                return redirect(host)
    elif request.method == "POST":
        _lead(request, slug)
        edit_form = forms.HostForm(request.POST, instance=Host.objects.get(pk=host.pk))
        if edit_form.is_valid():
            try:
                host = hosts.host_update(host=host, by=request.user, **edit_form.cleaned_data)
            except ValidationError as error:
                add_service_error(edit_form, error)
            else:
                messages.success(request, "Host saved.")
                return redirect(host)
    context |= {
        "host": host,
        "cells": selectors.host_cells(host=host),
        "events": selectors.host_history(host=host)[:200],
        "state_form": state_form,
        "edit_form": edit_form,
    }
    failed = state_form.errors or edit_form.errors
    return render(request, "deployments/host_detail.html", context, status=400 if failed else 200)


# Changes ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def change_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    form = forms.ChangeForm(request.POST or None, team=team)
    if request.method == "POST":
        _lead(request, slug)
        if form.is_valid():
            data = dict(form.cleaned_data)
            chosen = list(data.pop("hosts"))
            try:
                change = changes.change_create(
                    team=team, by=request.user, hosts=chosen or None, **data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{change.title}: pending on its hosts.")
                return redirect("deployments:change-detail", slug=slug, pk=change.pk)
    context |= {"changes": selectors.changes_for_team(team=team), "form": form}
    return render(
        request, "deployments/change_list.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def change_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team, context = _reader(request, slug)
    change = get_object_or_404(selectors.changes_for_team(team=team), pk=pk)
    if request.method == "POST":
        _lead(request, slug)
        closed = request.POST.get("closed") == "1"
        changes.change_update(change=change, by=request.user, closed=closed)
        messages.success(request, "Closed: it left the matrix." if closed else "Reopened.")
        return redirect("deployments:change-detail", slug=slug, pk=pk)
    context |= {"change": change, "cells": selectors.change_cells(change=change)}
    return render(request, "deployments/change_detail.html", context)


# Campaigns ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def campaign_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team, context = _reader(request, slug)
    form = forms.CampaignForm(request.POST or None, team=team)
    if request.method == "POST":
        _lead(request, slug)
        if form.is_valid():
            data = {
                key: value
                for key, value in form.cleaned_data.items()
                if key not in {"host_steps", "campaign_steps"}
            }
            try:
                campaign = campaigns.campaign_create(
                    team=team, by=request.user, checklist=form.checklist(), **data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Campaign {campaign.title} started.")
                return redirect(campaign)
    context |= {"campaigns": selectors.campaigns_for_team(team=team), "form": form}
    status = 400 if form.errors else 200
    return render(request, "deployments/campaign_list.html", context, status=status)


def _campaign_context(team: Team, campaign: Campaign) -> dict[str, Any]:
    rows = list(campaign.campaign_hosts.all())
    steps = list(campaign.checklist.all())
    host_steps = [step for step in steps if step.per_host]
    grid = []
    for row in rows:
        ticked = {
            tick.item_id: tick
            for step in host_steps
            for tick in step.ticks.all()
            if tick.campaign_host_id == row.pk
        }
        grid.append((row, [(step, ticked.get(step.pk)) for step in host_steps]))
    campaign_steps = [
        (step, next(iter(step.ticks.all()), None)) for step in steps if not step.per_host
    ]
    return {
        "campaign": campaign,
        "grid": grid,
        "host_steps": host_steps,
        "campaign_steps": campaign_steps,
        "stages": CampaignHost.Stage.choices,
    }


@require_http_methods(["GET", "POST"])
def campaign_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team, context = _reader(request, slug)
    campaign = selectors.campaign_get(team=team, pk=pk)
    if request.method == "POST":
        _lead(request, slug)
        status = request.POST.get("status", "")
        try:
            campaigns.campaign_update(campaign=campaign, by=request.user, status=status)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Campaign {campaign.get_status_display().lower()}.")
        return redirect(campaign)
    context |= _campaign_context(team, campaign)
    return render(request, "deployments/campaign_detail.html", context)


@require_POST
def campaign_stage(request: AuthenticatedRequest, slug: str, pk: int, name: str) -> HttpResponse:
    team = _member(request, slug)
    campaign = get_object_or_404(Campaign.objects.filter(team=team), pk=pk)
    row = selectors.campaign_host_get(campaign=campaign, name=name)
    form = forms.StageForm(request.POST)
    if form.is_valid():
        try:
            campaigns.campaign_host_set_stage(
                campaign_host=row, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{row.host.name}: {row.get_stage_display().lower()}.")
    else:
        messages.error(request, "Choose a stage.")
    return redirect(campaign)


@require_POST
def checklist_tick(request: AuthenticatedRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    team = _member(request, slug)
    campaign = get_object_or_404(Campaign.objects.filter(team=team), pk=pk)
    item = selectors.checklist_item_get(campaign=campaign, pk=item_pk)
    name = request.POST.get("host", "")
    row = selectors.campaign_host_get(campaign=campaign, name=name) if name else None
    try:
        campaigns.checklist_tick(
            item=item, campaign_host=row, by=request.user, done=request.POST.get("done") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(campaign)


# Import -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def patch_table_upload(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Upload a CSV: show every row with its errors; nothing is saved yet. The rows go
    to the confirmation signed (django.core.signing), so they cannot be altered."""
    team = _lead(request, slug)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = parse_patch_table(form.cleaned_data["file"].read())
        except TableError as error:
            form.add_error("file", str(error))
        else:
            checked = imports.patch_table_check(team=team, rows=rows)
            valid = not any(row.errors for row in checked)
            payload = signing.dumps(
                {
                    "actor": request.user.pk,
                    "team": team.pk,
                    "rows": [
                        [r.line, r.host, r.change, r.state, r.state_word, r.note] for r in rows
                    ],
                },
                salt=IMPORT_SALT,
                compress=True,
            )
            context = {
                "team": team,
                "rows": checked,
                "valid": valid,
                "bad": sum(1 for row in checked if row.errors),
                "changing": sum(1 for row in checked if row.changes_something),
                "payload": payload if valid else "",
                "filename": form.cleaned_data["file"].name,
            }
            return render(request, "deployments/import_preview.html", context)
    status = 400 if form.errors else 200
    return render(request, "deployments/import.html", {"team": team, "form": form}, status=status)


@require_POST
def patch_table_confirm(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _lead(request, slug)
    try:
        data = signing.loads(
            request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
        if data["actor"] != request.user.pk or data["team"] != team.pk:
            raise signing.BadSignature("Not this person's or this team's preview.")
        rows = [TableRow(*values) for values in data["rows"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(request, "This preview expired or is not valid; upload the file again.")
        return redirect("deployments:import", slug=slug)
    try:
        result = imports.patch_table_import(team=team, rows=rows, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("deployments:import", slug=slug)
    messages.success(
        request, f"Imported: {result.changed} cell(s) changed, {result.unchanged} already so."
    )
    return redirect("deployments:matrix", slug=slug)
