"""Dashboard charts over a small known store, on SQLite and (with GROUNDSWELL_TEST_PG) PostgreSQL: every
figure is counted by hand from tests/support/dashboard_data.py."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from groundswell.analytics import dashboard
from groundswell.analytics.time_range import TimeRange
from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import NotFound
from tests.support import dashboard_data
from tests.support.dashboard_data import END


@pytest.fixture
def loaded(store: Store) -> Store:
    with write_transaction(store.sessions) as session:
        dashboard_data.load(session)
    return store


def _chart(store: Store, name: str, preset: str = "7d") -> dashboard.ChartData:
    with store.sessions() as session:
        window = dashboard.resolve_range(session, preset, None, None, now=END + timedelta(days=30))
        return dashboard.chart(session, name, window)


def _totals(data: dashboard.ChartData) -> dict[str, float]:
    return {s.name: sum(v or 0 for v in s.values) for s in data.series}


def test_presets_end_at_the_newest_post_when_the_data_is_older_than_now(loaded: Store) -> None:
    with loaded.sessions() as session:
        window = dashboard.resolve_range(session, None, None, None, now=END + timedelta(days=30))
        overview = dashboard.overview(session, window)
    assert window.preset == "7d"
    assert window.end == END - timedelta(hours=1) + timedelta(minutes=1)
    assert window.end - window.start == timedelta(days=7)
    assert overview.posts == 6  # the post 20 days old is outside


def test_presets_end_now_when_there_are_newer_posts(loaded: Store) -> None:
    with loaded.sessions() as session:
        window = dashboard.resolve_range(session, "24h", None, None, now=END - timedelta(hours=3))
        assert window.end == END - timedelta(hours=3)
        assert dashboard.overview(session, window).posts == 2  # 5 and 26 hours before END; 1 and 2 are later


def test_volume_by_channel_over_time(loaded: Store) -> None:
    data = _chart(loaded, "volume")
    assert _totals(data) == {"x": 4.0, "mastodon": 2.0}
    assert data.x == "day" and len(data.labels) == 8  # a 7-day window not aligned to midnight spans 8 days
    assert data.labels[-1] == "2025-03-14"
    last = {s.name: s.values[-1] for s in data.series}
    assert last == {"x": 2.0, "mastodon": 1.0}


def test_the_last_24_hours_are_drawn_hour_by_hour(loaded: Store) -> None:
    data = _chart(loaded, "volume", "24h")
    assert data.x == "hour" and len(data.labels) == 25 and data.labels[-1] == "2025-03-14 20"
    assert sum(_totals(data).values()) == 3
    values = dict(zip(data.labels, next(s.values for s in data.series if s.name == "x"), strict=True))
    assert values["2025-03-14 20"] == 1 and values["2025-03-14 19"] == 1 and values["2025-03-14 18"] == 0


def test_sentiment_and_emotion_trends(loaded: Store) -> None:
    assert _totals(_chart(loaded, "sentiment")) == {"negative": 3, "positive": 2, "neutral": 1}
    assert _totals(_chart(loaded, "emotion")) == {"anger": 2, "joy": 2, "neutral": 1, "sadness": 1}


def test_top_intents_and_topics_unnest_the_lists(loaded: Store) -> None:
    intents = _chart(loaded, "intents")
    assert dict(zip(intents.labels, intents.series[0].values, strict=True)) == {
        "complaint": 3, "question": 2, "praise": 1, "suggestion": 1,
    }  # fmt: skip
    assert intents.labels[0] == "complaint"
    topics = _chart(loaded, "topics")
    assert dict(zip(topics.labels, topics.series[0].values, strict=True)) == {"battery": 3, "delivery": 2, "app": 1}


def test_share_of_voice_between_brands(loaded: Store) -> None:
    data = _chart(loaded, "share_of_voice")
    assert data.labels == ["voltline", "rival"]
    series = {s.name: s.values for s in data.series}
    assert series["share %"] == [66.67, 33.33]
    assert series["negative"] == [2, 1] and series["positive"] == [2, 0] and series["neutral"] == [0, 1]
    assert data.note == ""


def test_response_and_resolution_times_in_hours(loaded: Store) -> None:
    data = _chart(loaded, "response_times")
    series = {s.name: dict(zip(data.labels, s.values, strict=True)) for s in data.series}
    assert series["first response (h)"]["2025-03-14"] == 3.0  # mean of 2 h and 4 h
    assert series["resolution (h)"]["2025-03-14"] == 6.0
    assert series["first response (h)"]["2025-03-13"] is None  # a case opened, never answered: no mean


def test_sla_attainment(loaded: Store) -> None:
    data = _chart(loaded, "sla")
    assert data.labels == ["first_response · standard"]
    assert {s.name: s.values[0] for s in data.series} == {"met": 1, "breached": 1, "running": 1, "attainment %": 50.0}


def test_cases_per_team_and_employee(loaded: Store) -> None:
    teams = _chart(loaded, "teams")
    assert teams.labels == ["care", "(no team)"]
    assert {s.name: s.values for s in teams.series} == {"open": [1, 1], "resolved": [1, 0]}
    people = _chart(loaded, "employees")
    assert people.labels == ["alice"]
    assert {s.name: s.values for s in people.series} == {"open": [1], "resolved": [1]}


def test_csv_is_the_chart_table(loaded: Store) -> None:
    rows = list(csv.reader(io.StringIO(_chart(loaded, "sla").as_csv())))
    assert rows == [["clock · policy", "met", "breached", "running", "attainment %"],
                    ["first_response · standard", "1", "1", "1", "50"]]  # fmt: skip
    rows = list(csv.reader(io.StringIO(_chart(loaded, "response_times").as_csv())))
    assert rows[0] == ["day", "first response (h)", "resolution (h)"]
    assert ["2025-03-14", "3", "6"] in rows and ["2025-03-13", "", ""] in rows


def test_an_empty_store_gives_empty_charts_not_errors(store: Store) -> None:
    with store.sessions() as session:
        window = dashboard.resolve_range(session, "30d", None, None, now=END)
        for name in dashboard.CHARTS:
            data = dashboard.chart(session, name, window)
            assert all(not v for s in data.series for v in s.values), name


def test_unknown_chart_is_not_found(store: Store) -> None:
    with store.sessions() as session, pytest.raises(NotFound, match="volume"):
        dashboard.chart(session, "pie", TimeRange(start=END - timedelta(days=1), end=END, preset="24h"))
