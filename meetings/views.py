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
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from meetings import selectors
from meetings.forms import ArchiveSearchForm, CancelForm, CompileForm, MoveForm, SeriesForm
from meetings.models import Meeting, MeetingReport, ReportRevision, Topic
from meetings.services import report_editor, report_editor_context, report_input, reports
from meetings.services import revisions as revisions_services
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
    sent: report_input.ReportInput | None = None,
    kept: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    context = report_editor_context.editor_context(
        report=report, result=result, sent=sent, kept=kept
    )
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


def _with_errors(response: HttpResponse, errors: dict[str, str]) -> HttpResponse:
    """Tell the editor's script which fields were not saved (shown next to them)."""
    return trigger_client_event(response, "editor-saved", {"errors": errors})


def published_text(report: MeetingReport) -> str:
    """What publishing did, in the words the page shows."""
    done = "Correction published" if report.corrections else "Report published"
    if report.emailed_to:
        return f"{done} and emailed to {report.emailed_to}."
    if report.corrections:
        return f"{done}; it was not emailed again."
    return (
        f"{done}; nobody was emailed: the team has no mailing list "
        "and no member with an email address."
    )


@require_POST
def report_save(request: HtmxRequest, pk: int) -> HttpResponse:
    """The editor's plain submit (and its HTMX buttons): save what is valid, then act.

    The structure buttons act even when a part conflicts or a value is bad (a new topic
    is added, and has the cursor); publishing waits until both are resolved. Without
    HTMX a clean save redirects back; otherwise the editor is rendered again in place
    (HTMX) or as the page, with the conflicts and each bad value at its field."""
    meeting, current = _report_for_meeting(request, pk)
    if current is None or current.is_published:
        messages.error(request, "There is no draft to save here.")
        return redirect("meetings:report", pk=meeting.pk)
    action = request.POST.get("action", "save")
    focus: tuple[int | None, str] = (None, "")
    try:
        data = report_input.editor_input(request.POST)
        result = report_editor.report_save(report=current, user=request.user, data=data)
        if action == "add_topic":
            topic = reports.topic_add(report=current, user=request.user)
            focus = (topic.pk, "title")
        elif action.startswith("add_item:"):
            focus = (int(action.partition(":")[2] or 0), "new-title")
        elif action.startswith("delete_topic:"):
            removed = current.topics.filter(pk=int(action.partition(":")[2] or 0)).first()
            if removed is None:
                raise ValidationError("That topic is not in this report.")
            reports.topic_delete(topic=removed, user=request.user)
        elif action == "publish" and not (result.conflicts or result.errors):
            published = reports.report_publish(
                report=current, user=request.user, send_email="send_email" in request.POST
            )
            messages.success(request, published_text(published))
            return redirect("meetings:report", pk=meeting.pk)
    except (ValidationError, ValueError) as error:
        text = _error_text(error) if isinstance(error, ValidationError) else "Bad request."
        context = _editor_context(current, error=text)
        return render(request, "meetings/report_edit.html", context, status=400)
    current.refresh_from_db()
    problems = bool(result.conflicts or result.errors)
    if not request.htmx and not problems:
        url = reverse("meetings:report", kwargs={"pk": meeting.pk})
        if focus[0]:
            url = f"{url}?focus={focus[0]}:{focus[1]}#topic-{focus[0]}"
        return HttpResponseRedirect(url)
    kept = report_input.kept_values(post=request.POST, errors=result.errors)
    context = _editor_context(current, result=result, kept=kept, saved_at=timezone.now())
    if focus[0]:
        context["focus_topic"], context["focus_field"] = focus
    if action == "publish":
        context["error"] = "Not published yet: resolve what is marked below first."
    status = 409 if result.conflicts else 400 if result.errors else 200
    if request.htmx:
        response = render(request, "meetings/_editor.html", context, status=status)
        return _with_errors(
            reswap(retarget(response, "#report-editor"), "outerHTML"), result.errors
        )
    return render(request, "meetings/report_edit.html", context, status=status)


@require_POST
def report_autosave(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Save what is valid and answer with out-of-band fragments: the saved state, the new
    versions, any conflict (409) with both versions; bad values are named (by field) in
    the `editor-saved` event and left out of the save."""
    current = selectors.report_of_meeting_get_for_user(user=request.user, meeting_pk=pk)
    if current is None or current.is_published:
        return render(
            request,
            "meetings/_autosave_result.html",
            {"error": "This report is no longer a draft; reload the page."},
            status=400,
        )
    try:
        data = report_input.editor_input(request.POST)
        result = report_editor.report_save(report=current, user=request.user, data=data)
    except ValidationError as error:
        return render(
            request,
            "meetings/_autosave_result.html",
            {"error": _error_text(error)},
            status=400,
        )
    context = report_editor_context.autosave_context(result=result, sent=data)
    context["saved_at"] = timezone.now()
    status = 409 if result.conflicts else 200
    response = render(request, "meetings/_autosave_result.html", context, status=status)
    return _with_errors(response, result.errors)


@require_POST
def report_correct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Open the published report for a correction (its published version stays in the
    revisions; publishing the correction may email it again)."""
    meeting, current = _report_for_meeting(request, pk)
    if current is None:
        raise Http404
    try:
        reports.report_correct(report=current, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("meetings:report", pk=meeting.pk)


@require_GET
def report_revisions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting, current = _report_for_meeting(request, pk)
    revisions = selectors.revisions_for_report(report=current) if current else []
    context = {
        "meeting": meeting,
        "series": meeting.series,
        "report": current,
        "revisions": revisions,
        "restorable": revisions_services.RESTORABLE,
    }
    return render(request, "meetings/report_revisions.html", context)


@require_POST
def revision_restore(request: AuthenticatedRequest, pk: int, revision_pk: int) -> HttpResponse:
    """Restore a revision (a new revision itself); then back to the editor."""
    meeting, current = _report_for_meeting(request, pk)
    revision = get_object_or_404(ReportRevision, pk=revision_pk, report=current)
    try:
        revisions_services.revision_restore(revision=revision, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("meetings:report-revisions", pk=meeting.pk)
    messages.success(
        request, f"Restored the version of {revision.saved_at:%H:%M:%S} (a new revision)."
    )
    return redirect("meetings:report", pk=meeting.pk)


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
