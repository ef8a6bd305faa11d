"""Sane bounds for every date and time a user, a client or an imported file gives us.

Shiftdesk plans shifts and meetings; nothing it stores happens before 1970 or after
2200. A date outside that range is a typo or an attack, and letting it through breaks
pages for good (year 1 is stored as 1 BC on PostgreSQL; 9999-12-31 plus a day
overflows). So every date and datetime that comes in is checked here, before anything
is written:

- `validate_sane_date` / `validate_sane_datetime`: Django validators (a datetime is
  checked on its own wall-clock date, so no arithmetic can overflow on the way).
- `SaneDateField` / `SaneDateTimeField` in `api` form (DRF serializer fields): the
  datetime field also reads an offset-less datetime in the *team's* zone (from the
  serializer context's `team`) for every client, and refuses a local time that does
  not exist (spring-forward gap) or happens twice (autumn fold) there with a 400.
- `SaneDateFormField` / `SaneDateTimeFormField` (Django form fields): the validator,
  and the dates people type (`2026-12-14`, `14/12/2026`, `14.12.2026`, `14-12-2026`).
- `SaneDateFilter` / `SaneIsoDateTimeFilter` (django-filter): query parameters such as
  `?detected_after=0001-01-01T00:00:00+14:00` are a 400, not an overflow in the
  database layer.

Record ids in query parameters are bounded the same way (`RecordIdFilter`): `?shift=1e143`
is a 400, not an integer the database driver cannot convert.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from rest_framework import serializers

EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
# The same range as aware instants: [EARLIEST_AT, LATEST_AT) in UTC.
EARLIEST_AT = dt.datetime.combine(EARLIEST_DATE, dt.time(), tzinfo=dt.UTC)
LATEST_AT = dt.datetime.combine(LATEST_DATE + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

RANGE_TEXT = f"{EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}"
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
DATE_FORMATS_TEXT = "YYYY-MM-DD (e.g. 2026-12-14), DD/MM/YYYY, DD.MM.YYYY or DD-MM-YYYY"
DATETIME_FORMATS = [
    *(f"{day} {time}" for day in DATE_FORMATS for time in ("%H:%M", "%H:%M:%S")),
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
]
DATETIME_FORMATS_TEXT = "YYYY-MM-DD HH:MM (e.g. 2026-12-14 16:00), or DD/MM/YYYY HH:MM"


def is_sane_date(value: dt.date) -> bool:
    """Whether a date (or a datetime's wall-clock date) lies in the allowed range."""
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def validate_sane_date(value: dt.date) -> None:
    """A ValidationError (code `date_out_of_range`) for a date outside 1970..2200."""
    if not is_sane_date(value):
        raise ValidationError(
            "Enter a date between %(earliest)s and %(latest)s.",
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def validate_sane_datetime(value: dt.datetime) -> None:
    """A ValidationError (code `date_out_of_range`) for a datetime whose wall-clock date
    is outside 1970..2200 (aware or naive alike; nothing is converted, so nothing can
    overflow)."""
    if not is_sane_date(value):
        raise ValidationError(
            "Enter a date and time between %(earliest)s and %(latest)s.",
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def local_time_problem(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str | None:
    """Why the naive wall-clock time `value` cannot be read in `zone`, or None.

    A time in a spring-forward gap does not survive a round trip through UTC; a time in
    an autumn fold has two offsets (fold=0 and fold=1 differ)."""
    when = f"{value:%Y-%m-%d %H:%M}"
    try:
        round_trip = value.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    except OverflowError:
        return f"{when} is out of range; enter a date between {RANGE_TEXT}."
    if round_trip.replace(tzinfo=None) != value:
        return (
            f"{when} does not exist in {zone.key}: the clocks are put forward then. "
            "Give a time outside the change, or an explicit UTC offset."
        )
    if (
        value.replace(tzinfo=zone, fold=0).utcoffset()
        != value.replace(tzinfo=zone, fold=1).utcoffset()
    ):
        return (
            f"{when} happens twice in {zone.key}: the clocks are put back then. "
            "Give an explicit UTC offset (e.g. +02:00 or +01:00)."
        )
    return None


# --- REST framework ---------------------------------------------------------------------


class SaneDateField(serializers.DateField):
    """A DRF date field limited to 1970-01-01 .. 2200-12-31."""

    default_validators = [validate_sane_date]


class SaneDateTimeField(serializers.DateTimeField):
    """A DRF datetime field limited to 1970..2200, with one meaning for every client.

    A datetime with an offset is that instant. One without an offset is a wall-clock
    time in the team's zone (`self.context["team"].time_zone`, set by
    `TeamScopedViewSet`), whether the caller signed in with a session or a token; a
    time that does not exist there or happens twice is a 400 that says so. Without a
    team in the context, the active zone is used, as DRF does. Output is always UTC
    (`...Z`), the one format every API response uses.
    """

    default_validators = [validate_sane_datetime]
    default_error_messages = {
        "overflow": f"Enter a date and time between {RANGE_TEXT}.",
        "out_of_range": f"Enter a date and time between {RANGE_TEXT}.",
    }

    def default_timezone(self) -> dt.tzinfo | None:
        team = self.context.get("team")
        if team is not None:
            return zoneinfo.ZoneInfo(team.time_zone)
        zone: dt.tzinfo | None = super().default_timezone()
        return zone

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        if value.utcoffset() is None:
            if not is_sane_date(value):
                self.fail("out_of_range")
            zone = getattr(self, "timezone", None) or self.default_timezone()
            if isinstance(zone, zoneinfo.ZoneInfo):
                problem = local_time_problem(value, zone)
                if problem:
                    raise serializers.ValidationError(problem, code="invalid_local_time")
                return value.replace(tzinfo=zone)
        result: dt.datetime = super().enforce_timezone(value)
        return result

    def to_representation(self, value: Any) -> Any:
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            return super().to_representation(value)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# --- Django forms ------------------------------------------------------------------------


class SaneDateFormField(forms.DateField):
    """A form date field limited to 1970..2200 that reads ISO dates and the day-first
    forms people type (14/12/2026, 14.12.2026, 14-12-2026)."""

    input_formats = DATE_FORMATS
    default_validators = [validate_sane_date]
    default_error_messages = {"invalid": f"Enter a date as {DATE_FORMATS_TEXT}."}


class SaneDateTimeFormField(forms.DateTimeField):
    """A form datetime field limited to 1970..2200 (read in the viewer's active zone,
    as Django does; a gap or fold time is a form error there)."""

    input_formats = DATETIME_FORMATS
    default_validators = [validate_sane_datetime]
    default_error_messages = {"invalid": f"Enter a date and time as {DATETIME_FORMATS_TEXT}."}


# --- django-filter -----------------------------------------------------------------------


class _SaneIsoDateTimeFormField(IsoDateTimeField):
    default_validators = [validate_sane_datetime]


class _SaneFilterDateField(forms.DateField):
    default_validators = [validate_sane_date]


class SaneIsoDateTimeFilter(filters.IsoDateTimeFilter):
    """`IsoDateTimeFilter` whose value must lie in 1970..2200 (else a 400)."""

    field_class = _SaneIsoDateTimeFormField


class SaneDateFilter(filters.DateFilter):
    """`DateFilter` whose value must lie in 1970..2200 (else a 400)."""

    field_class = _SaneFilterDateField


class RecordIdFilter(filters.NumberFilter):
    """A record's id (`?shift=12`): a whole number from 1 to the largest one an id
    column holds, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)
