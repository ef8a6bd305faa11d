"""Swap requests: the team's list, and accepting, declining or cancelling one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shifts.selectors import swaps as swap_selectors
from shifts.services import swaps as swap_services
from teams.access import team_access
from teams.requests import AuthenticatedRequest


def swaps(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    requests = swap_selectors.swap_requests_for_team(team=team)[:100]
    context = {"team": team, "swaps": requests, "is_lead": access.is_lead}
    return render(request, "shifts/swaps.html", context)


SWAP_ACTIONS = {
    "accept": (swap_services.swap_request_accept, "Swap accepted: the shifts changed hands."),
    "decline": (swap_services.swap_request_decline, "Swap declined."),
    "cancel": (swap_services.swap_request_cancel, "Swap request cancelled."),
}


@require_POST
def swap_decide(request: AuthenticatedRequest, slug: str, pk: int, action: str) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(readable=True).team
    swap = get_object_or_404(swap_selectors.swap_requests_for_team(team=team), pk=pk)
    if action not in SWAP_ACTIONS:
        raise Http404("No such action.")
    decide, done = SWAP_ACTIONS[action]
    try:
        decide(swap=swap, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("shifts:swaps", slug=slug)
