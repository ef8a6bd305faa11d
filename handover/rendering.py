"""A handover note with its period summary as Markdown, plain text and sanitized HTML,
times in a viewer's zone: the page, the weekly email's text and HTML parts and the chat
post all render from here. A note not finalised says so first: "DRAFT — not finalised".
"""

import datetime as dt

from handover.models import HandoverNote
from handover.summary import PeriodSummary
from handover.summary_text import Style, joined, style_for, summary_lines
from teams.markdown import render_markdown
from teams.selectors import person_name
from teams.timezones import zone

DRAFT_MARKER = "DRAFT — not finalised"
NOTE_SECTION_TITLES = (
    ("ongoing_debugging", "Ongoing debugging"),
    ("watch_out_for", "Watch out for"),
    ("next_week", "Next week"),
)


def note_title(note: HandoverNote, summary: PeriodSummary) -> str:
    """'Ops handover, Mon 04 Jan 2027 to Mon 11 Jan 2027' (days in the team's zone)."""
    return (
        f"{summary.team_name} handover, {summary.first_day:%a %d %b %Y}"
        f" to {summary.end_at.astimezone(zone(summary.time_zone)):%a %d %b %Y}"
    )


def note_state_lines(note: HandoverNote, style: Style) -> list[str]:
    """The draft marker, or who finalised and acknowledged it and when."""
    if not note.is_finalised or note.finalised_at is None:
        return [f"**{DRAFT_MARKER}**" if style.markdown else f"*** {DRAFT_MARKER} ***"]
    who = style.esc(person_name(note.finalised_by))
    lines = [f"Finalised by {who}, {style.when(note.finalised_at)}."]
    if note.edited_after_finalising:
        lines.append("Edited after finalising.")
    if note.acknowledged_at is not None:
        lines.append(
            f"Acknowledged by {style.esc(person_name(note.acknowledged_by))},"
            f" {style.when(note.acknowledged_at)}."
        )
    else:
        lines.append("Not acknowledged yet.")
    return lines


def _note_lines(note: HandoverNote, summary: PeriodSummary, style: Style) -> list[str]:
    title = note_title(note, summary)
    lines = [f"# {style.esc(title)}" if style.markdown else title, ""]
    lines += note_state_lines(note, style)
    lines += [
        "",
        f"From {style.esc(person_name(note.outgoing))} to {style.esc(person_name(note.incoming))},"
        f" handover {style.when(summary.end_at)}.",
        f"Shift note: {style.link('open in Shiftdesk', note.get_absolute_url())}",
    ]
    for field, heading in NOTE_SECTION_TITLES:
        lines += style.heading(2, heading)
        text = getattr(note, field).strip()
        lines.append(text or "Nothing written.")
    lines += summary_lines(summary, style)
    return lines


def note_markdown(
    note: HandoverNote,
    summary: PeriodSummary,
    *,
    viewer_zone: str | dt.tzinfo,
    base_url: str | None = None,
) -> str:
    """The note as Markdown: links absolute from `base_url` (default settings.SITE_URL)."""
    style = style_for(markdown=True, viewer_zone=viewer_zone, base_url=base_url)
    return joined(_note_lines(note, summary, style))


def note_text(
    note: HandoverNote,
    summary: PeriodSummary,
    *,
    viewer_zone: str | dt.tzinfo,
    base_url: str | None = None,
) -> str:
    """The note as plain text (the email's text part): no escapes, links as `title <url>`;
    the free-text sections stay as typed (Markdown reads as text)."""
    style = style_for(markdown=False, viewer_zone=viewer_zone, base_url=base_url)
    return joined(_note_lines(note, summary, style))


def note_html(
    note: HandoverNote,
    summary: PeriodSummary,
    *,
    viewer_zone: str | dt.tzinfo,
    base_url: str | None = None,
) -> str:
    """The note's Markdown rendered and sanitized (teams.markdown): safe to mark_safe."""
    return render_markdown(note_markdown(note, summary, viewer_zone=viewer_zone, base_url=base_url))


def summary_markdown(
    summary: PeriodSummary, *, viewer_zone: str | dt.tzinfo, base_url: str | None = None
) -> str:
    """The summary alone (a status report, a chat post) as Markdown."""
    style = style_for(markdown=True, viewer_zone=viewer_zone, base_url=base_url)
    return joined(summary_lines(summary, style))


def summary_html(
    summary: PeriodSummary, *, viewer_zone: str | dt.tzinfo, base_url: str | None = None
) -> str:
    return render_markdown(summary_markdown(summary, viewer_zone=viewer_zone, base_url=base_url))
