from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from teams import selectors as team_selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = team_selectors.memberships_for_user(user=request.user)
    context = {"memberships": memberships, "now": timezone.now()}
    return render(request, "desk/dashboard.html", context)
