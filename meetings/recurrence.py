"""Meeting recurrence: RFC 5545 RRULEs expanded in the meeting's own zone.

Pure functions over plain values (no database). The rule is expanded by
python-dateutil on *naive local* datetimes (wall-clock times in the meeting's zone),
and each local start is then localized with zoneinfo and converted to UTC. So a
Monday 16:00 Europe/Zurich meeting stays at 16:00 in Zurich whatever the offset.

Daylight-saving edges: a local time that falls in a spring-forward gap (e.g. 02:30
on the last Sunday of March in Zurich) does not exist; zoneinfo's `fold=0` reading
uses the offset from before the change, which lands one hour later on the wall clock
(03:30). A local time that occurs twice (autumn fold) is taken at its first
occurrence (`fold=0`, still on summer time).
"""

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule as dateutil_rrule

from teams.bounds import EARLIEST_AT, LATEST_AT, RANGE_TEXT, is_sane_date

WEEKLY = "weekly"
MONTHLY = "monthly"
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
ALLOWED_FREQS = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
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
MAX_INTERVAL = 100
MAX_COUNT = 5000
MAX_OCCURRENCES = 1000  # per call of `occurrences`


@dataclass(frozen=True)
class RuleSpec:
    """The friendly form of a rule: weekly on some days every N weeks, or monthly on
    the Nth weekday (1..4, -1 = last) every N months."""

    frequency: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_week: int = 1
    month_weekday: int = 0


def rule_build(spec: RuleSpec) -> str:
    """The RRULE text for a friendly spec; ValueError when the spec is incomplete."""
    if spec.interval < 1 or spec.interval > 24:
        raise ValueError("The interval must be between 1 and 24.")
    if spec.frequency == WEEKLY:
        if not spec.weekdays:
            raise ValueError("Choose at least one weekday.")
        days = ",".join(WEEKDAY_CODES[day] for day in sorted(set(spec.weekdays)))
        return f"FREQ=WEEKLY;INTERVAL={spec.interval};BYDAY={days}"
    if spec.frequency == MONTHLY:
        if spec.month_week not in ORDINALS:
            raise ValueError("Choose the first to fourth, or the last, weekday of the month.")
        if not 0 <= spec.month_weekday <= 6:
            raise ValueError("Choose a weekday.")
        code = WEEKDAY_CODES[spec.month_weekday]
        return f"FREQ=MONTHLY;INTERVAL={spec.interval};BYDAY={spec.month_week}{code}"
    raise ValueError(f"Unknown frequency {spec.frequency!r}.")


def _parts(rule: str) -> dict[str, str]:
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
    return parts


def rule_parse(rule: str) -> RuleSpec | None:
    """The friendly spec of a rule, or None when the rule is richer than the form."""
    parts = _parts(rule)
    interval = int(parts.pop("INTERVAL", "1"))
    freq = parts.pop("FREQ", "")
    byday = parts.pop("BYDAY", "")
    if parts or not byday:
        return None
    if freq == "WEEKLY":
        codes = byday.split(",")
        if not all(code in WEEKDAY_CODES for code in codes):
            return None
        return RuleSpec(WEEKLY, interval, tuple(WEEKDAY_CODES.index(code) for code in codes))
    if freq == "MONTHLY" and "," not in byday:
        code = byday[-2:]
        try:
            week = int(byday[:-2])
        except ValueError:
            return None
        if code in WEEKDAY_CODES and week in ORDINALS:
            return RuleSpec(MONTHLY, interval, (), week, WEEKDAY_CODES.index(code))
    return None


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


def _until(value: str) -> dt.date | dt.datetime:
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


