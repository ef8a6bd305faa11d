"""RFC 5545 recurrence rules, checked before use and expanded within bounds (pure
functions, no database).

Shared by meeting series (meetings.recurrence) and uploaded files (parse_periods). A rule
is expanded on naive wall-clock times in its zone; the walk starts at the rule's period
that holds the window's start (not at DTSTART), stops at the window's end and is
counted, so no rule (FREQ=DAILY;INTERVAL=0, a DTSTART in 1900, the 30th of February)
can loop or run for long.
"""

import datetime as dt
import re
from collections.abc import Iterator

from dateutil import rrule as dateutil_rrule

from teams.bounds import RANGE_TEXT, is_sane_date

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
RRULE_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
ALLOWED_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYYEARDAY"}
    | {"BYWEEKNO", "BYSETPOS", "WKST"}
)
UNBOUNDED = frozenset({"COUNT", "UNTIL"})
# name: (lowest, highest, negative values allowed)
BY_RANGES = {
    "BYMONTHDAY": (1, 31, True),
    "BYMONTH": (1, 12, False),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
BY_PARTS = frozenset(name for name in ALLOWED_PARTS if name.startswith("BY"))
# The BYxxx parts that RFC 5545 allows with each FREQ (those not listed go with all).
BY_FREQS = {
    "BYMONTHDAY": ("DAILY", "MONTHLY", "YEARLY"),
    "BYYEARDAY": ("YEARLY",),
    "BYWEEKNO": ("YEARLY",),
}
BYDAY_ITEM = re.compile(r"(?P<ordinal>[+-]?\d{1,2})?(?P<day>MO|TU|WE|TH|FR|SA|SU)")
MAX_INTERVAL = 100  # e.g. every 100 weeks
MAX_COUNT = 5000  # COUNT is walked from DTSTART, so it is bounded too


def rrule_parts(rule: str) -> dict[str, str]:
    """The NAME=VALUE parts of an RRULE text, upper-cased; ValueError when it is empty,
    malformed or names a part twice."""
    parts: dict[str, str] = {}
    for chunk in rule.strip().removeprefix("RRULE:").split(";"):
        if not chunk.strip():
            continue
        name, sep, value = chunk.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value:
            raise ValueError(f"Malformed rule part {chunk!r}: write NAME=VALUE, e.g. FREQ=WEEKLY.")
        if name in parts:
            raise ValueError(f"{name} is given twice.")
        parts[name] = value
    if not parts:
        raise ValueError("The rule is empty: give at least FREQ (e.g. FREQ=WEEKLY;BYDAY=MO).")
    return parts


def _integers(name: str, value: str, low: int, high: int, *, signed: bool = False) -> None:
    for item in value.split(","):
        try:
            number = int(item)
        except ValueError:
            raise ValueError(f"{name} must be whole numbers, not {item!r}.") from None
        if not (low <= abs(number) <= high if signed else low <= number <= high):
            span = f"{low} to {high} (or -{high} to -{low})" if signed else f"{low} to {high}"
            raise ValueError(f"{name} values must be {span}, not {item}.")


def _single(name: str, value: str, high: int) -> None:
    if "," in value:
        raise ValueError(f"{name} is one number.")
    _integers(name, value, 1, high)


def _check_byday(value: str, freq: str) -> None:
    for item in value.split(","):
        match = BYDAY_ITEM.fullmatch(item)
        if match is None:
            raise ValueError(f"BYDAY takes weekdays such as MO or 2WE or -1FR, not {item!r}.")
        if match["ordinal"]:
            limit = {"MONTHLY": 5, "YEARLY": 53}.get(freq)
            if limit is None:
                raise ValueError(f"BYDAY {item} (the Nth weekday) needs FREQ=MONTHLY or YEARLY.")
            if not 1 <= abs(int(match["ordinal"])) <= limit:
                raise ValueError(
                    f"BYDAY {item}: the ordinal must be 1 to {limit} or -{limit} to -1."
                )


def _until_value(value: str) -> dt.date | dt.datetime:
    """UNTIL as a date, a floating datetime or an aware UTC datetime."""
    try:
        if len(value) == 8:
            return dt.datetime.strptime(value, "%Y%m%d").date()  # noqa: DTZ007 - a date
        utc = value.endswith("Z")
        moment = dt.datetime.strptime(value.removesuffix("Z"), "%Y%m%dT%H%M%S")  # noqa: DTZ007
    except ValueError:
        raise ValueError(
            f"UNTIL must be a date (20271231) or a date and time (20271231T235959Z), not {value}."
        ) from None
    return moment.replace(tzinfo=dt.UTC) if utc else moment


def _implicit_parts(parts: dict[str, str], dtstart: dt.datetime) -> dict[str, str]:
    """The rule with the BYxxx parts RFC 5545 takes from DTSTART written out, so the
    rule means the same when expansion starts at a later period."""
    if any(name in parts for name in ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")):
        return parts
    freq = parts["FREQ"]
    implicit: dict[str, str] = {}
    if freq == "YEARLY":
        implicit = {"BYMONTH": str(dtstart.month), "BYMONTHDAY": str(dtstart.day)}
    elif freq == "MONTHLY":
        implicit = {"BYMONTHDAY": str(dtstart.day)}
    elif freq == "WEEKLY":
        implicit = {"BYDAY": WEEKDAY_CODES[dtstart.weekday()]}
    return implicit | parts


def _build(parts: dict[str, str], dtstart: dt.datetime) -> dateutil_rrule.rrule:
    """A dateutil rule from validated parts, without COUNT and UNTIL (callers bound it)."""
    text = ";".join(f"{name}={value}" for name, value in parts.items() if name not in UNBOUNDED)
    built = dateutil_rrule.rrulestr(text, dtstart=dtstart, cache=False)
    assert isinstance(built, dateutil_rrule.rrule)  # noqa: S101 - one RRULE gives one rrule
    return built


def _check_combinations(parts: dict[str, str]) -> None:
    """RFC 5545's table of which BYxxx parts go with which FREQ, plus: a rule every N > 1
    days filters by weekday only (and N is not a multiple of 7), so that no rule can
    skip every date of its series by the phase of its interval."""
    freq = parts["FREQ"]
    for name, freqs in BY_FREQS.items():
        if name in parts and freq not in freqs:
            raise ValueError(f"{name} cannot be used with FREQ={freq}.")
    interval = int(parts.get("INTERVAL", "1"))
    if freq == "DAILY" and interval > 1:
        filters = sorted(set(parts) & (BY_PARTS - {"BYDAY"}))
        if filters:
            raise ValueError(
                f"{', '.join(filters)} cannot be used with FREQ=DAILY;INTERVAL={interval}: "
                "use FREQ=WEEKLY, MONTHLY or YEARLY."
            )
        if "BYDAY" in parts and interval % 7 == 0:
            raise ValueError(f"Every {interval} days on given weekdays: use FREQ=WEEKLY.")


def _check_feasible(parts: dict[str, str]) -> None:
    """Refuse a rule that produces nothing (e.g. the 30th of February).

    dateutil walks an empty rule period by period up to year 9999 whatever its UNTIL, so
    the probe starts a few years (enough for leap days, week 53 and the interval) before
    9999 and ends there."""
    years = 8 + int(parts.get("INTERVAL", "1")) * (4 if parts["FREQ"] == "YEARLY" else 1)
    start = dt.datetime((dt.MAXYEAR - years) // 4 * 4, 1, 1)  # noqa: DTZ001 - wall clock
    try:
        probe = _build(_implicit_parts(parts, start), start)
    except (ValueError, TypeError) as error:
        raise ValueError(f"Not a valid RRULE: {error}") from None
    if next(iter(probe), None) is None:
        raise ValueError("This rule never produces a date (e.g. the 30th of February).")


def rrule_check(parts: dict[str, str]) -> None:
    """ValueError, with a message for the user, unless the rule can give a sane series:
    FREQ is DAILY, WEEKLY, MONTHLY or YEARLY; INTERVAL is 1..MAX_INTERVAL; COUNT is
    1..MAX_COUNT and not with UNTIL; UNTIL is a date or time in the sane range; BYxxx
    values are in range and go with the FREQ (RFC 5545); no BYHOUR, BYMINUTE or
    BYSECOND (an event repeats at its start time); and the rule produces some date."""
    freq = parts.get("FREQ")
    if freq not in RRULE_FREQS:
        shown = f", not {freq}" if freq else " (FREQ is missing)"
        raise ValueError(
            f"FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY{shown}: a series repeats at most daily."
        )
    unknown = sorted(set(parts) - ALLOWED_PARTS)
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} cannot be used here: an event repeats at its start time; "
            f"use {', '.join(sorted(ALLOWED_PARTS))}."
        )
    _single("INTERVAL", parts.get("INTERVAL", "1"), MAX_INTERVAL)
    if "COUNT" in parts:
        if "UNTIL" in parts:
            raise ValueError("Give COUNT or UNTIL, not both.")
        _single("COUNT", parts["COUNT"], MAX_COUNT)
    if "UNTIL" in parts and not is_sane_date(_until_value(parts["UNTIL"])):
        raise ValueError(f"UNTIL must be between {RANGE_TEXT}.")
    if "BYDAY" in parts:
        _check_byday(parts["BYDAY"], freq)
    for name, (low, high, signed) in BY_RANGES.items():
        if name in parts:
            _integers(name, parts[name], low, high, signed=signed)
    _check_combinations(parts)
    if "WKST" in parts and parts["WKST"] not in WEEKDAY_CODES:
        raise ValueError(f"WKST must be one of {', '.join(WEEKDAY_CODES)}.")
    _check_feasible(parts)


def rrule_until(parts: dict[str, str], zone: dt.tzinfo) -> dt.datetime | None:
    """The rule's UNTIL as a wall-clock time in `zone` (a date: the end of that day; a
    UTC time: converted; a floating time: as it is), or None."""
    if "UNTIL" not in parts:
        return None
    until = _until_value(parts["UNTIL"])
    if not isinstance(until, dt.datetime):
        return dt.datetime.combine(until, dt.time.max)
    if until.tzinfo is not None:
        return until.astimezone(zone).replace(tzinfo=None)
    return until


def _period_start(freq: str, interval: int, dtstart: dt.datetime, low: dt.datetime) -> dt.datetime:
    """The start of the rule's last period (of `interval` days, weeks, months or years
    counted from DTSTART) that begins on or before `low`'s day, at DTSTART's time: a
    DTSTART from which the rule gives the same dates from `low` on, without walking
    from the series' first date."""
    if low <= dtstart:
        return dtstart
    if freq in ("DAILY", "WEEKLY"):
        step = interval * (7 if freq == "WEEKLY" else 1)
        return dtstart + dt.timedelta(days=(low.date() - dtstart.date()).days // step * step)
    if freq == "MONTHLY":
        shift = ((low.year - dtstart.year) * 12 + low.month - dtstart.month) // interval * interval
        month = dtstart.month - 1 + shift
        if not shift:
            return dtstart
        return dtstart.replace(year=dtstart.year + month // 12, month=month % 12 + 1, day=1)
    years = (low.year - dtstart.year) // interval * interval
    return dtstart.replace(year=dtstart.year + years, month=1, day=1) if years else dtstart


def rrule_expand(
    parts: dict[str, str],
    *,
    zone: dt.tzinfo,
    dtstart: dt.datetime,
    low: dt.datetime,
    high: dt.datetime,
) -> Iterator[dt.datetime]:
    """The wall-clock starts (naive, in `zone`) of a checked rule (`rrule_check`) from
    DTSTART `dtstart`, from about `low` up to `high` (inclusive) and the rule's UNTIL.

    The walk starts at the rule's period that holds `low`, so a series from 1970 asked
    for 2027 walks one period before 2027, not 57 years; only a rule with COUNT is
    walked from DTSTART, for at most COUNT dates. Callers stop when they have enough."""
    until = rrule_until(parts, zone)
    if until is not None:
        high = min(high, until)
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    interval = int(parts.get("INTERVAL", "1"))
    first = dtstart if count else _period_start(parts["FREQ"], interval, dtstart, low)
    walk = _build(_implicit_parts(parts, dtstart), first).replace(until=high)
    for number, local in enumerate(walk, start=1):
        if count is not None and number > count:
            return
        yield local
