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
import zoneinfo
from dataclasses import dataclass

from teams.bounds import EARLIEST_AT, LATEST_AT
from teams.rrules import WEEKDAY_CODES, rrule_check, rrule_expand, rrule_parts

WEEKLY = "weekly"
MONTHLY = "monthly"
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
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


def rule_parse(rule: str) -> RuleSpec | None:
    """The friendly spec of a rule, or None when the rule is richer than the form."""
    parts = rrule_parts(rule)
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


def rule_validate(rule: str) -> str:
    """The rule, normalised; ValueError with a readable message when it cannot give a
    sane series (see `teams.rrules.rrule_check`), or names its DTSTART."""
    if "DTSTART" in rule.upper():
        raise ValueError("Give the start date separately, not as DTSTART.")
    parts = rrule_parts(rule)
    rrule_check(parts)
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
    parts = rrule_parts(rule_validate(rule))
    zone = zoneinfo.ZoneInfo(zone_name)
    after, before = max(after, EARLIEST_AT), min(before, LATEST_AT)
    if after >= before:
        return []
    # The window in local wall-clock time, a day wider on each side for the offsets.
    low = after.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
    high = before.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    if ends_on is not None:
        high = min(high, dt.datetime.combine(ends_on, dt.time.max))
    dtstart = dt.datetime.combine(starts_on, start_time)
    starts: list[dt.datetime] = []
    for local in rrule_expand(parts, zone=zone, dtstart=dtstart, low=low, high=high):
        start = local_to_utc(local, zone)
        if after <= start < before:
            starts.append(start)
            if len(starts) >= limit:
                break
    return starts
