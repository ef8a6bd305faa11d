"""Ticking duties (from the dashboard or the shift page) and a person's access checklist."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from duties import selectors, services
from duties.forms import AccessRequirementForm, DutyCheckForm
from duties.models import AccessGrant
from shifts.models import Shift
from shifts.selectors import shifts as shift_selectors
from teams.access import TeamAccess, team_access
from teams.forms import add_service_error
from teams.models import Membership
from teams.requests import AuthenticatedRequest


def _back(request: AuthenticatedRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _row_response(
    request: AuthenticatedRequest, *, access: TeamAccess, shift: Shift, key: tuple[int, dt.date]
) -> HttpResponse:
    """The duty's row as it is now (the htmx answer: it replaces the row)."""
    rows = selectors.duty_rows(spans=[selectors.span_of(shift, access.team)], now=timezone.now())
    row = next((r for r in rows if (r.duty.pk, r.on) == key), None)
    if row is None:  # the duty was deactivated meanwhile: the row goes
        return HttpResponse("")
    context = {
        "row": row,
        "team": access.team,
        "can_tick": True,
        "is_expert": access.is_expert,
        "next": _back(request, "/"),
    }
    return render(request, "duties/_duty_row.html", context)


@require_POST
def duty_check(request: AuthenticatedRequest, slug: str, shift_pk: int) -> HttpResponse:
    """Tick or skip a duty of a shift: the shifter on duty only (403 for anyone else)."""
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER)
    shift = shift_selectors.shift_get(team=access.team, pk=shift_pk)
    form = DutyCheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        duty = get_object_or_404(selectors.duties_for_team(team=access.team), pk=data["duty"])
        try:
            services.duty_check_record(
                duty=duty,
                shift=shift,
                occurs_on=data["occurs_on"],
                actor=request.user,
                state=data["state"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                key = (duty.pk, data["occurs_on"])
                return _row_response(request, access=access, shift=shift, key=key)
            messages.success(request, f"{duty.title}: {data['state']}.")
            return redirect(_back(request, shift.get_absolute_url()))
    is_htmx = bool(request.htmx)  # type: ignore[attr-defined]
    template = "duties/_check_errors.html" if is_htmx else "duties/check_form.html"
    context = {"form": form, "team": access.team, "shift": shift, "next": _back(request, "/")}
    return render(request, template, context, status=400)


@require_POST
def duty_check_undo(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER)
    check = get_object_or_404(selectors.duty_checks_for_team(team=access.team), pk=pk)
    services.duty_check_delete(check=check, actor=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        key = (check.duty_id, check.occurs_on)
        return _row_response(request, access=access, shift=check.shift, key=key)
    messages.success(request, f"{check.duty.title}: tick taken back.")
    return redirect(_back(request, check.shift.get_absolute_url()))


@require_http_methods(["GET", "POST"])
def access_checklist(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The team's onboarding checklist: tick what you have; a lead sees everyone and
    confirms."""
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.MEMBER)
    team = access.team
    if request.method == "POST":
        requirements = selectors.access_requirements_for_team(team=team)
        action = request.POST.get("action")
        if action == "confirm":
            if not access.is_lead:
                raise PermissionDenied("Only a team lead confirms access.")
            grant = get_object_or_404(
                selectors.access_grants_for_team(team=team), pk=request.POST.get("grant") or 0
            )
            services.access_grant_confirm(grant=grant, lead=request.user)
            messages.success(
                request, f"Confirmed: {grant.user.get_username()} has {grant.requirement}."
            )
        else:
            requirement = get_object_or_404(requirements, pk=request.POST.get("requirement") or 0)
            if action == "untick":
                own = AccessGrant.objects.filter(requirement=requirement, user=request.user).first()
                if own is not None:
                    services.access_grant_untick(grant=own)
            else:
                services.access_grant_tick(requirement=requirement, user=request.user)
            messages.success(request, f"Saved: {requirement.title}.")
        return redirect("duties:access", slug=slug)
    return checklist_page(request, access)


def checklist_page(
    request: AuthenticatedRequest,
    access: TeamAccess,
    *,
    requirement_form: AccessRequirementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The checklist; for a lead everyone's ticks and the "add an item" form (bound to
    what was typed when it came back with errors)."""
    team = access.team
    context = {
        "team": team,
        "is_lead": access.is_lead,
        "checklist": selectors.checklist_for_user(team=team, user=request.user),
        "grants": list(selectors.access_grants_for_team(team=team)) if access.is_lead else [],
        "requirement_form": requirement_form or AccessRequirementForm(),
    }
    return render(request, "duties/access_checklist.html", context, status=status)
