"""Meeting pages: series, occurrences, the live report editor, archive and compile.

The report editor works as plain form posts (`report_save`, which redirects back) and
better with HTMX: the form autosaves to `report_autosave` on input (debounced) and on
blur, and the structure buttons (add topic, add action item, remove) re-render the
editor in place.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from meetings import selectors
from meetings.forms import ArchiveSearchForm, CancelForm, CompileForm, MoveForm, SeriesForm
from meetings.models import Meeting, MeetingReport, Topic
from meetings.services import report_editor, reports
from meetings.services import series as series_services
from teams.access import team_access
from teams.forms import add_service_error
from teams.models import Membership
from teams.requests import AuthenticatedRequest
from teams.selectors import team_members, teams_for_user
from teams.timezones import zone


class HtmxRequest(AuthenticatedRequest):
    htmx: HtmxDetails


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    teams = list(teams_for_user(user=request.user).order_by("name"))
    series = list(selectors.series_for_user(user=request.user))
    context = {
        **selectors.week_panel(user=request.user, now=timezone.now()),
        "teams": [
            {"team": team, "series": [s for s in series if s.team_id == team.pk]} for team in teams
        ],
    }
    return render(request, "meetings/index.html", context)


@require_http_methods(["GET", "POST"])
def series_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require(min_role=Membership.Role.LEAD).team
    form = SeriesForm(
        request.POST or None,
        members=team_members(team=team),
        initial={"time_zone": team.time_zone, "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            series = series_services.series_create(team=team, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Series {series.title} created.")
            return redirect(series)
    return render(
        request, "meetings/series_form.html", {"form": form, "team": team, "series": None}
    )


@require_http_methods(["GET", "POST"])
def series_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = selectors.series_get_for_user(user=request.user, pk=pk, min_role=Membership.Role.LEAD)
    form = SeriesForm(request.POST or None, instance=series, members=team_members(team=series.team))
    if request.method == "POST" and form.is_valid():
        try:
            series = series_services.series_update(series=series, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Series saved; future occurrences follow the new rule.")
            return redirect(series)
    context = {"form": form, "team": series.team, "series": series}
    return render(request, "meetings/series_form.html", context)


@require_GET
def series_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = selectors.series_get_for_user(user=request.user, pk=pk)
    now = timezone.now()
    meetings = Meeting.objects.filter(series=series).select_related("report", "series__team")
    context = {
        "series": series,
        "team": series.team,
        "upcoming": list(meetings.filter(end_at__gte=now).order_by("start_at")[:12]),
        "past": list(meetings.filter(end_at__lt=now).order_by("-start_at")[:12]),
        "is_lead": team_access(user=request.user, team=series.team).is_lead,
    }
    return render(request, "meetings/series_detail.html", context)


@require_GET
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    local_start = timezone.localtime(meeting.start_at)
    duration = int((meeting.end_at - meeting.start_at).total_seconds() // 60)
    context = {
        "meeting": meeting,
        "series": meeting.series,
        "move_form": MoveForm(
            initial={"start_at": local_start.replace(tzinfo=None), "duration_minutes": duration}
        ),
        "cancel_form": CancelForm(),
    }
    return render(request, "meetings/meeting_detail.html", context)


def _meeting_action(
    request: AuthenticatedRequest, pk: int, form: BaseForm | None, action: str
) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    if form is not None and not form.is_valid():
        return render(
            request,
            "meetings/meeting_detail.html",
            {
                "meeting": meeting,
                "series": meeting.series,
                "move_form": form if isinstance(form, MoveForm) else MoveForm(),
                "cancel_form": form if isinstance(form, CancelForm) else CancelForm(),
            },
            status=400,
        )
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "cancel":
            series_services.meeting_cancel(meeting=meeting, note=data.get("note", ""))
        elif action == "restore":
            series_services.meeting_restore(meeting=meeting)
        else:
            series_services.meeting_move(meeting=meeting, **data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            {
                "cancel": "Meeting cancelled.",
                "restore": "Meeting restored.",
                "move": "Meeting moved.",
            }[action],
        )
    return redirect(meeting)


@require_POST
def meeting_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_action(request, pk, CancelForm(request.POST), "cancel")


@require_POST
def meeting_restore(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_action(request, pk, None, "restore")


@require_POST
def meeting_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _meeting_action(request, pk, MoveForm(request.POST), "move")


# --- the report --------------------------------------------------------------------------


def _editor_context(
    report: MeetingReport,
    *,
    result: report_editor.SaveResult | None = None,
    sent: report_editor.ReportInput | None = None,
    **extra: Any,
) -> dict[str, Any]:
    context = report_editor.editor_context(report=report, result=result, sent=sent)
    context["replies"] = Topic.Reply.choices
    context["meeting_zone"] = zone(context["series"].time_zone)
    if context["topics"]:
        # Opening the editor puts the cursor back in the last topic.
        context["focus_topic"], context["focus_field"] = context["topics"][-1].pk, "title"
    context.update(extra)
    return context


def _report_for_meeting(
    request: AuthenticatedRequest, pk: int
) -> tuple[Meeting, MeetingReport | None]:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    report = None
    if hasattr(meeting, "report"):
        report = selectors.report_get_for_user(user=request.user, pk=meeting.report.pk)
    return meeting, report


@require_GET
def report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting, current = _report_for_meeting(request, pk)
    if current is None:
        return render(
            request, "meetings/report_start.html", {"meeting": meeting, "series": meeting.series}
        )
    if current.is_published:
        return render(
            request, "meetings/report_view.html", selectors.report_context(report=current)
        )
    topic_id, _, field = request.GET.get("focus", "").partition(":")
    focus: dict[str, Any] = {}
    if topic_id.isdigit():
        focus = {"focus_topic": int(topic_id), "focus_field": field}
    return render(request, "meetings/report_edit.html", _editor_context(current, **focus))


@require_POST
def report_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting, _ = _report_for_meeting(request, pk)
    try:
        reports.report_open(meeting=meeting, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("meetings:report", pk=meeting.pk)


def _conflict_response(
    request: HtmxRequest, report: MeetingReport, result: report_editor.SaveResult
) -> HttpResponse:
    context = _editor_context(report, result=result)
    if request.htmx:
        response = render(request, "meetings/_editor.html", context, status=409)
        return reswap(retarget(response, "#report-editor"), "outerHTML")
    return render(request, "meetings/report_edit.html", context, status=409)


@require_POST
def report_save(request: HtmxRequest, pk: int) -> HttpResponse:
    """The editor's plain submit (and its HTMX buttons): save everything, then act."""
    meeting, current = _report_for_meeting(request, pk)
    if current is None or current.is_published:
        messages.error(request, "There is no draft to save here.")
        return redirect("meetings:report", pk=meeting.pk)
    action = request.POST.get("action", "save")
    anchor = ""
    focus: tuple[int | None, str] = (None, "")
    try:
        data = report_editor.editor_input(request.POST)
        result = report_editor.report_save(
            report=current, user=request.user, data=data, create_new_items=True
        )
        if result.conflicts:
            return _conflict_response(request, current, result)
        if action == "add_topic":
            topic = reports.topic_add(report=current, user=request.user)
            anchor, focus = f"topic-{topic.pk}", (topic.pk, "title")
        elif action.startswith("add_item:"):
            topic_id = int(action.partition(":")[2] or 0)
            anchor, focus = f"topic-{topic_id}", (topic_id, "new-title")
        elif action.startswith("delete_topic:"):
            removed = current.topics.filter(pk=int(action.partition(":")[2] or 0)).first()
            if removed is None:
                raise ValidationError("That topic is not in this report.")
            reports.topic_delete(topic=removed, user=request.user)
        elif action == "publish":
            reports.report_publish(report=current, user=request.user)
            messages.success(request, "Report published and emailed to the team's list.")
            return redirect("meetings:report", pk=meeting.pk)
    except (ValidationError, ValueError) as error:
        text = _error_text(error) if isinstance(error, ValidationError) else "Bad request."
        context = _editor_context(current, error=text)
        return render(request, "meetings/report_edit.html", context, status=400)
    if request.htmx:
        current.refresh_from_db()
        context = _editor_context(
            current, focus_topic=focus[0], focus_field=focus[1], saved_at=timezone.now()
        )
        response = render(request, "meetings/_editor.html", context)
        return reswap(retarget(response, "#report-editor"), "outerHTML")
    url = reverse("meetings:report", kwargs={"pk": meeting.pk})
    if anchor:
        url = f"{url}?focus={focus[0]}:{focus[1]}#{anchor}" if focus[0] else f"{url}#{anchor}"
    return HttpResponseRedirect(url)


