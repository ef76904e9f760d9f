"""The posts API over a real database: batch ingest with an answer per record (bad records quarantined with
their reason), lists newest first with cursors, filters and search, one post, ETags and problem details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.models import CasePost, Enrichment, IngestRun, QuarantinedRecord
from tests.replies.world import add_case
from tests.web.conftest import WebUser

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _record(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"ext-{n}", "channel": "mastodon", "author": f"user{n % 3}@example.social",
        "text": f"Post number {n} about the charger", "created_at": (T0 + timedelta(minutes=n)).isoformat(),
    } | fields  # fmt: skip


def _api(client: TestClient, user: WebUser) -> Callable[..., Any]:
    def call(method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {user.token}"} | kwargs.pop("headers", {})
        return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    return call


def test_a_batch_is_stored_record_by_record_and_bad_records_are_quarantined_with_their_reason(
    client: TestClient, make_user: Callable[..., WebUser], store: Store
) -> None:
    api = _api(client, make_user("manager"))
    records = [
        _record(1),
        _record(2, brand="Voltline", rating=4, subreddit="chargers"),
        _record(1),  # the same post twice in one batch
        {"id": "no-text", "channel": "mastodon", "created_at": T0.isoformat()},
        "not an object",
        _record(3, channel="carrier-pigeon"),
        _record(4, id="x" * 300),  # longer than any channel's ids
        _record(5, text="nul \x00 inside"),
        _record(6, title={"not": "text"}),
    ]
    answer = api("POST", "/posts/batch", json={"records": records})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["read"], body["created"], body["duplicates"], body["rejected"]) == (9, 2, 1, 6)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["created", "created", "duplicate"] + ["rejected"] * 6
    assert [r["index"] for r in body["results"]] == list(range(9))
    assert body["results"][0]["post_id"] == body["results"][2]["post_id"] is not None
    errors = [r["error"] for r in body["results"][3:]]
    assert "text" in errors[0] and "JSON object" in errors[1] and "unknown channel" in errors[2]
    assert "external_id is 300 characters" in errors[3] and "NUL" in errors[4] and "title must be text" in errors[5]
    with store.sessions() as session:
        quarantined = session.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.position)).all()
        assert [q.position for q in quarantined] == [4, 5, 6, 7, 8, 9]
        assert [q.reason for q in quarantined] == errors
        assert all(q.source == "api:manager-user" for q in quarantined)
        run = session.scalars(select(IngestRun)).one()
        assert (run.id, run.new, run.quarantined, run.status) == (body["ingest_run_id"], 2, 6, "done")
    again = api("POST", "/posts/batch", json={"records": records[:2]}).json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert [r["post_id"] for r in again["results"]] == [body["results"][0]["post_id"], body["results"][1]["post_id"]]


def test_an_empty_or_oversized_batch_is_a_problem(client: TestClient, make_user: Callable[..., WebUser]) -> None:
    api = _api(client, make_user("admin"))
    payloads: list[dict[str, Any]] = [{"records": []}, {"records": [_record(n) for n in range(1001)]}, {}]
    for payload in payloads:
        answer = api("POST", "/posts/batch", json=payload)
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["errors"]


def test_lists_are_newest_first_and_every_post_is_on_exactly_one_page(
    client: TestClient, make_user: Callable[..., WebUser]
) -> None:
    api = _api(client, make_user("admin"))
    # Two posts share each time, so the cursor must break ties by id.
    records = [_record(n, created_at=(T0 + timedelta(minutes=n // 2)).isoformat()) for n in range(11)]
    assert api("POST", "/posts/batch", json={"records": records}).json()["created"] == 11
    seen: list[dict[str, Any]] = []
    url = "/posts?limit=4&channel=mastodon"
    pages = 0
    while True:
        answer = api("GET", url)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += page["items"]
        pages += 1
        if page["next_cursor"] is None:
            assert "link" not in answer.headers
            break
        assert answer.headers["link"].endswith('>; rel="next"') and "cursor=" in answer.headers["link"]
        url = f"/posts?limit=4&channel=mastodon&cursor={page['next_cursor']}"
    assert pages == 3
    keys = [(p["created_at"], p["id"]) for p in seen]
    assert keys == sorted(keys, reverse=True) and len({p["id"] for p in seen}) == 11
    assert api("GET", "/posts?channel=x").json() == {"items": [], "next_cursor": None}


def test_filters_and_search(client: TestClient, make_user: Callable[..., WebUser]) -> None:
    api = _api(client, make_user("admin"))
    records = [
        _record(1, text="The charger melted overnight", brand="Voltline", language="en"),
        _record(2, text="Le chargeur est parfait", brand="Voltline", language="fr"),
        _record(3, text="Shipping took forever", brand="Other"),
    ]
    api("POST", "/posts/batch", json={"records": records})

    def ids(query: str) -> list[str]:
        answer = api("GET", f"/posts?{query}")
        assert answer.status_code == 200, answer.text
        return [p["external_id"] for p in answer.json()["items"]]

    assert ids("brand=Voltline") == ["ext-2", "ext-1"]
    assert ids("language=fr") == ["ext-2"]
    assert ids("author=user1@example.social") == ["ext-1"]
    assert ids("q=charger") == ["ext-1"]
    assert ids("q=shipping OR melted") == ["ext-3", "ext-1"]
    assert ids(f"since={(T0 + timedelta(minutes=2)).isoformat().replace('+00:00', 'Z')}") == ["ext-3", "ext-2"]
    assert ids("until=2026-03-02T09:02:00") == ["ext-1"]  # no offset: UTC
    for bad in ("q=-only", "cursor=bm90LWEtY3Vyc29y", "cursor=%%%", "limit=0", "since=yesterday"):
        answer = api("GET", f"/posts?{bad}")
        assert answer.status_code == 422, bad
        assert answer.json()["status"] == 422 and answer.json()["detail"]


def test_one_post_with_its_enrichments_and_case_and_etags(
    client: TestClient, make_user: Callable[..., WebUser], store: Store
) -> None:
    api = _api(client, make_user("viewer"))
    with write_transaction(store.sessions) as session:
        world = add_case(session)
        session.add(Enrichment(post_id=world.post_ids[0], enricher="embedding", version="t", value=[0.1] * 8,
                               enriched_at=T0))  # fmt: skip
    answer = api("GET", f"/posts/{world.post_ids[0]}")
    assert answer.status_code == 200
    post = answer.json()
    assert post["case_id"] == world.case_id and post["author"] == "jane@mastodon.example"
    assert post["enrichments"]["sentiment"]["label"] == "negative" and "embedding" not in post["enrichments"]
    etag = answer.headers["etag"]
    cached = api("GET", f"/posts/{world.post_ids[0]}", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == etag
    assert api("GET", f"/posts/{world.post_ids[0]}", headers={"If-None-Match": '"other"'}).status_code == 200
    listed = api("GET", "/posts")
    assert api("GET", "/posts", headers={"If-None-Match": f"W/{listed.headers['etag']}"}).status_code == 304
    with write_transaction(store.sessions) as session:
        session.execute(delete(CasePost))
    changed = api("GET", f"/posts/{world.post_ids[0]}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["case_id"] is None and changed.headers["etag"] != etag
    missing = api("GET", "/posts/999999")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["instance"] == "/api/v1/posts/999999"


def test_only_leads_ingest_and_a_read_token_cannot(client: TestClient, make_user: Callable[..., WebUser]) -> None:
    agent = _api(client, make_user("agent"))
    answer = agent("POST", "/posts/batch", json={"records": [_record(1)]})
    assert answer.status_code == 403 and answer.json()["title"] == "Forbidden"
    assert agent("GET", "/posts").status_code == 200
