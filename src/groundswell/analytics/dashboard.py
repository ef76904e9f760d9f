"""The dashboard: each chart's data for a time range, in one shape (labels along the x axis, one series per
line, bar stack or slice) that both the Chart.js front end and the CSV download read.

Queries are in `dashboard_repository`; this module only shapes their aggregate rows (a few hundred at most),
fills empty time buckets with zeros, and turns seconds into hours."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from groundswell.analytics import dashboard_repository as repo
from groundswell.analytics.time_range import TimeRange, parse_range
from groundswell.errors import NotFound

TOP_LABELS = 10
TOP_EMPLOYEES = 15
UNROUTED = "(no team)"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True, slots=True)
class ChartData:
    """`kind` is line, bar, stacked (bar), or doughnut. `x` names what the labels are (for the CSV header)."""

    name: str
    title: str
    kind: str
    x: str
    labels: list[str]
    series: list[Series]
    unit: str = "posts"
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name, "title": self.title, "kind": self.kind, "x": self.x, "unit": self.unit,
            "note": self.note, "labels": self.labels,
            "series": [{"name": s.name, "values": s.values, "in_chart": s.name != self.extra.get("hidden")}
                       for s in self.series],
        }  # fmt: skip

    def as_csv(self) -> str:
        """One row per label, one column per series: the table the chart draws."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([self.x, *(s.name for s in self.series)])
        for index, label in enumerate(self.labels):
            writer.writerow([label, *(_number(s.values[index]) for s in self.series)])
        return out.getvalue()


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


@dataclass(frozen=True, slots=True)
class Overview:
    """The figures above the charts."""

    window: TimeRange
    posts: int
    newest_post_at: datetime | None


def resolve_range(session: Session, preset: str | None, start: str | None, end: str | None,
                  *, now: datetime) -> TimeRange:  # fmt: skip
    """The range asked for; presets end now, or at the newest post when every post is older (a demo or an
    archive), so "last 7 days" shows the last 7 days of data rather than an empty week."""
    newest = repo.newest_post_at(session)
    anchor = now
    if newest is not None and newest < now:
        anchor = newest.replace(second=0, microsecond=0) + timedelta(minutes=1)  # the newest post included
    return parse_range(preset, start, end, anchor=anchor)


def overview(session: Session, window: TimeRange) -> Overview:
    return Overview(window=window, posts=repo.post_count(session, window), newest_post_at=repo.newest_post_at(session))


def _pivot(window_labels: list[str], rows: list[tuple[str, str, int]], *, top: int | None = None) -> list[Series]:
    """Rows of (label, series, value) as one Series per series name over `window_labels` (zeros where absent),
    biggest series first; beyond `top`, the rest are summed into "other"."""
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for label, name, value in rows:
        table[name][label] = table[name].get(label, 0) + value
    names = sorted(table, key=lambda n: (-sum(table[n].values()), n))
    if top is not None and len(names) > top:
        other: dict[str, int] = defaultdict(int)
        for name in names[top:]:
            for label, value in table[name].items():
                other[label] += value
        names = names[:top]
        table["other"] = dict(other)
        names.append("other")
    return [Series(name, [float(table[name].get(label, 0)) for label in window_labels]) for name in names]


def volume(session: Session, window: TimeRange) -> ChartData:
    labels = window.buckets()
    return ChartData("volume", "Volume by channel", "stacked", window.unit, labels,
                     _pivot(labels, [(b, c, n) for b, c, n in repo.volume_by_channel(session, window)]))  # fmt: skip


def _trend(name: str, title: str, dimension: str) -> Callable[[Session, TimeRange], ChartData]:
    def build(session: Session, window: TimeRange) -> ChartData:
        labels = window.buckets()
        rows = repo.label_trend(session, window, dimension)
        return ChartData(name, title, "line", window.unit, labels, _pivot(labels, rows, top=8))

    return build


def _top(name: str, title: str, dimension: str) -> Callable[[Session, TimeRange], ChartData]:
    def build(session: Session, window: TimeRange) -> ChartData:
        rows = repo.top_labels(session, window, dimension, limit=TOP_LABELS)
        return ChartData(name, title, "bar", name.rstrip("s"), [label for label, _ in rows],
                         [Series("posts", [float(n) for _, n in rows])])  # fmt: skip

    return build