def rule_validate(rule: str) -> str:
    """The rule, normalised; ValueError with a readable message when it cannot give a
    sane series: empty or unreadable text, a FREQ other than DAILY, WEEKLY, MONTHLY or
    YEARLY, an INTERVAL outside 1..MAX_INTERVAL, COUNT outside 1..MAX_COUNT or with
    UNTIL, UNTIL outside the sane range, BYxxx values out of range, parts a series does
    not use (BYHOUR, DTSTART, ...), or a rule that never produces a date."""
    if not rule.strip().removeprefix("RRULE:").strip(" ;"):
        raise ValueError("The rule is empty: give at least FREQ (e.g. FREQ=WEEKLY;BYDAY=MO).")
    if "DTSTART" in rule.upper():
        raise ValueError("Give the start date separately, not as DTSTART.")
    parts = _parts(rule)
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQS:
        shown = f", not {freq}" if freq else " (FREQ is missing)"
        raise ValueError(
            f"FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY{shown}: a series repeats at most daily."
        )
    unknown = sorted(set(parts) - ALLOWED_PARTS)
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} cannot be used here: the time of day is the series' start "
            f"time; use {', '.join(sorted(ALLOWED_PARTS))}."
        )
    _single("INTERVAL", parts.get("INTERVAL", "1"), MAX_INTERVAL)
    if "COUNT" in parts:
        if "UNTIL" in parts:
            raise ValueError("Give COUNT or UNTIL, not both.")
        _single("COUNT", parts["COUNT"], MAX_COUNT)
    if "UNTIL" in parts and not is_sane_date(_until(parts["UNTIL"])):
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
    return ";".join(f"{name}={value}" for name, value in parts.items())


def rule_describe(rule: str) -> str:
    """ "Every Monday", "Every 2 months on the first Wednesday", ... for pages."""
    spec = rule_parse(rule)
    if spec is None:
        return f"Custom rule ({rule})"
    if spec.frequency == WEEKLY:
        days = ", ".join(WEEKDAY_NAMES[day] for day in spec.weekdays)
        return f"Every {days}" if spec.interval == 1 else f"Every {spec.interval} weeks on {days}"
    what = f"the {ORDINALS[spec.month_week]} {WEEKDAY_NAMES[spec.month_weekday]}"
    return f"Monthly on {what}" if spec.interval == 1 else f"Every {spec.interval} months on {what}"


def local_to_utc(local: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `zone` as an aware UTC datetime (gap: shifted
    forward; fold: the first of the two instants)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


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
        months = (low.year - dtstart.year) * 12 + low.month - dtstart.month
        month = dtstart.month - 1 + months // interval * interval
        if month < interval:
            return dtstart
        return dtstart.replace(year=dtstart.year + month // 12, month=month % 12 + 1, day=1)
    years = (low.year - dtstart.year) // interval * interval
    return dtstart.replace(year=dtstart.year + years, month=1, day=1) if years else dtstart


def occurrences(
    *,
    rule: str,
    starts_on: dt.date,
    start_time: dt.time,
    zone_name: str,
    after: dt.datetime,
    before: dt.datetime,
    ends_on: dt.date | None = None,
    limit: int = MAX_OCCURRENCES,
) -> list[dt.datetime]:
    """UTC start instants of the rule in [after, before), computed in `zone_name`: the
    first `limit` of them at most.

    `starts_on` + `start_time` is the rule's DTSTART as a local wall-clock time;
    `ends_on` (inclusive, local) stops the series. Expansion is bounded in time (the
    window, clamped to the sane range, and the rule's UNTIL) and in count, and starts
    at the period of the rule that contains the window's start, not at DTSTART (only a
    rule with COUNT is walked from DTSTART, at most COUNT steps).
    """
    parts = _parts(rule_validate(rule))
    zone = zoneinfo.ZoneInfo(zone_name)
    after, before = max(after, EARLIEST_AT), min(before, LATEST_AT)
    if after >= before:
        return []
    dtstart = dt.datetime.combine(starts_on, start_time)
    # The window in local wall-clock time, a day wider on each side for the offsets.
    low = after.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
    high = before.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    if ends_on is not None:
        high = min(high, dt.datetime.combine(ends_on, dt.time.max))
    if "UNTIL" in parts:
        until = _until(parts["UNTIL"])
        if isinstance(until, dt.datetime) and until.tzinfo is not None:
            until = until.astimezone(zone).replace(tzinfo=None)
        elif not isinstance(until, dt.datetime):
            until = dt.datetime.combine(until, dt.time.max)
        high = min(high, until)
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    first = (
        dtstart
        if count
        else _period_start(parts["FREQ"], int(parts.get("INTERVAL", "1")), dtstart, low)
    )
    expanded = _build(_implicit_parts(parts, dtstart), first).replace(until=high)
    starts: list[dt.datetime] = []
    for number, local in enumerate(expanded, start=1):
        if count is not None and number > count:
            break
        start = local_to_utc(local, zone)
        if after <= start < before:
            starts.append(start)
            if len(starts) >= limit:
                break
    return starts
