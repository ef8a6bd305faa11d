"""HTML pages for teams, memberships and the user's profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, user_passes_test
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from teams import selectors, services
from teams.access import team_access
from teams.feeds import feed_links
from teams.forms import (
    MembershipAddForm,
    MembershipEditForm,
    ProfileForm,
    TeamForm,
    add_service_error,
)
from teams.models import Membership, Profile, Team
from teams.requests import AuthenticatedRequest
from teams.tokens import feed_token_value


def team_list(request: AuthenticatedRequest) -> HttpResponse:
    teams = selectors.teams_with_memberships(teams=selectors.teams_for_user(user=request.user))
    return render(request, "teams/team_list.html", {"teams": teams})


def team_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    context = {
        "team": team,
        "role": access.role,
        "is_lead": access.is_lead,
        "memberships": selectors.memberships_for_team(team=team),
    }
    return render(request, "teams/team_detail.html", context)


@user_passes_test(lambda user: user.is_staff)
@require_http_methods(["GET", "POST"])
def team_create(request: AuthenticatedRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Team {team.name} created; you are its lead.")
            return redirect(team)
    return render(request, "teams/team_form.html", {"form": form, "team": None})


@require_http_methods(["GET", "POST"])
def team_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
    form = TeamForm(request.POST or None, instance=Team.objects.get(pk=team.pk))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_update(team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Team settings saved.")
            return redirect(team)
    return render(request, "teams/team_form.html", {"form": form, "team": team})


@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
    form = MembershipAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"{membership.user.get_username()} added as {membership.role}."
            )
            return redirect(team)
    return render(
        request, "teams/member_form.html", {"form": form, "team": team, "membership": None}
    )


@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, team=team)
    form = MembershipEditForm(
        request.POST or None, initial={"role": membership.role, "is_active": membership.is_active}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{membership.user.get_username()} updated.")
            return redirect(team)
    return render(
        request, "teams/member_form.html", {"form": form, "team": team, "membership": membership}
    )


@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    current = selectors.profile_for_user(user=request.user)
    initial = {
        "time_zone": current.time_zone if current else "",
        "github_login": current.github_login if current else "",
        "feed_meetings": current.feed_meetings if current else Profile.FeedMeetings.ALL,
        **{
            name: getattr(current, name) if current else True
            for name in services.PROFILE_NOTIFICATION_FIELDS
        },
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Profile saved.")
            return redirect("profile")
    token = services.feed_token_get_or_create(user=request.user)
    context = {
        "form": form,
        "memberships": selectors.memberships_for_user(user=request.user),
        "feeds": feed_links(user=request.user, token=feed_token_value(token.salt)),
    }
    return render(request, "teams/profile.html", context)


@require_POST
def feed_token_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    services.feed_token_regenerate(user=request.user)
    messages.success(
        request, "New feed links issued; the old ones stopped working. Update your calendars."
    )
    return redirect(f"{reverse('profile')}#feeds")


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, for browsers and pages (the admin) that ask without a <link>."""
    return redirect(static("shiftdesk/favicon.svg"))
