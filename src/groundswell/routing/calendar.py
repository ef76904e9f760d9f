"""Weekly opening hours in a time zone, with holidays: the calendar that SLA clocks and shifts run on.

Hours are written per day in local time:

    timezone: America/Chicago
    hours: {mon-fri: "08:00-20:00", sat: ["09:00-12:00", "13:00-17:00"], sun: closed}
    holidays: [2025-12-25]

A range whose end is not after its start runs overnight ("22:00-06:00" is 22:00 to 24:00 on that day and
00:00 to 06:00 on the next). A later key overrides an earlier one for the days it names
(`daily: "09:00-17:00"` then `sun: closed`). A holiday closes its whole local date, overnight spill included.

Local times become instants through zoneinfo, so a 00:00-24:00 day lasts 23 or 25 hours on DST days; a local
time that does not exist (02:30 on a spring-forward night) is read with the offset before the change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from groundswell.errors import ConfigurationError, InvalidInput

MINUTES_PER_DAY = 24 * 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Give up looking for the next open hour after this long: only a calendar whose holidays cover years can hit it.
MAX_SEARCH_DAYS = 3 * 366

DayHours = tuple[tuple[int, int], ...]  # (start minute, end minute) within one local day, sorted, disjoint
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class BusinessCalendar(BaseModel):
    """Open hours per weekday (Monday first) in minutes after local midnight, a time zone and holidays."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str = "UTC"
    weekly: tuple[DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours]
    holidays: frozenset[date] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _parse_hours(cls, data: Any) -> Any:
        if isinstance(data, dict) and "hours" in data:
            data = dict(data)
            data["weekly"] = parse_weekly_hours(data.pop("hours"))
        return data

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA time zone such as 'America/Chicago'") from exc
        return value

    @model_validator(mode="after")
    def _some_hours(self) -> BusinessCalendar:
        if not any(self.weekly):
            raise ValueError("the calendar is closed every day of the week; give at least one open range")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_always_open(self) -> bool:
        return not self.holidays and all(day == ((0, MINUTES_PER_DAY),) for day in self.weekly)


ALWAYS_OPEN = BusinessCalendar(timezone="UTC", weekly=(((0, MINUTES_PER_DAY),),) * 7)


def parse_weekly_hours(raw: Any) -> tuple[DayHours, ...]:
    """Turn the `hours:` mapping into seven sorted, merged lists of minute ranges."""
    if raw in ("24/7", "always"):
        return (((0, MINUTES_PER_DAY),),) * 7
    if not isinstance(raw, dict) or not raw:
        raise ValueError('hours must be a mapping such as {mon-fri: "09:00-17:00"} or the text "24/7"')
    own: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for key, spec in raw.items():
        for day in _parse_days(str(key)):
            own[day] = _parse_ranges(spec, str(key))
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for day, ranges in own.items():
        for start, end in ranges:
            if end > start:
                days[day].append((start, end))
            else:  # overnight: the part after midnight belongs to the next day
                days[day].append((start, MINUTES_PER_DAY))
                if end > 0:
                    days[(day + 1) % 7].append((0, end))
    return tuple(_merge_minutes(day) for day in days)


def _parse_days(key: str) -> list[int]:
    key = key.strip().lower()
    if key in ("daily", "every_day", "everyday"):
        return list(range(7))
    days: list[int] = []
    for part in key.split(","):
        ends = [p.strip()[:3] for p in part.split("-")]
        if len(ends) > 2 or any(end not in DAY_NAMES for end in ends):
            raise ValueError(f"{key!r} is not a day or day range; use mon..sun, e.g. 'mon-fri' or 'sat,sun'")
        first, last = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
        days += [(first + i) % 7 for i in range((last - first) % 7 + 1)]
    return days


def _parse_ranges(spec: Any, key: str) -> list[tuple[int, int]]:
    if spec in ("closed", None, False):
        return []
    items = spec if isinstance(spec, list) else [spec]
    ranges: list[tuple[int, int]] = []
    for item in items:
        match = _RANGE.match(str(item))
        if match is None:
            raise ValueError(f"{key}: {item!r} is not a time range like '09:00-17:30' (or 'closed')")
        h1, m1, h2, m2 = map(int, match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or end > MINUTES_PER_DAY:
            raise ValueError(f"{key}: {item!r} has an impossible time; hours run 00:00 to 24:00")
        ranges.append((start, end))
    return ranges


def _merge_minutes(ranges: list[tuple[int, int]]) -> DayHours:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{name} must be a timezone-aware datetime (got naive {value.isoformat()})")
    return value.astimezone(UTC)


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    extra_days, minute = divmod(minute, MINUTES_PER_DAY)
    local = datetime.combine(day + timedelta(days=extra_days), time(minute // 60, minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


def _day_intervals(calendar: BusinessCalendar, day: date) -> Iterator[tuple[datetime, datetime]]:
    if day in calendar.holidays:
        return
    zone = calendar.zone
    for start, end in calendar.weekly[day.weekday()]:
        a, b = _instant(day, start, zone), _instant(day, end, zone)
        if b > a:
            yield a, b


def open_intervals(
    calendar: BusinessCalendar, start: datetime, end: datetime | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """Open periods as UTC (from, to) pairs, clipped to [start, end], merged where they touch, in order.

    With no end the iteration runs on for as long as the caller reads."""
    start = require_aware(start, "start")
    end = None if end is None else require_aware(end, "end")
    if calendar.is_always_open:  # the common 24/7 case, without walking day by day
        if end is None or end > start:
            yield start, end if end is not None else datetime.max.replace(tzinfo=UTC)
        return
    day = start.astimezone(calendar.zone).date() - timedelta(days=1)  # a local day can begin before start in UTC
    last_day = None if end is None else end.astimezone(calendar.zone).date()
    pending: tuple[datetime, datetime] | None = None
    searched = 0
    while last_day is None or day <= last_day:
        found = False
        for a, b in _day_intervals(calendar, day):
            a, b = max(a, start), b if end is None else min(b, end)
            if b <= a:
                continue
            found = True
            if pending is not None and a <= pending[1]:
                pending = (pending[0], max(pending[1], b))
                continue
            if pending is not None:
                yield pending
            pending = (a, b)
        searched = 0 if found else searched + 1
        if last_day is None and searched > MAX_SEARCH_DAYS:
            raise ConfigurationError(f"calendar {calendar.timezone} has no open hours for {MAX_SEARCH_DAYS} days")
        day += timedelta(days=1)
    if pending is not None:
        yield pending


def is_open(calendar: BusinessCalendar, at: datetime) -> bool:
    """True when `at` falls inside open hours (the closing instant itself counts as closed)."""
    at = require_aware(at, "at")
    return any(a <= at < b for a, b in open_intervals(calendar, at, at + timedelta(microseconds=1)))


def next_close(calendar: BusinessCalendar, at: datetime) -> datetime | None:
    """When the open period that contains `at` ends, or None when the calendar is closed at `at`."""
    at = require_aware(at, "at")
    for a, b in open_intervals(calendar, at):
        return b if a <= at else None
    return None  # pragma: no cover - open_intervals without end never runs dry