def share_of_voice(session: Session, window: TimeRange) -> ChartData:
    rows = repo.posts_by_brand(session, window)
    totals: dict[str, int] = defaultdict(int)
    for brand, _, n in rows:
        totals[brand] += n
    brands = sorted(totals, key=lambda b: (-totals[b], b))
    grand = sum(totals.values()) or 1
    moods = _pivot(brands, [(brand, sentiment, n) for brand, sentiment, n in rows])
    shares = Series("share %", [round(100.0 * totals[b] / grand, 2) for b in brands])
    note = "" if len(brands) > 1 else "Only one brand is listened to in this range: share of voice needs several."
    return ChartData("share_of_voice", "Share of voice by brand (posts, by sentiment)", "stacked", "brand", brands,
                     [*moods, shares], note=note, extra={"hidden": "share %"})  # fmt: skip


def response_times(session: Session, window: TimeRange) -> ChartData:
    labels = window.buckets()
    by_bucket = {row[0]: row for row in repo.response_times(session, window)}

    def hours(index: int, bucket: str) -> float | None:
        row = by_bucket.get(bucket)
        value = row[index] if row else None
        return None if value is None else round(float(value) / 3600.0, 2)

    return ChartData("response_times", "Mean hours to first response and to resolution (cases by opening time)",
                     "line", window.unit, labels,
                     [Series("first response (h)", [hours(1, b) for b in labels]),
                      Series("resolution (h)", [hours(3, b) for b in labels])], unit="hours")  # fmt: skip


def sla_attainment(session: Session, window: TimeRange) -> ChartData:
    """Per clock and policy: clocks met, breached and still running, and the attainment (met / decided)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for clock, policy, state, n in repo.sla_states(session, window):
        counts[f"{clock} · {policy}"][state if state in ("met", "breached") else "running"] += n
    labels = sorted(counts)

    def attainment(label: str) -> float | None:
        decided = counts[label]["met"] + counts[label]["breached"]
        return round(100.0 * counts[label]["met"] / decided, 1) if decided else None

    return ChartData("sla", "SLA attainment (clocks of cases opened in the range)", "stacked", "clock · policy",
                     labels, [Series(state, [float(counts[lab][state]) for lab in labels])
                              for state in ("met", "breached", "running")]
                     + [Series("attainment %", [attainment(lab) for lab in labels])],
                     unit="clocks", extra={"hidden": "attainment %"})  # fmt: skip


def cases_per_team(session: Session, window: TimeRange) -> ChartData:
    rows = [(name or UNROUTED, state, n) for name, state, n in repo.cases_by_team(session, window)]
    totals: dict[str, int] = defaultdict(int)
    for name, _, n in rows:
        totals[name] += n
    labels = sorted(totals, key=lambda t: (-totals[t], t))
    return ChartData("teams", "Cases per team (opened in the range)", "stacked", "team", labels,
                     _series_by_state(labels, rows), unit="cases")  # fmt: skip


def cases_per_employee(session: Session, window: TimeRange) -> ChartData:
    rows = repo.cases_by_employee(session, window, limit=TOP_EMPLOYEES)
    totals: dict[str, int] = defaultdict(int)
    for name, _, n in rows:
        totals[name] += n
    labels = sorted(totals, key=lambda t: (-totals[t], t))
    return ChartData("employees", f"Cases per employee (the {TOP_EMPLOYEES} busiest)", "stacked", "employee", labels,
                     _series_by_state(labels, rows), unit="cases")  # fmt: skip


def _series_by_state(labels: list[str], rows: list[tuple[str, str, int]]) -> list[Series]:
    values = {(name, state): n for name, state, n in rows}
    return [Series(state, [float(values.get((label, state), 0)) for label in labels]) for state in ("open", "resolved")]


# The charts in the order the page shows them, with their headings.
TITLES = {
    "volume": "Volume by channel",
    "sentiment": "Sentiment",
    "emotion": "Emotion",
    "intents": "Top intents",
    "topics": "Top topics",
    "share_of_voice": "Share of voice by brand",
    "response_times": "Response and resolution times",
    "sla": "SLA attainment",
    "teams": "Cases per team",
    "employees": "Cases per employee",
}

CHARTS: dict[str, Callable[[Session, TimeRange], ChartData]] = {
    "volume": volume,
    "sentiment": _trend("sentiment", "Sentiment", "sentiment"),
    "emotion": _trend("emotion", "Emotion", "emotion"),
    "intents": _top("intents", "Top intents", "intent"),
    "topics": _top("topics", "Top topics", "topic"),
    "share_of_voice": share_of_voice,
    "response_times": response_times,
    "sla": sla_attainment,
    "teams": cases_per_team,
    "employees": cases_per_employee,
}


def chart(session: Session, name: str, window: TimeRange) -> ChartData:
    """One chart's data; an unknown name is NotFound."""
    build = CHARTS.get(name)
    if build is None:
        raise NotFound(f"no chart named {name!r}: the dashboard has {', '.join(CHARTS)}")
    return build(session, window)


def default_now() -> datetime:
    return datetime.now(UTC)
