"""The ideas board and the department insights pages, through the real app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from tests.support import dashboard_data
from tests.web.conftest import WebUser


@pytest.fixture
def made(store: Store) -> dict[str, Any]:
    with write_transaction(store.sessions) as session:
        loaded = dashboard_data.load(session)
        made = dashboard_data.load_ideas(session, loaded["posts"])
        return {"ideas": [idea.id for idea in made["ideas"]]}


@pytest.fixture
def viewer(make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]) -> TestClient:
    return signed_in(make_user("viewer"))


def test_the_board_lists_ideas_most_customers_first_and_filters_by_status(
    viewer: TestClient, made: dict[str, Any]
) -> None:
    html = viewer.get("/ideas").text
    first, second = made["ideas"]
    assert html.index(f'data-idea-id="{first}"') < html.index(f'data-idea-id="{second}"')
    assert "Longer battery for the PulsePad" in html and "Dark mode in the app" in html
    planned = viewer.get("/ideas", params={"status": "planned"}).text
    assert "Longer battery" in planned and "Dark mode" not in planned
    assert viewer.get("/ideas", params={"sort": "newest"}).status_code == 200


def test_a_bad_filter_says_what_to_use(viewer: TestClient, made: dict[str, Any]) -> None:
    answer = viewer.get("/ideas", params={"sort": "loudest"})
    assert answer.status_code == 422 and "customers" in answer.text


def test_an_idea_page_shows_its_posts_and_comments(viewer: TestClient, made: dict[str, Any]) -> None:
    html = viewer.get(f"/ideas/{made['ideas'][0]}").text
    assert '<h1 id="idea-title">Longer battery for the PulsePad</h1>' in html
    assert html.count("<blockquote>") == 3 and "post 0" in html
    assert "Hardware team is on it" in html
    assert viewer.get("/ideas/999999").status_code == 404


def test_insights_show_a_department_newest_period_first(viewer: TestClient, made: dict[str, Any]) -> None:
    first = viewer.get("/insights").text  # departments in name order: pricing first, with nothing yet
    assert 'id="department-heading">Pricing<' in first and 'id="no-insights"' in first
    html = viewer.get("/insights", params={"department": "product design"}).text
    assert 'aria-current="page" class="button primary">Product Design<' in html
    assert html.index("Battery complaints doubled") < html.index("Delivery delays")
    assert "negative 75%" in html
    assert 'href="https://x.example/p-0"' in html
    assert "javascript:" not in html  # a post's url is only linked when it is http(s)
    assert viewer.get("/insights", params={"department": "legal"}).status_code == 404


def test_without_departments_the_page_says_how_to_add_them(viewer: TestClient) -> None:
    assert "groundswell departments import" in viewer.get("/insights").text
