"""A `PeriodSummary` as lines of Markdown or plain text, times in a viewer's zone.

One writer for both: Markdown escapes what people typed in titles and writes links as
`[title](url)`; plain text leaves titles alone and writes `title <url>`. The HTML is the
Markdown through the sanitizing renderer (`handover.rendering`).
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from duties.selectors import DutyEntry
from handover.sections.action_items import ActionItemLine
from handover.sections.incidents import IncidentLine
from handover.sections.meetings import MeetingLine
from handover.sections.support import SupportLine
from handover.summary import PeriodSummary
from teams.timezones import zone

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
NEXT_STEP_CHARS = 240


@dataclass(frozen=True)
class Style:
    """How to write a title and a link: Markdown or plain text."""

    markdown: bool
    tz: dt.tzinfo
    base_url: str

    def esc(self, text: str) -> str:
        text = " ".join(text.split())
        if not self.markdown:
            return text
        # Markdown has no backslash escape for &, < and >: entities keep them literal.
        text = MARKDOWN_SPECIAL.sub(r"\\\1", text)
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def link(self, title: str, url: str) -> str:
        if not url:
            return self.esc(title)
        absolute = url if url.startswith("http") else f"{self.base_url}{url}"
        return f"[{self.esc(title)}]({absolute})" if self.markdown else f"{title} <{absolute}>"

    def when(self, value: dt.datetime) -> str:
        local = value.astimezone(self.tz)
        return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"

    def day(self, value: dt.date) -> str:
        return f"{value:%a %d %b %Y}"

    def heading(self, level: int, text: str) -> list[str]:
        if self.markdown:
            return ["", f"{'#' * level} {text}", ""]
        underline = "=" if level <= 2 else "-"
        return ["", text, underline * len(text), ""]


def style_for(*, markdown: bool, viewer_zone: str | dt.tzinfo, base_url: str | None) -> Style:
    """Markdown or plain text, times in `viewer_zone`, links from `base_url` (default
    settings.SITE_URL)."""
    tz = zone(viewer_zone) if isinstance(viewer_zone, str) else viewer_zone
    return Style(
        markdown=markdown, tz=tz, base_url=settings.SITE_URL if base_url is None else base_url
    )


def joined(lines: list[str]) -> str:
    """One blank line between blocks, whatever the sections add."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:g} h"


def titled_list(style: Style, title: str, rows: Sequence[str], *, level: int = 3) -> list[str]:
    """A titled list with its count; one short line when empty."""
    if not rows:
        return ["", f"{title}: none."]
    return style.heading(level, f"{title} ({len(rows)})") + [f"- {row}" for row in rows]


def _incident(style: Style, line: IncidentLine) -> str:
    text = f"{style.link(f'#{line.id} {line.title}', line.url)} — {line.kind}, {line.severity}"
    text += f", {line.status.lower()}; owner: {style.esc(line.owner or 'nobody')}"
    text += f"; open {hours(line.hours_open)}"
    if line.next_step:
        step = " ".join(line.next_step.split())
        if len(step) > NEXT_STEP_CHARS:
            step = step[: NEXT_STEP_CHARS - 1] + "…"
        text += f"; next step: {style.esc(step)}"
    return text


def _support(style: Style, line: SupportLine) -> str:
    who = line.asked_by + (f" ({line.asking_team})" if line.asking_team else "")
    text = f"{style.link(line.question, line.url)} — {style.esc(who)}, {line.channel}"
    text += f", asked {style.when(line.asked_at)}"
    if line.response_hours is not None:
        text += f", answered in {hours(line.response_hours)}"
    if line.handled_by:
        text += f" by {style.esc(line.handled_by)}"
    if line.waiting_for:
        text += f", waiting {line.waiting_for} working"
        text += " (past the team's target)" if line.past_target else ""
    return text


def _duty(style: Style, entry: DutyEntry) -> str:
    text = f"{style.esc(entry.duty)}, {style.day(entry.occurs_on)}"
    if entry.who:
        text += f" — {style.esc(entry.who)}"
    if entry.when:
        text += f", {style.when(entry.when)}"
    if entry.note:
        text += f": “{style.esc(entry.note)}”"
    return text


def _meeting(style: Style, line: MeetingLine, *, report: bool = True) -> str:
    text = f"{style.link(line.title, line.url)}, {style.when(line.start_at)}"
    if not report:
        return text
    status = {"published": "report published", "draft": "report in draft"}.get(
        line.report_status, "no report yet"
    )
    return text + f" — {style.link(status, line.report_url)}"


def _item(style: Style, line: ActionItemLine) -> str:
    text = f"{style.link(line.title, line.url)} — {style.esc(line.owner or 'nobody')}"
    if line.due_on:
        text += f", due {style.day(line.due_on)}"
    if line.github:
        text += f", {style.esc(line.github)} reopened"
    return text


