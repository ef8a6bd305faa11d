"""The report's content comes from the period summary builder: a seeded month section by
section, and a month with a DST change (bounds in UTC, the last evening in the month)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from incidents.models import Incident, TimelineEntry
from shifts.models import Shift
from statusreports import rendering, selectors
from statusreports.months import report_bounds
from tests.handover.factories import busy_period
from tests.incidents.factories import IncidentFactory
from tests.shifts.factories import people, rotation
from tests.statusreports.factories import report_of
from tests.teams.factories import TeamFactory

MARCH = dt.date(2027, 3, 1)
ZURICH = ZoneInfo("Europe/Zurich")


def _section(text: str, heading: str, following: str) -> str:
    """The text between two headings."""
    return text.split(f"\n{heading}\n", 1)[1].split(f"\n{following}\n", 1)[0]


@pytest.mark.django_db
def test_seeded_month_section_by_section(team):
    crew = people(team, 4)
    rotation(team, crew, now=dt.datetime(2027, 2, 1, tzinfo=dt.UTC), start_on=dt.date(2027, 3, 1))
    start, end = report_bounds(MARCH, ZURICH)
    # A busy week in the middle of the month (things before it are in March too).
    shift = Shift.objects.get(team=team, start_at=dt.datetime(2027, 3, 15, 9, tzinfo=ZURICH))
    busy = busy_period(team, start=shift.start_at, end=shift.end_at, people=crew, shift=shift)
    TimelineEntry.objects.create(
        incident=busy["stuck"], body="Restarted the JobAccountant; fixed.", occurred_at=start
    )
    IncidentFactory(
        team=team,
        title="Wrong input",
        kind=Incident.Kind.ON_DEMAND,
        detected_at=start + dt.timedelta(days=20),
    )
    report = report_of(team, MARCH, summary="A **calm** month.")
    summary = selectors.report_summary(report=report, now=end + dt.timedelta(days=3))
    text = rendering.report_text(
        report, summary, viewer_zone="Europe/Zurich", base_url="https://sd.example.org"
    )

    assert text.startswith("Ops status report, March 2027\n\n*** DRAFT — not published ***")
    assert "Mon 01 Mar 2027 to Wed 31 Mar 2027 (Europe/Zurich)." in text
    assert "Report: open in Shiftdesk <https://sd.example.org/status-reports/ops/2027-03/>" in text
    assert "A **calm** month." in text  # the summary as typed, in the text part

    meetings = _section(text, "Meetings\n========", "Action items\n============")
    assert "Held (40)" in meetings  # five Mondays, four Fridays, 31 days of the busy series
    assert "WMCore weekly <https://sd.example.org/meetings/" in meetings
    assert "Mon 01 Mar 2027 16:00 CET" in meetings
    assert "Mon 29 Mar 2027 16:00 CEST" in meetings
    assert "Decisions (8)" in meetings
    assert "Tape staging: Stage from T1 only." in meetings
    assert "No decision here" not in meetings

    items = _section(text, "Action items\n============", "Incidents\n=========")
    opened, rest = items.split("Closed (1)")
    closed, overdue = rest.split("Overdue at the end of the month (2)")
    assert "Opened (9)" in opened
    assert "Write the runbook" in opened
    assert "Patch the agent" in closed
    assert "closed Wed 17 Mar 2027 09:00 CET" in closed
    assert "Renew the certificate" in overdue
    assert "due Sat 13 Mar 2027" in overdue
    assert "Review quotas" in overdue  # due on the 24th, still open at the month's end

    incidents = _section(text, "Incidents\n=========", "Support requests\n================")
    on_demand, failures = incidents.split("System failure (14)")
    assert "On demand (1)" in on_demand
    assert "Wrong input" in on_demand
    assert "JobAccountant stuck <https://sd.example.org/incidents/ops/" in failures
    assert (
        "resolved Tue 16 Mar 2027 14:00 CET after 5 h: Restarted the JobAccountant; fixed."
        in failures
    )
    assert "Rucio slow" in failures
    assert "Busy incident 9" in failures
    assert "Not ours" not in text  # another team's

    support = _section(text, "Support requests\n================", "GitHub issues\n=============")
    assert "9 asked, 7 answered, 0 resolved; first response: median 0.5 h, longest 2 h." in support
    assert "2 still waiting for a first response" in support

    github = text.split("GitHub issues\n=============")[1]
    assert "Closed (2)" in github
    assert "ops/agent#9 Old leak <https://github.com/ops/agent/issues/9>" in github
    assert "New crash" not in github  # opened in March, not closed

    html = rendering.report_html(report, summary, viewer_zone="Europe/Zurich")
    assert "<strong>calm</strong>" in html
    assert "<h2>Incidents</h2>" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone_name", "start_utc", "end_utc", "tzname"),
    [
        # Europe/Zurich springs forward on 28 March 2027: CET at the start, CEST at the end.
        (
            "Europe/Zurich",
            dt.datetime(2027, 2, 28, 23, tzinfo=dt.UTC),
            dt.datetime(2027, 3, 31, 22, tzinfo=dt.UTC),
            "CEST",
        ),
        # America/Chicago on 14 March 2027: CST at the start, CDT at the end.
        (
            "America/Chicago",
            dt.datetime(2027, 3, 1, 6, tzinfo=dt.UTC),
            dt.datetime(2027, 4, 1, 5, tzinfo=dt.UTC),
            "CDT",
        ),
    ],
)
def test_month_with_a_dst_change(zone_name, start_utc, end_utc, tzname):
    tz = ZoneInfo(zone_name)
    team = TeamFactory(slug="dst", name="DST", time_zone=zone_name)
    start, end = report_bounds(MARCH, tz)
    assert (start, end) == (start_utc, end_utc)
    assert end - start == dt.timedelta(hours=31 * 24 - 1)

    last_evening = dt.datetime(2027, 3, 31, 23, 30, tzinfo=tz)
    next_night = dt.datetime(2027, 4, 1, 0, 30, tzinfo=tz)
    first_night = dt.datetime(2027, 3, 1, 0, 30, tzinfo=tz)
    IncidentFactory(team=team, title="Last evening", detected_at=last_evening)
    IncidentFactory(team=team, title="After midnight", detected_at=next_night)
    IncidentFactory(team=team, title="First night", detected_at=first_night)
    IncidentFactory(team=team, title="February", detected_at=first_night - dt.timedelta(hours=1))

    march = report_of(team, MARCH)
    april = report_of(team, dt.date(2027, 4, 1))
    later = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)
    march_summary = selectors.report_summary(report=march, now=later)
    april_summary = selectors.report_summary(report=april, now=later)
    assert [x.title for x in march_summary.incidents.opened] == ["First night", "Last evening"]
    assert [x.title for x in april_summary.incidents.opened] == ["After midnight"]

    text = rendering.report_text(march, march_summary, viewer_zone=tz)
    assert f"detected Wed 31 Mar 2027 23:30 {tzname}" in text
    assert "Mon 01 Mar 2027 to Wed 31 Mar 2027" in text
