from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from deployments import selectors as deployment_selectors
from github_sync import selectors as github_selectors
from handover.dashboard import handover_panel
from incidents import selectors as incident_selectors
from meetings import selectors as meeting_selectors
from shifts.selectors import oncall as shift_oncall
from teams import selectors as team_selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = team_selectors.memberships_for_user(user=request.user)
    now = timezone.now()
    teams = team_selectors.teams_for_user(user=request.user)
    context = {
        "memberships": memberships,
        "now": now,
        "oncall": shift_oncall.upcoming_for_teams(teams=teams, now=now),
        "handover": handover_panel(user=request.user, teams=teams, now=now),
        "my_action_items": incident_selectors.action_items_open_for_user(user=request.user)[:20],
        "team_incidents": incident_selectors.incidents_open_for_teams(teams=teams)[:20],
        "campaigns": deployment_selectors.campaigns_active_for_teams(teams=teams)[:10],
        "github_regressions": github_selectors.regressions_for_teams(teams=teams)[:10],
        "github_missing": github_selectors.incidents_missing_issue(teams=teams, now=now)[:10],
    }
    context.update(meeting_selectors.week_panel(user=request.user, now=now))
    return render(request, "desk/dashboard.html", context)
