"""The schedule of a rotation and a shift's page (cover, swap, history, incidents)."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from incidents import selectors as incident_selectors
from shifts.forms import OverrideForm, SwapRequestForm
from shifts.panels import shift_panels
from shifts.selectors import rotations as rotation_selectors
from shifts.selectors import shifts as shift_selectors
from shifts.services import shifts as shift_services
from shifts.services import swaps as swap_services
from teams.access import team_access
from teams.bounds import is_sane_date
from teams.forms import add_service_error
from teams.requests import AuthenticatedRequest
from teams.selectors import team_members
from teams.timezones import zone

SCHEDULE_ROWS = 30


def schedule(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    rotation = rotation_selectors.rotation_get(team=team, pk=pk)
    now = timezone.now()
    try:
        start_day: dt.date | None = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start_day = None
    if start_day is None or not is_sane_date(start_day):
        start_day = timezone.localdate() - dt.timedelta(weeks=2)
    start = dt.datetime.combine(start_day, dt.time(0), tzinfo=zone(team.time_zone))
    mine = request.GET.get("mine") == "1"
    rows = shift_selectors.schedule_rows(
        rotation=rotation,
        start=start,
        now=now,
        rows=SCHEDULE_ROWS,
        mine=request.user if mine else None,
    )
    step = dt.timedelta(days=rotation.period_days * SCHEDULE_ROWS // 2)
    context = {
        "team": team,
        "rotation": rotation,
        "rows": rows,
        "mine": mine,
        "is_lead": access.is_lead,
        "earlier": (start_day - step).isoformat(),
        "later": (start_day + step).isoformat(),
        "participants": list(rotation.participants.all()),
    }
    return render(request, "shifts/schedule.html", context)


@require_http_methods(["GET", "POST"])
def shift_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    shift = shift_selectors.shift_get(team=team, pk=pk)
    now = timezone.now()
    override_form = OverrideForm(
        request.POST if request.POST.get("form") == "override" else None,
        team=team,
        initial={"start_at": timezone.localtime(max(shift.start_at, now)).replace(second=0)},
    )
    swap_form = SwapRequestForm(
        request.POST if request.POST.get("form") == "swap" else None, shift=shift, now=now
    )
    if override_form.is_bound and override_form.is_valid():
        try:
            shift_services.override_create(
                shift=shift, created_by=request.user, **override_form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(override_form, error)
        else:
            messages.success(request, "Cover added.")
            return redirect(shift)
    if swap_form.is_bound and swap_form.is_valid():
        try:
            swap_services.swap_request_create(
                requester=request.user, shift=shift, now=now, **swap_form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(swap_form, error)
        else:
            messages.success(request, "Swap request sent.")
            return redirect("shifts:swaps", slug=slug)
    can_swap = shift.assignee_id == request.user.pk and shift.start_at > now
    can_cover = shift.assignee_id == request.user.pk or access.is_lead
    # Who could be put on this shift (the assignee, a cover, a swap partner) and lacks
    # something the apps above require (e.g. access): said next to the forms.
    warnings = []
    if shift.end_at > now:
        people = list(team_members(team=team)) if can_swap or can_cover else []
        if shift.assignee and shift.assignee not in people:
            people.insert(0, shift.assignee)
        warnings = shift_selectors.people_warnings(team=team, people=people)
    context = {
        "team": team,
        "shift": shift,
        "segments": shift_selectors.segments_of(shift=shift),
        # What apps above this one show here (duties done, the handover note): see
        # shifts/panels.py.
        "panels": shift_panels(shift=shift, access=access),
        "warnings": warnings,
        "override_form": override_form,
        "swap_form": swap_form,
        "can_swap": can_swap,
        "can_cover": can_cover,
        # What happened on this shift, from the incidents log (shifts sits above incidents).
        "incidents": incident_selectors.incident_list(
            team=team, filters={"since": shift.start_at, "until": shift.end_at}
        ),
        "support_stats": incident_selectors.support_response_stats(
            team=team, periods=[("This shift", shift.start_at, shift.end_at)]
        ),
    }
    return render(request, "shifts/shift_detail.html", context)


@require_POST
def override_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(readable=True).team
    override = get_object_or_404(shift_selectors.overrides_for_team(team=team), pk=pk)
    shift_services.override_delete(override=override, actor=request.user)
    messages.success(request, "Cover removed.")
    return redirect(override.shift)
