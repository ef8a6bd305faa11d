from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from meetings import selectors as meeting_selectors
from teams import selectors as team_selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = team_selectors.memberships_for_user(user=request.user)
    now = timezone.now()
    context = {"memberships": memberships, "now": now}
    context.update(meeting_selectors.week_panel(user=request.user, now=now))
    return render(request, "desk/dashboard.html", context)
