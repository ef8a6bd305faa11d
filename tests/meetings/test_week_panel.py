import datetime as dt
import zoneinfo

from django.utils import timezone

from meetings.selectors import week_panel
from tests.meetings.factories import make_series

UTC = dt.UTC


def test_on_a_sunday_the_panel_shows_mondays_meetings(team, member):
    sunday = dt.datetime(2027, 3, 21, 12, 0, tzinfo=UTC)
    make_series(team, now=sunday)  # Mondays 16:00 Europe/Zurich
    with timezone.override(zoneinfo.ZoneInfo("America/Chicago")):
        panel = week_panel(user=member, now=sunday)
    assert panel["today"] == []
    # Monday 22 March 16:00 CET = 15:00 UTC = 10:00 in Chicago (already on summer time).
    assert [meeting.start_at for meeting in panel["later"]] == [
        dt.datetime(2027, 3, 22, 15, 0, tzinfo=UTC)
    ]
