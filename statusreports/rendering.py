"""A monthly status report as Markdown, plain text and sanitized HTML, from the period
summary builder's `PeriodSummary` (the month's sections only) and the lead's summary.

The email's text and HTML parts, the report page and the API's `html`/`text` all come
from here; times are written in a viewer's zone (the team's for email).
"""

import datetime as dt

from handover.sections.action_items import ActionItemLine
from handover.sections.incidents import IncidentLine
from handover.summary import PeriodSummary
from handover.summary_text import Style, hours, joined, style_for, titled_list
from statusreports.models import StatusReport
from teams.markdown import render_markdown
from teams.selectors import person_name

DRAFT_MARKER = "DRAFT — not published"
RESOLUTION_CHARS = 300


def report_title(report: StatusReport) -> str:
    return f"{report.team.name} status report, {report.month:%B %Y}"


def _item(s: Style, line: ActionItemLine, *, closed: bool = False) -> str:
    text = f"{s.link(line.title, line.url)} — {s.esc(line.owner or 'nobody')}"
    if closed and line.closed_at:
        return text + f", closed {s.when(line.closed_at)}"
    return text + (f", due {s.day(line.due_on)}" if line.due_on else "")


def _incident(s: Style, line: IncidentLine) -> str:
    text = f"{s.link(f'#{line.id} {line.title}', line.url)} — {line.severity}"
    text += f", detected {s.when(line.detected_at)}"
    if line.resolved_at is None:
        return text + f"; {line.status.lower()}"
    text += f"; resolved {s.when(line.resolved_at)} after {hours(line.hours_open)}"
    resolution = " ".join(line.next_step.split())
    if len(resolution) > RESOLUTION_CHARS:
        resolution = resolution[: RESOLUTION_CHARS - 1] + "…"
    return text + (f": {s.esc(resolution)}" if resolution else "")


def incidents_by_kind(summary: PeriodSummary) -> dict[str, list[IncidentLine]]:
    """The month's incidents (opened or resolved in it, each once) grouped by kind."""
    seen: dict[int, IncidentLine] = {}
    for line in (*summary.incidents.opened, *summary.incidents.resolved):
        seen.setdefault(line.id, line)
    groups: dict[str, list[IncidentLine]] = {}
    for line in sorted(seen.values(), key=lambda x: (x.kind, x.detected_at, x.id)):
        groups.setdefault(line.kind, []).append(line)
    return groups


def month_lines(summary: PeriodSummary, s: Style) -> list[str]:
    """The month's sections: meetings and decisions, action items, incidents by kind
    with their resolutions, support statistics, GitHub issues closed."""
    out: list[str] = []
    meet = summary.meetings
    out += s.heading(2, "Meetings")
    out += titled_list(
        s, "Held", [f"{s.link(x.title, x.url)}, {s.when(x.start_at)}" for x in meet.held]
    )
    decisions = [
        f"{s.link(f'{d.meeting_title}, {s.when(d.meeting_start_at)}', d.report_url)}"
        f" — {s.esc(d.topic or 'topic')}: {s.esc(d.decision)}"
        for d in meet.decisions
    ]
    out += titled_list(s, "Decisions", decisions)

    act = summary.action_items
    out += s.heading(2, "Action items")
    out += titled_list(s, "Opened", [_item(s, x) for x in act.created])
    out += titled_list(s, "Closed", [_item(s, x, closed=True) for x in act.done])
    out += titled_list(s, "Overdue at the end of the month", [_item(s, x) for x in act.overdue])

    out += s.heading(2, "Incidents")
    groups = incidents_by_kind(summary)
    if not groups:
        out.append("No incidents this month.")
    for kind, lines in groups.items():
        out += titled_list(s, kind, [_incident(s, x) for x in lines])

    sup = summary.support
    out += s.heading(2, "Support requests")
    out.append(
        f"{sup.asked} asked, {sup.answered} answered, {sup.resolved} resolved; first response:"
        f" median {hours(sup.median_response_hours)}, longest {hours(sup.max_response_hours)}."
    )
    out.append(f"{len(sup.waiting)} still waiting for a first response at the end of the month.")

    out += s.heading(2, "GitHub issues")
    closed = [
        f"{s.link(f'{x.reference} {x.title}', x.url)}, closed {s.when(x.at)}"
        for x in summary.github.closed
    ]
    out += titled_list(s, "Closed", closed)
    return out


def _state_lines(report: StatusReport, s: Style) -> list[str]:
    if not report.is_published or report.published_at is None:
        return [f"**{DRAFT_MARKER}**" if s.markdown else f"*** {DRAFT_MARKER} ***"]
    who = s.esc(person_name(report.published_by)) if report.published_by else "someone"
    return [f"Published by {who}, {s.when(report.published_at)}."]


def _report_lines(report: StatusReport, summary: PeriodSummary, s: Style) -> list[str]:
    title = report_title(report)
    lines = [f"# {s.esc(title)}" if s.markdown else title, ""]
    lines += _state_lines(report, s)
    lines += [
        "",
        f"{s.day(summary.first_day)} to {s.day(summary.last_day)} ({summary.time_zone}).",
        f"Report: {s.link('open in Shiftdesk', report.get_absolute_url())}",
    ]
    lines += s.heading(2, "Summary")
    lines.append(report.summary.strip() or "No summary written.")
    return lines + month_lines(summary, s)


def report_markdown(
    report: StatusReport,
    summary: PeriodSummary,
    *,
    viewer_zone: str | dt.tzinfo,
    base_url: str | None = None,
) -> str:
    """The report as Markdown; links absolute from `base_url` (default SITE_URL)."""
    style = style_for(markdown=True, viewer_zone=viewer_zone, base_url=base_url)
    return joined(_report_lines(report, summary, style))


def report_text(
    report: StatusReport,
    summary: PeriodSummary,
    *,
    viewer_zone: str | dt.tzinfo,
    base_url: str | None = None,
) -> str:
    """The report as plain text (the email's text part); the summary stays as typed."""
    style = style_for(markdown=False, viewer_zone=viewer_zone, base_url=base_url)
    return joined(_report_lines(report, summary, style))


def report_html(
    report: StatusReport,
    summary: PeriodSummary,
    *,
    viewer_zone: str | dt.tzinfo,
    base_url: str | None = None,
) -> str:
    """The Markdown rendered and sanitized (teams.markdown): safe to mark_safe."""
    markdown = report_markdown(report, summary, viewer_zone=viewer_zone, base_url=base_url)
    return render_markdown(markdown)


def month_html(summary: PeriodSummary, *, viewer_zone: str | dt.tzinfo) -> str:
    """The month's sections alone (the draft page), site-relative links."""
    style = style_for(markdown=True, viewer_zone=viewer_zone, base_url="")
    return render_markdown(joined(month_lines(summary, style)))
