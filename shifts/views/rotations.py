"""Rotation pages: the index of a user's rotations, creating one, its settings and
its participants (leads)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shifts.forms import ParticipantAddForm, RotationCreateForm, RotationForm
from shifts.selectors import rotations as rotation_selectors
from shifts.services import rotations as rotation_services
from teams import selectors as team_selectors
from teams.access import team_access
from teams.forms import add_service_error
from teams.models import Membership
from teams.requests import AuthenticatedRequest


def index(request: AuthenticatedRequest) -> HttpResponse:
    teams = team_selectors.teams_for_user(user=request.user).order_by("name")
    rotations = rotation_selectors.rotations_for_teams(teams=teams)
    lead_of = set(
        team_selectors.memberships_for_user(user=request.user)
        .filter(role=Membership.Role.LEAD)
        .values_list("team_id", flat=True)
    )
    context = {"teams": teams, "rotations": rotations, "lead_of": lead_of}
    return render(request, "shifts/index.html", context)


@require_http_methods(["GET", "POST"])
def rotation_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
    form = RotationCreateForm(
        request.POST or None, team=team, initial={"start_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        participants = list(fields.pop("participants"))
        try:
            rotation = rotation_services.rotation_create(
                team=team, participants=participants, **fields
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Rotation {rotation.name} created and planned.")
            return redirect(rotation)
    return render(request, "shifts/rotation_form.html", {"form": form, "team": team})


@require_http_methods(["GET", "POST"])
def rotation_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
    rotation = rotation_selectors.rotation_get(team=team, pk=pk)
    form = RotationForm(request.POST or None, instance=rotation)
    if request.method == "POST" and form.is_valid():
        try:
            rotation_services.rotation_update(rotation=rotation, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Rotation saved; future shifts were planned again.")
            return redirect("shifts:rotation-edit", slug=slug, pk=pk)
    context = {
        "form": form,
        "team": team,
        "rotation": rotation,
        "participants": list(rotation.participants.all()),
        "add_form": ParticipantAddForm(team=team),
    }
    return render(request, "shifts/rotation_form.html", context)


@require_POST
def rotation_participants(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """Add, remove or move a participant; the whole order goes through one service."""
    team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
    rotation = rotation_selectors.rotation_get(team=team, pk=pk)
    people = [p.user for p in rotation.participants.all()]
    action = request.POST.get("action", "")
    if action == "add":
        form = ParticipantAddForm(request.POST, team=team)
        if not form.is_valid():
            messages.error(request, "Choose a member of the team to add.")
            return redirect("shifts:rotation-edit", slug=slug, pk=pk)
        people.append(form.cleaned_data["user"])
    else:
        index = next(
            (i for i, user in enumerate(people) if str(user.pk) == request.POST.get("user")), None
        )
        if index is None or action not in ("up", "down", "remove"):
            raise Http404("No such participant.")
        if action == "remove":
            people.pop(index)
        else:
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(people):
                people[index], people[other] = people[other], people[index]
    try:
        rotation_services.rotation_set_participants(rotation=rotation, participants=people)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Participants saved; future shifts were planned again.")
    return redirect("shifts:rotation-edit", slug=slug, pk=pk)
