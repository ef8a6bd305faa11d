"""Time-zone names: validation, choices for forms, and resolving a zone by name."""

import functools
import zoneinfo

from django.core.exceptions import ValidationError


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Reject anything that is not an IANA zone name (e.g. "Europe/Zurich")."""
    if value not in _zone_names():
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as Europe/Zurich.",
            code="invalid_time_zone",
            params={"value": value},
        )


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(_zone_names())]


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)
