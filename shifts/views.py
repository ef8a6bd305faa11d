"""HTML pages: rotations, the schedule, a shift (cover, swap, history), swap requests,
unavailability and the fairness report (with its SVG chart and CSV export)."""

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from incidents import selectors as incident_selectors
from shifts import leave, selectors, services, swap_requests
from shifts.charts import fairness_chart, quarter_chart
from shifts.forms import (
    OverrideForm,
    ParticipantAddForm,
    RotationCreateForm,
    RotationForm,
    SwapRequestForm,
    UnavailabilityForm,
    UnavailabilityImportForm,
)
from shifts.models import SwapRequest, Unavailability
from teams import selectors as team_selectors
from teams.access import team_access
from teams.forms import add_service_error
from teams.ical import MAX_UPLOAD_BYTES, IcsError
from teams.models import Membership, Team
from teams.requests import AuthenticatedRequest
from teams.timezones import zone

SCHEDULE_ROWS = 30


def _team(request: AuthenticatedRequest, slug: str, min_role: str | None = None) -> Team:
    return (
        team_access(user=request.user, slug=slug)
        .require(min_role=min_role, readable=min_role is None)
        .team
    )


def _is_lead(request: AuthenticatedRequest, team: Team) -> bool:
    return services.is_team_lead(user=request.user, team=team)


def index(request: AuthenticatedRequest) -> HttpResponse:
    teams = team_selectors.teams_for_user(user=request.user).order_by("name")
    rotations = selectors.rotations_for_teams(teams=teams)
    lead_of = set(
        team_selectors.memberships_for_user(user=request.user)
        .filter(role=Membership.Role.LEAD)
        .values_list("team_id", flat=True)
    )
    context = {"teams": teams, "rotations": rotations, "lead_of": lead_of}
    return render(request, "shifts/index.html", context)


