"""The inbox: queues, filters, keyset pages and the polled rows fragment."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.inbox import queue_service
from groundswell.inbox.queue_schemas import InboxFilters, Viewer
from groundswell.models import Case
from tests.replies.world import T0, add_case
from tests.web.conftest import WebUser
from tests.web.ui_cases.world import InboxWorld

ROW = re.compile(r'data-testid="inbox-row" data-case-id="(\d+)"')


def _ids(html: str) -> list[int]:
    return [int(found) for found in ROW.findall(html)]


def test_queues_show_mine_unassigned_and_breaching(world: InboxWorld, ana: TestClient) -> None:
    assert _ids(ana.get("/inbox").text) == [world.mine.case_id]  # an agent starts in "mine"
    assert _ids(ana.get("/inbox?queue=unassigned").text) == [world.unassigned.case_id]
    assert _ids(ana.get("/inbox?queue=breaching").text) == [world.mine.case_id]
    page = ana.get("/inbox").text
    assert 'data-testid="queue-all"' not in page  # agents see no "all" queue
    refused = ana.get("/inbox?queue=all")
    assert refused.status_code == 422 and "not open to you" in refused.text


def test_managers_see_every_case_newest_first(world: InboxWorld, sue: TestClient) -> None:
    ids = _ids(sue.get("/inbox?queue=all").text)
    assert ids == [world.mine.case_id, world.unassigned.case_id, world.other_channel.case_id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sentiment=negative", ["mine", "other_channel"]),
        ("sentiment=positive", ["unassigned"]),
        ("intent=lost_item", ["mine", "other_channel"]),
        ("intent=praise", ["unassigned"]),
        ("topic=Lost+Luggage", ["mine", "other_channel"]),
        ("urgency=high", ["mine", "other_channel"]),
        ("urgency=medium", ["mine", "other_channel"]),
        ("location=ord", ["mine", "other_channel"]),
        ("location=chicago", []),
        ("tag=vip", ["mine"]),
        ("channel=mastodon", ["unassigned"]),
        ("status=closed", []),
        ("tag=vip&channel=reddit", []),
    ],
)
def test_filters(world: InboxWorld, sue: TestClient, query: str, expected: list[str]) -> None:
    ids = _ids(sue.get(f"/inbox?queue=all&{query}").text)
    assert ids == [getattr(world, name).case_id for name in expected]


def test_unknown_filter_values_are_explained(world: InboxWorld, sue: TestClient) -> None:
    answer = sue.get("/inbox?urgency=extreme")
    assert answer.status_code == 422 and "urgency" in answer.text


def test_the_polled_fragment_is_rows_only_and_sees_new_cases(world: InboxWorld, store: Store, sue: TestClient) -> None:
    fragment = sue.get("/inbox/rows?queue=all").text
    assert "<html" not in fragment and len(_ids(fragment)) == 3
    with write_transaction(store.sessions) as session:
        new = add_case(session, channel="x", handle="late", texts=("Still waiting",)).case_id
        session.get_one(Case, new).opened_at = T0 + timedelta(hours=1)
    assert _ids(sue.get("/inbox/rows?queue=all").text)[0] == new


def test_keyset_pages_cover_every_case_once(
    world: InboxWorld, store: Store, make_user: Callable[..., WebUser], signed_in: Callable[[WebUser], TestClient]
) -> None:
    with write_transaction(store.sessions) as session:
        for n in range(7):
            case_id = add_case(session, channel="x", handle=f"c{n}", texts=(f"post {n}",)).case_id
            session.get_one(Case, case_id).opened_at = T0 + timedelta(minutes=3)  # ties on opened_at, split by id
    seen: list[int] = []
    cursor = None
    viewer = Viewer(employee_id=None, may_see_all=True)
    with store.sessions() as session:
        while True:
            page = queue_service.inbox_page(session, viewer=viewer, queue="all", cursor=cursor, limit=3)
            seen += [row.id for row in page.rows]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        total = len(queue_service.inbox_page(session, viewer=viewer, queue="all", limit=200).rows)
    assert len(seen) == len(set(seen)) == total == 10
    # The pager links carry the cursor through the browser too.
    client = signed_in(make_user("manager", username="boss"))
    first = client.get("/inbox?queue=all")
    assert first.status_code == 200 and 'data-testid="inbox-next"' not in first.text  # 10 < one page of 50
    assert queue_service.inbox_page is not None and InboxFilters().active() == {}


def test_a_bad_cursor_is_a_422(world: InboxWorld, sue: TestClient) -> None:
    assert sue.get("/inbox?cursor=not-a-cursor").status_code == 422


def test_inbox_page_has_shortcuts_polling_and_labels(world: InboxWorld, ana: TestClient) -> None:
    page = ana.get("/inbox").text
    assert 'hx-trigger="every 15s"' in page and "/static/inbox.js" in page
    assert 'id="shortcuts"' in page and 'data-shortcut="/"' in page
    for name in ("topic", "status", "channel", "sentiment", "intent", "urgency", "location", "tag"):
        assert f'<label for="f-{name}">' in page
