"""A lead keeps a rotation's duty list and the team's access checklist: add, edit and
delete through the services. Members read the duty list; every write needs a lead."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from duties import selectors, services
from duties.forms import AccessRequirementForm, DutyForm
from duties.models import AccessRequirement
from duties.views import checklist_page
from shifts.selectors.rotations import rotation_get
from teams.access import TeamAccess, team_access
from teams.forms import add_service_error
from teams.models import Membership, Team
from teams.requests import AuthenticatedRequest


def _lead(request: AuthenticatedRequest, slug: str) -> TeamAccess:
    return team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD)


def _duties_url(team: Team, rotation_id: int) -> str:
    return reverse("duties:rotation-duties", args=[team.slug, rotation_id])


@require_http_methods(["GET", "POST"])
def rotation_duties(request: AuthenticatedRequest, slug: str, rotation_pk: int) -> HttpResponse:
    """The rotation's duties; a lead adds one with the form below the list."""
    writes = request.method == "POST"
    min_role = Membership.Role.LEAD if writes else Membership.Role.MEMBER
    access = team_access(user=request.user, slug=slug).require(min_role=min_role)
    rotation = rotation_get(team=access.team, pk=rotation_pk)
    form = None
    if writes:
        form = DutyForm(request.POST, team=access.team)
        if form.is_valid():
            try:
                duty = services.duty_create(rotation=rotation, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Duty added: {duty.title}.")
                return redirect(_duties_url(access.team, rotation.pk))
    context = {
        "team": access.team,
        "rotation": rotation,
        "is_lead": access.is_lead,
        "duties": list(selectors.duties_for_rotation(rotation=rotation)),
        "form": form or (DutyForm(team=access.team) if access.is_lead else None),
    }
    return render(request, "duties/rotation_duties.html", context, status=400 if form else 200)


@require_http_methods(["GET", "POST"])
def duty_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    access = _lead(request, slug)
    duty = get_object_or_404(selectors.duties_for_team(team=access.team), pk=pk)
    if request.method == "POST":
        form = DutyForm(request.POST, team=access.team)
        if form.is_valid():
            try:
                services.duty_update(duty=duty, data=form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Duty saved: {duty.title}.")
                return redirect(_duties_url(access.team, duty.rotation_id))
    else:
        form = DutyForm(initial=model_to_dict(duty, fields=services.DUTY_FIELDS), team=access.team)
    context = {"team": access.team, "duty": duty, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "duties/duty_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def duty_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the duty and the ticks recorded for it."""
    access = _lead(request, slug)
    duty = get_object_or_404(selectors.duties_for_team(team=access.team), pk=pk)
    back = _duties_url(access.team, duty.rotation_id)
    if request.method == "POST":
        services.duty_delete(duty=duty)
        messages.success(request, f"Duty deleted: {duty.title}.")
        return redirect(back)
    context = {
        "team": access.team,
        "what": f"the duty “{duty.title}” and every tick recorded for it",
        "back": back,
    }
    return render(request, "duties/confirm_delete.html", context)


@require_POST
def requirement_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = _lead(request, slug)
    form = AccessRequirementForm(request.POST)
    if form.is_valid():
        try:
            requirement = services.access_requirement_create(team=access.team, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Checklist item added: {requirement.title}.")
            return redirect("duties:access", slug=slug)
    return checklist_page(request, access, requirement_form=form, status=400)


def _requirement_get(access: TeamAccess, pk: int) -> AccessRequirement:
    return get_object_or_404(selectors.access_requirements_for_team(team=access.team), pk=pk)


@require_http_methods(["GET", "POST"])
def requirement_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    access = _lead(request, slug)
    requirement = _requirement_get(access, pk)
    if request.method == "POST":
        form = AccessRequirementForm(request.POST)
        if form.is_valid():
            try:
                services.access_requirement_update(requirement=requirement, data=form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Checklist item saved: {requirement.title}.")
                return redirect("duties:access", slug=slug)
    else:
        initial = model_to_dict(requirement, fields=services.REQUIREMENT_FIELDS)
        form = AccessRequirementForm(initial=initial)
    context = {"team": access.team, "requirement": requirement, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "duties/requirement_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def requirement_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the item and everyone's ticks of it."""
    access = _lead(request, slug)
    requirement = _requirement_get(access, pk)
    if request.method == "POST":
        services.access_requirement_delete(requirement=requirement)
        messages.success(request, f"Checklist item deleted: {requirement.title}.")
        return redirect("duties:access", slug=slug)
    context = {
        "team": access.team,
        "what": f"the checklist item “{requirement.title}” and everyone's ticks of it",
        "back": reverse("duties:access", args=[slug]),
    }
    return render(request, "duties/confirm_delete.html", context)