@require_http_methods(["GET", "POST"])
def rotation_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _team(request, slug, Membership.Role.LEAD)
    form = RotationCreateForm(
        request.POST or None, team=team, initial={"start_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        participants = list(fields.pop("participants"))
        try:
            rotation = services.rotation_create(team=team, participants=participants, **fields)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Rotation {rotation.name} created and planned.")
            return redirect(rotation)
    return render(request, "shifts/rotation_form.html", {"form": form, "team": team})


@require_http_methods(["GET", "POST"])
def rotation_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _team(request, slug, Membership.Role.LEAD)
    rotation = selectors.rotation_get(team=team, pk=pk)
    form = RotationForm(request.POST or None, instance=rotation)
    if request.method == "POST" and form.is_valid():
        try:
            services.rotation_update(rotation=rotation, **form.cleaned_data)
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
    team = _team(request, slug, Membership.Role.LEAD)
    rotation = selectors.rotation_get(team=team, pk=pk)
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
        services.rotation_set_participants(rotation=rotation, participants=people)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Participants saved; future shifts were planned again.")
    return redirect("shifts:rotation-edit", slug=slug, pk=pk)


def schedule(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _team(request, slug)
    rotation = selectors.rotation_get(team=team, pk=pk)
    now = timezone.now()
    try:
        start_day = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start_day = timezone.localdate() - dt.timedelta(weeks=2)
    start = dt.datetime.combine(start_day, dt.time(0), tzinfo=zone(team.time_zone))
    mine = request.GET.get("mine") == "1"
    rows = selectors.schedule_rows(
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
        "is_lead": _is_lead(request, team),
        "earlier": (start_day - step).isoformat(),
        "later": (start_day + step).isoformat(),
        "participants": list(rotation.participants.all()),
    }
    return render(request, "shifts/schedule.html", context)


@require_http_methods(["GET", "POST"])
def shift_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _team(request, slug)
    shift = selectors.shift_get(team=team, pk=pk)
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
            services.override_create(
                shift=shift, created_by=request.user, **override_form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(override_form, error)
        else:
            messages.success(request, "Cover added.")
            return redirect(shift)
    if swap_form.is_bound and swap_form.is_valid():
        try:
            swap_requests.swap_request_create(
                requester=request.user, shift=shift, now=now, **swap_form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(swap_form, error)
        else:
            messages.success(request, "Swap request sent.")
            return redirect("shifts:swaps", slug=slug)
    context = {
        "team": team,
        "shift": shift,
        "segments": selectors.segments_of(shift=shift),
        "override_form": override_form,
        "swap_form": swap_form,
        "can_swap": shift.assignee_id == request.user.pk and shift.start_at > now,
        "can_cover": shift.assignee_id == request.user.pk or _is_lead(request, team),
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
    team = _team(request, slug)
    override = get_object_or_404(selectors.overrides_for_team(team=team), pk=pk)
    services.override_delete(override=override, actor=request.user)
    messages.success(request, "Cover removed.")
    return redirect(override.shift)


def swaps(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _team(request, slug)
    requests = selectors.swap_requests_for_team(team=team)[:100]
    context = {"team": team, "swaps": requests, "is_lead": _is_lead(request, team)}
    return render(request, "shifts/swaps.html", context)


SWAP_ACTIONS = {
    "accept": (swap_requests.swap_request_accept, "Swap accepted: the shifts changed hands."),
    "decline": (swap_requests.swap_request_decline, "Swap declined."),
    "cancel": (swap_requests.swap_request_cancel, "Swap request cancelled."),
}


@require_POST
def swap_decide(request: AuthenticatedRequest, slug: str, pk: int, action: str) -> HttpResponse:
    team = _team(request, slug)
    swap = get_object_or_404(SwapRequest.objects.filter(team=team), pk=pk)
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


@require_http_methods(["GET", "POST"])
def _unavailability_page(
    request: AuthenticatedRequest,
    team: Team,
    *,
    is_lead: bool,
    form: UnavailabilityForm | None = None,
    import_form: UnavailabilityImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    since = timezone.localdate() - dt.timedelta(days=90)
    initial = {"user": request.user}
    context = {
        "team": team,
        "form": form
        or UnavailabilityForm(initial=initial, team=team, user=request.user, is_lead=is_lead),
        "import_form": import_form
        or UnavailabilityImportForm(
            prefix="import", initial=initial, team=team, user=request.user, is_lead=is_lead
        ),
        "is_lead": is_lead,
        "periods": selectors.unavailability_for_team(team=team, start_on=since),
    }
    return render(request, "shifts/unavailability.html", context, status=status)


def unavailability(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _team(request, slug)
    is_lead = _is_lead(request, team)
    form = UnavailabilityForm(
        request.POST or None,
        team=team,
        user=request.user,
        is_lead=is_lead,
        initial={"user": request.user},
    )
    if request.method == "POST" and form.is_valid():
        try:
            leave.unavailability_create(team=team, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Saved; future shifts were planned around it.")
            return redirect("shifts:unavailability", slug=slug)
    return _unavailability_page(request, team, is_lead=is_lead, form=form)


IMPORT_SALT = "shifts.unavailability-import"
IMPORT_MAX_AGE = 3600  # seconds between the preview and the confirmation


@require_POST
def unavailability_import(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Upload an .ics file: show what it contains; nothing is saved yet. The periods go
    to the confirmation signed (django.core.signing), so they cannot be altered."""
    team = _team(request, slug)
    is_lead = _is_lead(request, team)
    form = UnavailabilityImportForm(
        request.POST,
        request.FILES,
        prefix="import",
        team=team,
        user=request.user,
        is_lead=is_lead,
    )
    if form.is_valid():
        upload = form.cleaned_data["file"]
        today = timezone.now().astimezone(zone(team.time_zone)).date()
        try:
            if upload.size > MAX_UPLOAD_BYTES:
                raise IcsError(f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KiB.")
            days = leave.ics_periods_as_days(team=team, data=upload.read(), today=today)
        except IcsError as error:
            form.add_error("file", str(error))
        else:
            person = form.cleaned_data["user"]
            kind = form.cleaned_data["kind"]
            payload = signing.dumps(
                {
                    "actor": request.user.pk,
                    "team": team.pk,
                    "user": person.pk if person else None,
                    "kind": kind,
                    "days": [
                        [d.starts_on.isoformat(), d.ends_on.isoformat(), d.summary] for d in days
                    ],
                },
                salt=IMPORT_SALT,
                compress=True,
            )
            context = {
                "team": team,
                "person": person,
                "kind": Unavailability.Kind(kind).label,
                "days": days,
                "payload": payload,
                "filename": upload.name,
            }
            return render(request, "shifts/unavailability_import.html", context)
    return _unavailability_page(request, team, is_lead=is_lead, import_form=form, status=400)


@require_POST
def unavailability_import_confirm(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = _team(request, slug)
    try:
        data = signing.loads(
            request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
        if data["actor"] != request.user.pk or data["team"] != team.pk:
            raise signing.BadSignature("Not this person's or this team's preview.")
        days = [
            leave.ImportedDays(
                starts_on=dt.date.fromisoformat(first),
                ends_on=dt.date.fromisoformat(last),
                summary=summary,
            )
            for first, last, summary in data["days"]
        ]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(request, "This preview expired or is not valid; upload the file again.")
        return _unavailability_page(request, team, is_lead=_is_lead(request, team), status=400)
    person = User.objects.filter(pk=data["user"]).first() if data["user"] else None
    try:
        result = leave.unavailability_import(
            team=team, actor=request.user, user=person, kind=data["kind"], periods=days
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _unavailability_page(request, team, is_lead=_is_lead(request, team), status=400)
    skipped = f" {result.skipped} were already there." if result.skipped else ""
    messages.success(request, f"Imported {result.created} periods.{skipped}")
    return redirect("shifts:unavailability", slug=slug)


@require_POST
def unavailability_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _team(request, slug)
    period = get_object_or_404(selectors.unavailability_for_team(team=team), pk=pk)
    leave.unavailability_delete(period=period, actor=request.user)
    messages.success(request, "Removed; future shifts were planned again.")
    return redirect("shifts:unavailability", slug=slug)


def _year(request: AuthenticatedRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def fairness(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _team(request, slug)
    rotation = selectors.rotation_get(team=team, pk=pk)
    year = _year(request)
    report = selectors.fairness_report(rotation=rotation, year=year)
    context = {
        "team": team,
        "rotation": rotation,
        "year": year,
        "report": report,
        "chart": fairness_chart(report),
        "quarters": quarter_chart(report),
        "csv_url": reverse("shifts:fairness-csv", kwargs={"slug": slug, "pk": pk})
        + f"?year={year}",
    }
    return render(request, "shifts/fairness.html", context)


def fairness_csv(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = _team(request, slug)
    rotation = selectors.rotation_get(team=team, pk=pk)
    year = _year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{team.slug}-fairness-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "person",
            "period",
            "shifts",
            "hours",
            "weekday_hours",
            "weekend_hours",
            "public_holiday_hours",
            "days_unavailable",
        ]
    )
    for row in selectors.fairness_report(rotation=rotation, year=year):
        periods = [(str(year), row.year)] + [
            (f"{year}-Q{n + 1}", hours) for n, hours in enumerate(row.quarters)
        ]
        for label, hours in periods:
            writer.writerow(
                [
                    row.person.get_username(),
                    label,
                    hours.shifts,
                    f"{hours.total:.1f}",
                    f"{hours.weekday:.1f}",
                    f"{hours.weekend:.1f}",
                    f"{hours.holiday:.1f}",
                    hours.unavailable_days,
                ]
            )
    return response