def summary_lines(summary: PeriodSummary, style: Style) -> list[str]:
    """Every section of the summary, in the order a reader wants them."""
    s = style
    out: list[str] = []
    inc = summary.incidents
    out += s.heading(2, "Incidents")
    out += titled_list(s, "Still ongoing", [_incident(s, line) for line in inc.ongoing])
    out += titled_list(s, "Opened", [_incident(s, line) for line in inc.opened])
    out += titled_list(s, "Resolved", [_incident(s, line) for line in inc.resolved])

    sup = summary.support
    out += s.heading(2, "Support requests")
    out.append(
        f"{sup.asked} asked, {sup.answered} answered, {sup.resolved} resolved; first response:"
        f" median {hours(sup.median_response_hours)}, longest {hours(sup.max_response_hours)}."
    )
    out += titled_list(s, "Still waiting for a response", [_support(s, x) for x in sup.waiting])
    out += titled_list(s, "Asked in the period", [_support(s, x) for x in sup.requests])

    duties = summary.duties
    out += s.heading(2, "Duties")
    out += titled_list(s, "Done", [_duty(s, x) for x in duties.done])
    out += titled_list(s, "Skipped", [_duty(s, x) for x in duties.skipped])
    out += titled_list(s, "Missed (nobody ticked them)", [_duty(s, x) for x in duties.missed])

    meet = summary.meetings
    out += s.heading(2, "Meetings")
    out += titled_list(s, "Held", [_meeting(s, x) for x in meet.held])
    out += titled_list(
        s, "Without a published report", [_meeting(s, x) for x in meet.without_report]
    )
    decisions = [
        f"{s.link(f'{d.meeting_title}, {s.when(d.meeting_start_at)}', d.report_url)}"
        f" — {s.esc(d.topic or 'topic')}: {s.esc(d.decision)}"
        for d in meet.decisions
    ]
    out += titled_list(s, "Decisions", decisions)

    act = summary.action_items
    out += s.heading(2, "Action items")
    out += titled_list(s, "Overdue", [_item(s, x) for x in act.overdue])
    out += titled_list(s, "Regressed (GitHub issue reopened)", [_item(s, x) for x in act.regressed])
    out += titled_list(s, "Created", [_item(s, x) for x in act.created])
    out += titled_list(s, "Done", [_item(s, x) for x in act.done])

    gh = summary.github
    out += s.heading(2, "GitHub issues")
    for title, rows in (("Opened", gh.opened), ("Closed", gh.closed), ("Reopened", gh.reopened)):
        out += titled_list(
            s,
            title,
            [f"{s.link(f'{x.reference} {x.title}', x.url)} ({x.state})" for x in rows],
        )

    dep = summary.deployments
    out += s.heading(2, "Deployments")
    applied = [
        f"{s.link(x.change, x.change_url)} on {s.esc(x.host)}, {s.when(x.at)}"
        + (f" by {s.esc(x.by)}" if x.by else "")
        for x in dep.applied
    ]
    out += titled_list(s, "Applied in the period", applied)
    pending = [
        f"{s.link(x.change, x.change_url)} ({x.kind}) on {x.pending_hosts}"
        f" host{'s' if x.pending_hosts != 1 else ''}"
        for x in dep.pending
    ]
    out += titled_list(s, "Still pending", pending)
    out += titled_list(
        s, "Hosts draining", [f"{s.link(x.host, x.url)}: {x.state}" for x in dep.draining]
    )

    sch = summary.schedule
    out += s.heading(2, "Swaps and covers")
    swaps = [
        f"{s.esc(x.requester)} ↔ {s.esc(x.recipient)}: shift of {s.when(x.shift_start_at)}"
        + (f" for the one of {s.when(x.counter_start_at)}" if x.counter_start_at else " given away")
        for x in sch.swaps
    ]
    out += titled_list(s, "Swaps", swaps)
    covers = [
        f"{s.esc(x.person)} covers {s.esc(x.covering_for)} from {s.when(x.start_at)}"
        f" to {s.when(x.end_at)}" + (f" ({s.esc(x.reason)})" if x.reason else "")
        for x in sch.covers
    ]
    out += titled_list(s, "Covers", covers)

    up = summary.upcoming
    out += s.heading(2, f"Coming up ({s.when(up.start_at)} to {s.when(up.end_at)})")
    out += titled_list(s, "Meetings", [_meeting(s, x, report=False) for x in up.meetings])
    leave = [
        f"{s.esc(x.person or 'Everyone')}: {x.kind}, {s.day(x.starts_on)} to {s.day(x.ends_on)}"
        + (f" ({s.esc(x.note)})" if x.note else "")
        for x in up.leave
    ]
    out += titled_list(s, "Away", leave)
    out += titled_list(s, "Action items due", [_item(s, x) for x in up.action_items_due])
    return out
