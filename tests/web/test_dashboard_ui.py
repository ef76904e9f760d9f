"""The dashboard page, its chart data as JSON and CSV, and the time range, through the real app."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from groundswell.analytics.dashboard import CHARTS
from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from tests.support import dashboard_data
from tests.web.conftest import WebUser


@pytest.fixture
def viewer(store: Store, make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]) -> TestClient:
    with write_transaction(store.sessions) as session:
        dashboard_data.load(session)
    return signed_in(make_user("viewer"))


def test_the_page_has_a_canvas_and_a_csv_link_per_chart(viewer: TestClient) -> None:
    page = viewer.get("/dashboard")
    assert page.status_code == 200
    html = page.text
    for name in CHARTS:
        assert f'id="chart-{name}"' in html
        assert f'href="/dashboard/data/{name}.csv?range=7d"' in html
        assert f'data-src="/dashboard/data/{name}.json?range=7d"' in html
    assert '<option value="7d" selected>' in html
    assert 'id="posts-in-range">6<' in html
    assert "<script>" not in html  # the CSP forbids inline scripts


def test_chart_json_and_csv_follow_the_range(viewer: TestClient) -> None:
    week = viewer.get("/dashboard/data/volume.json", params={"range": "7d"}).json()
    assert week["kind"] == "stacked" and week["x"] == "day"
    assert sum(sum(s["values"]) for s in week["series"]) == 6
    day = viewer.get("/dashboard/data/volume.json", params={"range": "24h"}).json()
    assert day["x"] == "hour" and sum(sum(s["values"]) for s in day["series"]) == 3
    answer = viewer.get(
        "/dashboard/data/intents.csv", params={"range": "custom", "from": "2025-03-12", "to": "2025-03-14"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="intents-202503120000-202503150000.csv"'
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["intent", "posts"] and ["complaint", "3"] in rows


def test_a_custom_range_is_kept_in_the_page_links(viewer: TestClient) -> None:
    html = viewer.get("/dashboard", params={"range": "custom", "from": "2025-03-14", "to": "2025-03-14"}).text
    assert 'href="/dashboard/data/sla.csv?range=custom&amp;from=2025-03-14&amp;to=2025-03-14"' in html
    assert 'value="2025-03-14"' in html and 'id="posts-in-range">3<' in html


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"range": "1y"}, "unknown range"),
        ({"range": "custom", "from": "14/03/2025"}, "is not a date"),
        ({"range": "custom", "from": "2025-03-14", "to": "2025-03-01"}, "before it starts"),
        ({"range": "custom", "from": "2020-01-01", "to": "2025-03-01"}, "at most 366"),
    ],
)
def test_a_bad_range_says_what_to_fix(viewer: TestClient, params: dict[str, str], words: str) -> None:
    answer = viewer.get("/dashboard/data/volume.json", params=params)
    assert answer.status_code == 422 and words in answer.text


def test_an_unknown_chart_is_404(viewer: TestClient) -> None:
    assert viewer.get("/dashboard/data/pie.csv").status_code == 404
