"""The dashboard's time range: a preset (last 24 hours, 7, 30 or 90 days) or custom dates, and the buckets
its charts are drawn in. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from groundswell.errors import InvalidInput

PRESETS: dict[str, timedelta] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
PRESET_LABELS = {"24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days"}
DEFAULT_PRESET = "7d"
CUSTOM = "custom"
MAX_SPAN = timedelta(days=366)
# Up to two days is drawn hour by hour, longer ranges day by day.
HOURLY_UP_TO = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """[start, end) in UTC, the preset it came from ("custom" for dates), and the bucket unit of its charts."""

    start: datetime
    end: datetime
    preset: str

    @property
    def unit(self) -> str:
        return "hour" if self.end - self.start <= HOURLY_UP_TO else "day"

    def buckets(self) -> list[str]:
        """Every bucket label in the range, in order, spelt as `db.dialect.time_bucket` spells them."""
        step = timedelta(hours=1) if self.unit == "hour" else timedelta(days=1)
        fmt = "%Y-%m-%d %H" if self.unit == "hour" else "%Y-%m-%d"
        first = self.start.replace(minute=0, second=0, microsecond=0)
        if self.unit == "day":
            first = first.replace(hour=0)
        labels: list[str] = []
        moment = first
        while moment < self.end:
            labels.append(moment.strftime(fmt))
            moment += step
        return labels

    def query(self) -> dict[str, str]:
        """The query parameters that give this range back (for links, CSV downloads and chart data)."""
        if self.preset == CUSTOM:
            return {"range": CUSTOM, "from": self.start.date().isoformat(),
                    "to": (self.end - timedelta(days=1)).date().isoformat()}  # fmt: skip
        return {"range": self.preset}

    @property
    def label(self) -> str:
        if self.preset == CUSTOM:
            last = (self.end - timedelta(days=1)).date()
            return f"{self.start.date().isoformat()} to {last.isoformat()}"
        return PRESET_LABELS[self.preset]


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{name} {value!r} is not a date: write it as 2025-03-14") from None


def parse_range(preset: str | None, start: str | None, end: str | None, *, anchor: datetime) -> TimeRange:
    """The range asked for. Presets end at `anchor` (now, or the newest post when the data is older). Custom
    ranges take whole UTC days, `to` included; either date may be left out (a week before or after the other)."""
    name = (preset or "").strip() or (CUSTOM if start or end else DEFAULT_PRESET)
    if name in PRESETS:
        return TimeRange(start=anchor - PRESETS[name], end=anchor, preset=name)
    if name != CUSTOM:
        raise InvalidInput(f"unknown range {name!r}: use one of {', '.join(PRESETS)} or custom with from and to")
    first = _day(start, "from") if start else None
    last = _day(end, "to") if end else None
    if first is None and last is None:
        last = anchor.date()
    if first is None:
        assert last is not None
        first = last - timedelta(days=6)
    if last is None:
        last = first + timedelta(days=6)
    if last < first:
        raise InvalidInput(f"the range ends ({last}) before it starts ({first}): swap from and to")
    begin = datetime(first.year, first.month, first.day, tzinfo=UTC)
    finish = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    if finish - begin > MAX_SPAN:
        raise InvalidInput(f"the range spans {(finish - begin).days} days: choose at most {MAX_SPAN.days}")
    return TimeRange(start=begin, end=finish, preset=CUSTOM)
