"""`{% meeting_when meeting %}`: a meeting's time in the viewer's zone, and in the
meeting's own zone too when the two differ at that moment."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from meetings.models import Meeting
from teams.timezones import zone

register = template.Library()


def _span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start:%a %d %b %H:%M}\u2013{end:%H:%M}"


@register.simple_tag
def meeting_when(meeting: Meeting) -> SafeString:
    viewer = timezone.get_current_timezone()
    own = zone(meeting.series.time_zone)
    start, end = (
        timezone.localtime(meeting.start_at, viewer),
        timezone.localtime(meeting.end_at, viewer),
    )
    own_start, own_end = (
        timezone.localtime(meeting.start_at, own),
        timezone.localtime(meeting.end_at, own),
    )
    mine = format_html(
        '<time datetime="{}" class="when-viewer">{}</time>',
        meeting.start_at.isoformat(),
        _span(start, end),
    )
    if (
        own_start.replace(tzinfo=None) == start.replace(tzinfo=None)
        and own_start.utcoffset() == start.utcoffset()
    ):
        return mine
    return format_html(
        '{} <span class="when-own muted">({} {})</span>',
        mine,
        _span(own_start, own_end),
        meeting.series.time_zone,
    )
