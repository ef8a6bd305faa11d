"""Meeting test data, created through the services (as the pages and API do)."""

import datetime as dt

from meetings.models import Meeting, MeetingSeries
from meetings.services import series as series_services

UTC = dt.UTC


def make_series(team, *, title="WMCore weekly", now=None, **fields) -> MeetingSeries:
    values = {
        "title": title,
        "time_zone": "Europe/Zurich",
        "rrule": "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO",
        "starts_on": dt.date(2027, 1, 4),
        "start_time": dt.time(16, 0),
        "duration_minutes": 60,
    }
    values.update(fields)
    series = series_services.series_create(team=team, **values)
    if now is not None:
        series_services.meetings_materialize(
            series=series, now=now, since=now - dt.timedelta(days=30)
        )
    return series


def meeting_on(series: MeetingSeries, day: dt.date) -> Meeting:
    """The series' occurrence on that (UTC) day, materialised if needed."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=UTC)
    series_services.meetings_materialize(series=series, now=start, since=start)
    return Meeting.objects.get(series=series, start_at__date=day)
