"""What the live report editor shows next (step 4 of `report_editor`): the report's
values with each part's version and fingerprint, after a page load, a save or an
autosave."""

import secrets
from typing import Any

from meetings import selectors
from meetings.models import MeetingReport
from meetings.services import reports
from meetings.services.report_editor import SaveResult
from meetings.services.report_input import ReportInput, fingerprint
from teams.selectors import team_members


def editor_context(
    *,
    report: MeetingReport,
    result: SaveResult | None = None,
    sent: ReportInput | None = None,
    kept: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The report's values with each part's version and fingerprint (`report_base`,
    `topic.base`: what the next save is compared with), a fresh key for each new-item row,
    the owners to pick from, and the save's conflicts, errors and the values it `kept`
    out. After an autosave (`sent`), only the parts it sent and that were not held back
    (conflicting or stale) get their new version (`posted_topics`, `held_report`,
    `held_topics`)."""
    context = selectors.report_context(report=report)
    for topic in context["topics"]:
        topic.base = fingerprint(reports.topic_values(topic, topic.items))
        topic.new_key = secrets.token_hex(8)
    context["report_base"] = fingerprint(reports.report_values(report))
    context["members"] = list(team_members(team=context["team"]))
    return _with_save(context, result=result, sent=sent, kept=kept)


def autosave_context(*, result: SaveResult, sent: ReportInput) -> dict[str, Any]:
    """What an autosave answers: the versions and fingerprints of the header and of the
    topics it sent (as the save holds them: no query), and the save's conflicts and
    errors."""
    report = result.report
    topics = []
    for given in sent.topics:
        if given.id in result.parts:
            topic, items = result.parts[given.id]
            topic.base = fingerprint(reports.topic_values(topic, items))  # type: ignore[attr-defined]
            topics.append(topic)
    context = {
        "report": report,
        "meeting": report.meeting,
        "topics": topics,
        "report_base": fingerprint(reports.report_values(report)),
    }
    return _with_save(context, result=result, sent=sent, kept=None)


def _with_save(
    context: dict[str, Any],
    *,
    result: SaveResult | None,
    sent: ReportInput | None,
    kept: dict[str, str] | None,
) -> dict[str, Any]:
    context["result"] = result
    context["errors"] = result.errors if result is not None else {}
    context["kept"] = kept or {}
    if sent is not None:
        held = result.held_units if result is not None else set()
        context["posted_topics"] = {topic.id for topic in sent.topics}
        context["held_report"] = "report" in held
        context["held_topics"] = {
            int(unit.removeprefix("topic-")) for unit in held if unit.startswith("topic-")
        }
    return context
