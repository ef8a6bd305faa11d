"""Unavailability: entering and removing leave and public holidays, and importing them
from an .ics file (preview, then confirm)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shifts.forms import UnavailabilityForm, UnavailabilityImportForm
from shifts.models import Unavailability
from shifts.selectors import leave as leave_selectors
from shifts.services import leave as leave_services
from teams.access import team_access
from teams.forms import add_service_error
from teams.ical import MAX_UPLOAD_BYTES, IcsError
from teams.models import Team
from teams.requests import AuthenticatedRequest
from teams.timezones import zone


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
        "periods": leave_selectors.unavailability_for_team(team=team, start_on=since),
    }
    return render(request, "shifts/unavailability.html", context, status=status)


@require_http_methods(["GET", "POST"])
def unavailability(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    is_lead = access.is_lead
    form = UnavailabilityForm(
        request.POST or None,
        team=team,
        user=request.user,
        is_lead=is_lead,
        initial={"user": request.user},
    )
    if request.method == "POST" and form.is_valid():
        try:
            leave_services.unavailability_create(team=team, actor=request.user, **form.cleaned_data)
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
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    is_lead = access.is_lead
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
            days = leave_services.ics_periods_as_days(team=team, data=upload.read(), today=today)
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
    access = team_access(user=request.user, slug=slug).require(readable=True)
    team = access.team
    try:
        data = signing.loads(
            request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
        if data["actor"] != request.user.pk or data["team"] != team.pk:
            raise signing.BadSignature("Not this person's or this team's preview.")
        days = [
            leave_services.ImportedDays(
                starts_on=dt.date.fromisoformat(first),
                ends_on=dt.date.fromisoformat(last),
                summary=summary,
            )
            for first, last, summary in data["days"]
        ]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(request, "This preview expired or is not valid; upload the file again.")
        return _unavailability_page(request, team, is_lead=access.is_lead, status=400)
    person = User.objects.filter(pk=data["user"]).first() if data["user"] else None
    try:
        result = leave_services.unavailability_import(
            team=team, actor=request.user, user=person, kind=data["kind"], periods=days
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _unavailability_page(request, team, is_lead=access.is_lead, status=400)
    skipped = f" {result.skipped} were already there." if result.skipped else ""
    messages.success(request, f"Imported {result.created} periods.{skipped}")
    return redirect("shifts:unavailability", slug=slug)


@require_POST
def unavailability_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(readable=True).team
    period = get_object_or_404(leave_selectors.unavailability_for_team(team=team), pk=pk)
    leave_services.unavailability_delete(period=period, actor=request.user)
    messages.success(request, "Removed; future shifts were planned again.")
    return redirect("shifts:unavailability", slug=slug)
