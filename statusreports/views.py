"""The team's status reports: the list (with "create a report for a month" and the
monthly setting for leads), a report's page (a draft: the month as built now and the
lead's summary, autosaved by `statusreports/report.js`; published: as it was sent) and
publishing.

An autosave is the same POST with `X-Autosave: 1`: it answers JSON (200 with the new
version, 409 with the stored summary, 400 with the field errors) instead of a page.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from statusreports import rendering, selectors, services
from statusreports.forms import MonthForm, SettingsForm, SummaryForm
from statusreports.models import StatusReport
from statusreports.months import month_parse, stakeholders_parse
from teams.access import TeamAccess, team_access
from teams.errors import VersionConflict
from teams.forms import add_service_error
from teams.models import Membership
from teams.requests import AuthenticatedRequest


def _list_page(
    request: AuthenticatedRequest,
    access: TeamAccess,
    *,
    month_form: MonthForm | None = None,
    settings_form: SettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    team = access.team
    found = selectors.settings_for_team(team=team)
    context = {
        "team": team,
        "access": access,
        "reports": list(selectors.reports_visible(access=access)),
        "month_form": month_form or MonthForm(),
        "settings_form": settings_form
        or SettingsForm(
            initial={
                "reports_monthly": found.reports_monthly,
                "stakeholders": "\n".join(found.stakeholders),
            }
        ),
    }
    return render(request, "statusreports/list.html", context, status=status)


@require_GET
def report_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require()
    return _list_page(request, access)


@require_POST
def report_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD)
    form = MonthForm(request.POST)
    if form.is_valid():
        try:
            month = month_parse(form.cleaned_data["month"])
            report = services.status_report_create(team=access.team, user=request.user, month=month)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(report.get_absolute_url())
    return _list_page(request, access, month_form=form, status=400)


@require_POST
def settings_update(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.status_report_settings_update(
                team=access.team,
                user=request.user,
                reports_monthly=form.cleaned_data["reports_monthly"],
                stakeholders=stakeholders_parse(form.cleaned_data["stakeholders"]),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Status report settings saved.")
            return redirect("statusreports:list", slug=access.team.slug)
    return _list_page(request, access, settings_form=form, status=400)


def _report_page(
    request: AuthenticatedRequest,
    access: TeamAccess,
    report: StatusReport,
    *,
    form: SummaryForm | None = None,
    conflict: VersionConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "team": access.team,
        "access": access,
        "report": report,
        "title": rendering.report_title(report),
        "conflict": conflict,
        "stakeholders": selectors.settings_for_team(team=access.team).stakeholders,
    }
    if not report.is_published:
        summary = selectors.report_summary(report=report, now=timezone.now())
        context["summary"] = summary
        context["month_html"] = rendering.month_html(
            summary, viewer_zone=timezone.get_current_timezone()
        )
        context["form"] = form or SummaryForm(
            initial={"version": report.version, "summary": report.summary}
        )
    return render(request, "statusreports/report.html", context, status=status)


def _save(
    request: AuthenticatedRequest, access: TeamAccess, current: StatusReport, *, autosave: bool
) -> StatusReport | HttpResponse:
    """Save the posted summary: the saved report, or the response that explains why not
    (the form re-rendered with everything typed, or the autosave's JSON)."""
    form = SummaryForm(request.POST)
    if not form.is_valid():
        if autosave:
            return JsonResponse({"errors": _errors(form)}, status=400)
        return _report_page(request, access, current, form=form, status=400)
    try:
        return services.status_report_update(
            report=current,
            user=request.user,
            version=form.cleaned_data["version"],
            summary=form.cleaned_data["summary"],
        )
    except VersionConflict as conflict:
        if autosave:
            return JsonResponse(
                {"error": str(conflict), "version": conflict.version, "current": conflict.current},
                status=409,
            )
        # Everything typed stays in the form; saving it again now means "mine over theirs".
        retyped = SummaryForm({**request.POST.dict(), "version": conflict.version})
        return _report_page(request, access, current, form=retyped, conflict=conflict, status=409)
    except ValidationError as error:
        if autosave:
            return JsonResponse({"errors": error.message_dict}, status=400)
        add_service_error(form, error)
        return _report_page(request, access, current, form=form, status=400)


@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedRequest, slug: str, month: str) -> HttpResponse:
    access = team_access(user=request.user, slug=slug).require()
    current = selectors.report_get(access=access, month=month)
    if request.method == "GET":
        return _report_page(request, access, current)
    access.require(min_role=Membership.Role.LEAD)
    autosave = request.headers.get("X-Autosave") == "1"
    saved = _save(request, access, current, autosave=autosave)
    if isinstance(saved, HttpResponse):
        return saved
    if autosave:
        return JsonResponse({"version": saved.version, "saved_at": saved.updated_at.isoformat()})
    messages.success(request, "Summary saved.")
    return redirect(saved.get_absolute_url())


def _errors(form: SummaryForm) -> dict[str, list[str]]:
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@require_POST
def publish(request: AuthenticatedRequest, slug: str, month: str) -> HttpResponse:
    """Save the summary posted with it (if any), then publish."""
    access = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD)
    current = selectors.report_get(access=access, month=month)
    if "version" in request.POST and not current.is_published:
        saved = _save(request, access, current, autosave=False)
        if isinstance(saved, HttpResponse):
            return saved
        current = saved
    published = services.status_report_publish(report=current, user=request.user)
    messages.success(request, f"Published and emailed to {published.emailed_to or 'nobody'}.")
    return redirect(published.get_absolute_url())
