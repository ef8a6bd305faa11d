"""The exact bytes of a small personal, team shifts and team meetings feed, pinned by
expected .ics files (a week with a DST change in Europe/Zurich, a meeting series in
America/Chicago, covers, a cancelled and a moved meeting).

Database ids differ between runs, so the expected files hold them as `$placeholders`
in unfolded lines; they are filled in and folded as icalendar folds before comparing.
"""

import datetime as dt
import string
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from icalendar.parser import Contentline

from meetings.models import Meeting, MeetingSeries
from meetings.services import series as meeting_services
from shifts.models import Override, Shift
from shifts.services import shifts as shift_services
from teams import services as team_services
from teams.models import Membership
from teams.tokens import feed_token_value
from tests.meetings.factories import make_series
from tests.shifts.factories import rotation
from tests.teams.factories import MembershipFactory

EXPECTED = Path(__file__).parent / "ics"
NOW = dt.datetime(2027, 3, 22, 12, tzinfo=dt.UTC)
CET = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.SITE_URL = "https://shiftdesk.example.org"
    settings.MEETINGS_HORIZON_DAYS = 30
    settings.FEEDS_PAST_DAYS = 7
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def schedule(team):
    ada, bob = (
        MembershipFactory(
            team=team, role=Membership.Role.MEMBER, user__username=username, **names
        ).user
        for username, names in (
            ("ada", {"user__first_name": "Ada", "user__last_name": "Lovelace"}),
            ("bob", {"user__first_name": "", "user__last_name": ""}),
        )
    )
    with time_machine.travel(NOW - dt.timedelta(days=20), tick=False):
        rotation(team, [ada, bob], now=NOW, start_on=dt.date(2027, 3, 15), horizon_weeks=2)
    bobs = Shift.objects.get(assignee=bob, start_at__date=dt.date(2027, 3, 22))
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        shift_services.override_create(
            shift=bobs,
            user=ada,
            start_at=dt.datetime(2027, 3, 23, 9, tzinfo=CET),
            end_at=dt.datetime(2027, 3, 24, 9, tzinfo=CET),
            created_by=ada,
            reason="Bob is at the workshop.",
        )
    adas = Shift.objects.get(assignee=ada, start_at__date=dt.date(2027, 3, 29))
    shift_services.override_create(
        shift=adas,
        user=bob,
        start_at=dt.datetime(2027, 3, 30, 8, tzinfo=dt.UTC),
        end_at=dt.datetime(2027, 3, 30, 20, tzinfo=dt.UTC),
        created_by=bob,
    )
    with time_machine.travel(NOW - dt.timedelta(days=9), tick=False):
        weekly = make_series(
            team,
            title="Ops weekly",
            now=NOW,
            starts_on=dt.date(2027, 3, 15),
            ends_on=dt.date(2027, 4, 5),
            location="513/R-068",
            video_url="https://video.example.org/ops",
        )
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        meeting_services.meeting_cancel(
            meeting=Meeting.objects.get(series=weekly, start_at__date=dt.date(2027, 3, 29)),
            note="Easter week.",
        )
    with time_machine.travel(NOW - dt.timedelta(days=8), tick=False):
        joint = make_series(
            team,
            title="Joint operations",
            now=NOW,
            time_zone="America/Chicago",
            rrule="FREQ=WEEKLY;INTERVAL=1;BYDAY=WE",
            starts_on=dt.date(2027, 3, 10),
            ends_on=dt.date(2027, 3, 31),
            start_time=dt.time(9, 0),
            host=MeetingSeries.Host.OTHER,
            host_team_name="Fermilab",
            shifter_covers=False,
        )
    moved = Meeting.objects.get(series=joint, start_at__date=dt.date(2027, 3, 24))
    meeting_services.meeting_move(
        meeting=moved, start_at=moved.start_at + dt.timedelta(hours=2), note="Later this week."
    )
    return ada


def placeholders() -> dict[str, int]:
    """The ids the feeds show, named by their order in time."""
    ids: dict[str, int] = {}
    for n, pk in enumerate(Shift.objects.order_by("start_at").values_list("pk", flat=True)):
        ids[f"shift{n}"] = pk
    for n, pk in enumerate(Override.objects.order_by("start_at").values_list("pk", flat=True)):
        ids[f"cover{n}"] = pk
    for n, pk in enumerate(MeetingSeries.objects.order_by("title").values_list("pk", flat=True)):
        ids[f"series{n}"] = pk
    for n, pk in enumerate(Meeting.objects.order_by("start_at").values_list("pk", flat=True)):
        ids[f"meeting{n}"] = pk
    return ids


def expected_bytes(name: str) -> bytes:
    template = string.Template((EXPECTED / name).read_text())
    lines = template.substitute(placeholders()).splitlines()
    return b"".join(Contentline(line).to_ical() + b"\r\n" for line in lines)


@pytest.mark.parametrize(
    ("view", "kwargs", "name"),
    [
        ("shifts:feed-me", {}, "personal.ics"),
        ("shifts:feed", {"slug": "ops"}, "team-shifts.ics"),
        ("meetings:feed", {"slug": "ops"}, "team-meetings.ics"),
    ],
)
def test_feed_bytes(client, schedule, view, kwargs, name):
    token = feed_token_value(team_services.feed_token_get_or_create(user=schedule).salt)
    response = client.get(reverse(view, kwargs={"token": token, **kwargs}))
    assert response.status_code == 200
    assert response.content == expected_bytes(name)
