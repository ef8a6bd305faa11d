import datetime as dt
import zoneinfo

from django.utils import timezone

from meetings.models import LONGEST_MEETING_MINUTES
from meetings.selectors import current_meeting, week_panel
from meetings.services.series import meetings_materialize
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


def test_a_day_long_meeting_is_current_until_two_hours_after_it_ends_in_one_query(
    team, member, django_assert_num_queries
):
    # Mondays 16:00 Europe/Zurich (15:00 UTC) for a day, the longest a meeting lasts,
    # with half a year of them before: the query reads the last day's meetings only.
    monday = dt.datetime(2027, 3, 22, 15, 0, tzinfo=UTC)
    series = make_series(
        team, starts_on=dt.date(2026, 9, 7), duration_minutes=LONGEST_MEETING_MINUTES
    )
    meetings_materialize(series=series, now=monday, since=monday - dt.timedelta(weeks=28))
    ends = monday + dt.timedelta(days=1)
    with django_assert_num_queries(1):
        current = current_meeting(user=member, now=ends + dt.timedelta(minutes=119))
    assert current is not None
    assert current.start_at == monday
    assert current_meeting(user=member, now=ends + dt.timedelta(minutes=121)) is None
