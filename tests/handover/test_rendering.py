"""A note and its summary as Markdown, plain text and sanitized HTML in a viewer's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from handover import services
from handover.rendering import (
    DRAFT_MARKER,
    note_html,
    note_markdown,
    note_text,
    summary_html,
    summary_markdown,
)
from handover.summary import period_summary_build
from shifts.models import Shift
from teams.models import Membership
from teams.selectors import person_name
from tests.handover.factories import busy_period
from tests.shifts.factories import people, rotation

ZURICH = ZoneInfo("Europe/Zurich")
START = dt.datetime(2027, 1, 11, 9, tzinfo=ZURICH)
END = dt.datetime(2027, 1, 18, 9, tzinfo=ZURICH)
BASE = "https://desk.example.org"


@pytest.fixture
def crew(team):
    return people(team, 4)


@pytest.fixture
def drafted(team, crew):
    rotation(team, crew, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    shift = Shift.objects.get(team=team, start_at=START)
    busy = busy_period(team, start=START, end=END, people=crew, shift=shift)
    note = services.handover_note_get_or_draft(shift=shift)
    note = services.handover_note_update(
        note=note,
        user=crew[1],
        version=note.version,
        data={
            "ongoing_debugging": "Chasing **JobAccountant** <script>alert(1)</script>",
            "watch_out_for": "- the *tape* queue\n- [dashboard](https://grafana.example.org/d/1)",
        },
    )
    summary = period_summary_build(team=team, start_at=START, end_at=END, now=END)
    return note, summary, busy


def test_draft_markdown_reads_top_down(drafted, crew):
    note, summary, busy = drafted
    text = note_markdown(note, summary, viewer_zone="Europe/Zurich", base_url=BASE)
    lines = text.splitlines()
    assert lines[0] == "# Ops handover, Mon 11 Jan 2027 to Mon 18 Jan 2027"
    assert f"**{DRAFT_MARKER}**" in lines[:4]
    assert f"From {person_name(crew[1])} to {person_name(crew[2])}" in text
    assert f"[open in Shiftdesk]({BASE}/handover/ops/shifts/{note.shift_id}/)" in text
    order = [
        text.index(heading)
        for heading in (
            "## Ongoing debugging",
            "## Watch out for",
            "## Next week",
            "## Incidents",
            "## Support requests",
            "## Meetings",
            "## Action items",
            "## GitHub issues",
            "## Deployments",
            "## Swaps and covers",
            "## Coming up",
        )
    ]
    assert order == sorted(order)
    assert "Chasing **JobAccountant**" in text  # typed Markdown stays Markdown
    old = busy["old"]
    assert f"[\\#{old.pk} Old outage]({BASE}/incidents/ops/{old.pk}/)" in text
    assert "next step: Restart the agent after the patch" in text
    assert "### Still waiting for a response (2)" in text
    assert "1 asked" not in text
    assert "8 asked, 7 answered, 0 resolved" in text
    assert "### Without a published report" in text
    assert "Tape staging: Stage from T1 only\\." in text
    assert "ops/agent\\#7 reopened" in text
    assert "Mon 11 Jan 2027 16:00 CET" in text  # the Monday meeting, Zurich time


def test_times_follow_the_viewer_zone(drafted):
    note, summary, _ = drafted
    text = note_text(note, summary, viewer_zone=ZoneInfo("America/Chicago"), base_url=BASE)
    assert "Mon 11 Jan 2027 09:00 CST" in text  # the Zurich 16:00 meeting
    assert "handover Mon 18 Jan 2027 02:00 CST" in text


def test_plain_text_has_no_escapes_and_readable_links(drafted):
    note, summary, busy = drafted
    text = note_text(note, summary, viewer_zone="Europe/Zurich", base_url=BASE)
    assert text.startswith("Ops handover, Mon 11 Jan 2027 to Mon 18 Jan 2027\n")
    assert f"*** {DRAFT_MARKER} ***" in text
    assert "Ongoing debugging\n=================" in text
    assert f"#{busy['old'].pk} Old outage <{BASE}/incidents/ops/{busy['old'].pk}/>" in text
    assert "\\" not in text


def test_html_is_sanitized_and_links_work(drafted):
    note, summary, busy = drafted
    html = note_html(note, summary, viewer_zone="Europe/Zurich", base_url=BASE)
    assert "<script" not in html
    assert "<strong>JobAccountant</strong>" in html
    assert f"<strong>{DRAFT_MARKER}</strong>" in html
    grafana = "https://grafana.example.org/d/1"
    assert f'<a href="{grafana}" rel="noopener noreferrer">dashboard</a>' in html
    assert f'href="{BASE}/meetings/{busy["monday"].pk}/report/"' in html
    assert "<h2>Incidents</h2>" in html


def test_finalised_and_acknowledged_note_says_who_and_when(drafted, team, crew):
    note, summary, _ = drafted
    Membership.objects.filter(team=team, user__in=crew).update(role=Membership.Role.MEMBER)
    note = services.handover_note_finalise(note=note, user=crew[1], now=END - dt.timedelta(hours=1))
    note = services.handover_note_update(
        note=note, user=crew[1], version=note.version, data={"next_week": "Release 2.4"}
    )
    note = services.handover_note_acknowledge(note=note, user=crew[2], now=END)
    text = note_markdown(note, summary, viewer_zone="Europe/Zurich", base_url=BASE)
    assert DRAFT_MARKER not in text
    assert f"Finalised by {person_name(crew[1])}, Mon 18 Jan 2027 08:00 CET." in text
    assert "Edited after finalising." in text
    assert f"Acknowledged by {person_name(crew[2])}, Mon 18 Jan 2027 09:00 CET." in text


def test_summary_alone_for_a_status_report(drafted):
    _, summary, _ = drafted
    text = summary_markdown(summary, viewer_zone="Europe/Zurich", base_url="")
    assert text.startswith("## Incidents")
    assert "](/incidents/ops/" in text
    assert summary_html(summary, viewer_zone="UTC", base_url="").startswith("<h2>Incidents</h2>")


def test_titles_with_markup_characters_read_as_typed(drafted):
    note, summary, busy = drafted
    busy["old"].title = "Tape <outage> & a_b"
    busy["old"].save()
    summary = period_summary_build(
        team=note.team, start_at=summary.start_at, end_at=summary.end_at, now=summary.end_at
    )
    html = note_html(note, summary, viewer_zone="Europe/Zurich", base_url=BASE)
    assert "Tape &lt;outage&gt; &amp; a_b" in html
    assert "\\" not in html
    assert "Tape <outage> & a_b" in note_text(note, summary, viewer_zone="UTC", base_url=BASE)