@require_POST
def report_autosave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Save what changed and answer with out-of-band fragments: the saved state, the new
    versions, and any conflict (409) with both versions."""
    _, current = _report_for_meeting(request, pk)
    if current is None or current.is_published:
        return render(
            request,
            "meetings/_autosave_result.html",
            {"error": "This report is no longer a draft; reload the page."},
            status=400,
        )
    try:
        data = report_editor.editor_input(request.POST)
        result = report_editor.report_save(report=current, user=request.user, data=data)
    except ValidationError as error:
        return render(
            request,
            "meetings/_autosave_result.html",
            {"error": _error_text(error)},
            status=400,
        )
    current.refresh_from_db()
    context = _editor_context(current, result=result, sent=data, saved_at=timezone.now())
    status = 409 if result.conflicts else 200
    return render(request, "meetings/_autosave_result.html", context, status=status)


@require_GET
def report_revisions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting, current = _report_for_meeting(request, pk)
    revisions = selectors.revisions_for_report(report=current) if current else []
    context = {
        "meeting": meeting,
        "series": meeting.series,
        "report": current,
        "revisions": revisions,
    }
    return render(request, "meetings/report_revisions.html", context)


@require_GET
def team_archive(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    team = team_access(user=request.user, slug=slug).require().team
    form = ArchiveSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    reports = selectors.reports_published(team=team, query=query)[:100]
    context = {"team": team, "series": None, "form": form, "reports": reports, "query": query}
    return render(request, "meetings/archive.html", context)


@require_GET
def series_archive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = selectors.series_get_for_user(user=request.user, pk=pk)
    form = ArchiveSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    reports = selectors.reports_published(series=series, query=query)[:100]
    today = timezone.localdate()
    compile_form = CompileForm(initial={"start": today - dt.timedelta(days=90), "end": today})
    context = {
        "team": series.team,
        "series": series,
        "form": form,
        "reports": reports,
        "query": query,
        "compile_form": compile_form,
    }
    return render(request, "meetings/archive.html", context)


@require_GET
def series_compile(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    series = selectors.series_get_for_user(user=request.user, pk=pk)
    form = CompileForm(request.GET)
    if not form.is_valid():
        context = {"series": series, "team": series.team, "form": form, "reports": None}
        return render(request, "meetings/compile.html", context, status=400)
    reports = list(
        selectors.reports_compiled(
            series=series, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    )
    context = {"series": series, "team": series.team, "form": form, "reports": reports}
    return render(request, "meetings/compile.html", context)
