from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from deployments import selectors as deployment_selectors
from duties import selectors as duty_selectors
from github_sync import selectors as github_selectors
from handover.dashboard import handover_panel
from incidents import selectors as incident_selectors
from meetings import selectors as meeting_selectors
from shifts.selectors import oncall as shift_oncall
from teams import selectors as team_selectors
from teams.models import Membership


def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = list(team_selectors.memberships_for_user(user=request.user))
    now = timezone.now()
    teams = team_selectors.teams_for_user(user=request.user)
    oncall = shift_oncall.upcoming_for_teams(teams=teams, now=now)
    on_shift_in = sorted(
        {
            item.team.pk
            for item in oncall
            for segment in item.segments
            if segment.start_at <= now < segment.end_at
            and segment.person is not None
            and segment.person.pk == request.user.pk
        }
    )
    experts = {
        m.team_id
        for m in memberships
        if request.user.is_staff or m.role in (Membership.Role.EXPERT, Membership.Role.LEAD)
    }
    context = {
        "memberships": memberships,
        "now": now,
        "oncall": oncall,
        "on_shift": bool(on_shift_in),
        "support_waiting": incident_selectors.support_requests_waiting_for_teams(
            team_ids=on_shift_in, now=now, limit=20
        ),
        "today_duties": duty_selectors.today_for_shifter(
            user=request.user, oncall=oncall, expert_team_ids=experts, now=now
        ),
        "handover": handover_panel(user=request.user, teams=teams, now=now),
        "my_action_items": incident_selectors.action_items_open_for_user(user=request.user)[:20],
        "team_incidents": incident_selectors.incidents_open_for_teams(teams=teams)[:20],
        "campaigns": deployment_selectors.campaigns_active_for_teams(teams=teams)[:10],
        "github_regressions": github_selectors.regressions_for_teams(teams=teams)[:10],
        "github_missing": github_selectors.incidents_missing_issue(teams=teams, now=now)[:10],
    }
    context.update(meeting_selectors.week_panel(user=request.user, now=now))
    return render(request, "desk/dashboard.html", context)
