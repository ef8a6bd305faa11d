from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shifts import selectors as shift_selectors
from teams import selectors as team_selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = team_selectors.memberships_for_user(user=request.user)
    now = timezone.now()
    oncall = shift_selectors.upcoming_for_teams(
        teams=team_selectors.teams_for_user(user=request.user), now=now
    )
    context = {"memberships": memberships, "now": now, "oncall": oncall}
    return render(request, "desk/dashboard.html", context)
