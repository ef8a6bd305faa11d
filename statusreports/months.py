"""Plain logic over months and addresses: which month a report covers, its bounds in the
team's zone, and the stakeholder list. No database."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from handover.period import month_bounds
from teams.bounds import validate_sane_date

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
STAKEHOLDERS_MAX = 50


def month_parse(value: str, *, field: str = "month") -> dt.date:
    """'2027-03' as the month's first day; a ValidationError on `field` otherwise."""
    match = MONTH_PATTERN.match(value.strip())
    if match is None:
        raise ValidationError({field: "Give a month as YYYY-MM, e.g. 2027-03."})
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValidationError({field: "A month is 01 to 12."})
    first = dt.date(year, month, 1)
    try:
        validate_sane_date(first)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return first


def month_check_past(first: dt.date, *, today: dt.date, field: str = "month") -> None:
    """A report covers a month that has ended (in the team's zone)."""
    if first >= today.replace(day=1):
        raise ValidationError({field: "Only a month that has ended can be reported on."})


def previous_month(today: dt.date) -> dt.date:
    """The first day of the calendar month before `today`'s."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def report_bounds(first: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The month's [first local midnight, next month's first local midnight) in UTC."""
    return month_bounds(year=first.year, month=first.month, tz=tz)


def month_label(first: dt.date) -> str:
    return f"{first:%B %Y}"


def stakeholders_parse(text: str) -> list[str]:
    """Addresses typed one a line or separated by commas, checked."""
    return stakeholders_check([part for part in re.split(r"[\s,;]+", text) if part])


def stakeholders_check(addresses: object, *, field: str = "stakeholders") -> list[str]:
    """A de-duplicated list of valid addresses; a ValidationError naming the bad ones."""
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise ValidationError({field: "Give a list of email addresses."})
    cleaned = list(dict.fromkeys(a.strip() for a in addresses if a.strip()))
    if len(cleaned) > STAKEHOLDERS_MAX:
        raise ValidationError({field: f"At most {STAKEHOLDERS_MAX} addresses."})
    bad = []
    for address in cleaned:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError({field: f"Not an email address: {', '.join(bad)}."})
    return cleaned
