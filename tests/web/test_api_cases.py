"""The cases API over a real database: filtered lists with cursors, one case, changes with If-Match, notes,
taking and assigning, each leaving its timeline event; refusals are problems with the right status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.models import AuditEntry, Case
from tests.replies.world import T0, add_case, add_staff
from tests.web.conftest import WebUser

Api = Callable[..., Any]


def _api(client: TestClient, user: WebUser) -> Api:
    def call(method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {user.token}"} | kwargs.pop("headers", {})
        return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    return call


@pytest.fixture
def case_ids(store: Store) -> list[int]:
    """Five cases opened a minute apart (the last two at the same moment), every other one tagged billing."""
    ids = []
    with write_transaction(store.sessions) as session:
        add_staff(session)
        for n in range(5):
            world = add_case(session, handle=f"cust{n}@example.social", tags=["billing"] if n % 2 else [],
                             status="new" if n < 3 else "open")  # fmt: skip
            case = session.get(Case, world.case_id)
            assert case is not None
            case.opened_at = T0 + timedelta(minutes=min(n, 3))
            ids.append(world.case_id)
    return ids


def test_lists_filter_and_page_newest_first(
    client: TestClient, make_user: Callable[..., WebUser], case_ids: list[int]
) -> None:
    api = _api(client, make_user("viewer"))

    def ids(query: str) -> list[int]:
        answer = api("GET", f"/cases?{query}")
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()["items"]]

    newest_first = [case_ids[4], case_ids[3], case_ids[2], case_ids[1], case_ids[0]]
    assert ids("") == newest_first
    first = api("GET", "/cases?limit=2").json()
    second = api("GET", f"/cases?limit=2&cursor={first['next_cursor']}").json()
    third = api("GET", f"/cases?limit=2&cursor={second['next_cursor']}").json()
    assert [c["id"] for c in first["items"] + second["items"] + third["items"]] == newest_first
    assert third["next_cursor"] is None
    assert ids("status=new") == newest_first[2:]
    assert ids("status=open&status=new&tag=billing") == [case_ids[3], case_ids[1]]
    assert ids("status=open_any&customer=cust2@example.social") == [case_ids[2]]
    assert ids("unassigned=true&limit=1") == newest_first[:1]
    assert ids("team=nobody") == [] and ids("assignee=ana") == []
    assert ids(f"opened_since={(T0 + timedelta(minutes=3)).isoformat().replace('+00:00', 'Z')}") == newest_first[:2]
    bad = api("GET", "/cases?status=lost")
    assert bad.status_code == 422 and "unknown case status 'lost'" in bad.json()["detail"]
    assert api("GET", "/cases?assignee=ana&unassigned=true").status_code == 422


def test_one_case_with_etag(client: TestClient, make_user: Callable[..., WebUser], case_ids: list[int]) -> None:
    api = _api(client, make_user("analyst"))
    answer = api("GET", f"/cases/{case_ids[0]}")
    assert answer.status_code == 200
    case = answer.json()
    assert case["customer"] == "cust0@example.social" and len(case["posts"]) == 1 and case["timeline"] == []
    assert api("GET", f"/cases/{case_ids[0]}", headers={"If-None-Match": answer.headers["etag"]}).status_code == 304
    assert api("GET", "/cases/999999").status_code == 404


def test_changes_write_the_timeline_and_if_match_stops_lost_updates(
    client: TestClient, make_user: Callable[..., WebUser], case_ids: list[int], store: Store
) -> None:
    api = _api(client, make_user("agent", employee="ana"))
    case_id = case_ids[1]
    etag = api("GET", f"/cases/{case_id}").headers["etag"]
    changes = {"status": "open", "priority": "p1", "tags": ["vip", "billing"], "note": "Called them"}
    changed = api("PATCH", f"/cases/{case_id}", headers={"If-Match": etag}, json=changes)
    assert changed.status_code == 200, changed.text
    case = changed.json()
    assert (case["status"], case["priority"], sorted(case["tags"])) == ("open", "p1", ["billing", "vip"])
    kinds = [e["kind"] for e in case["timeline"]]
    assert kinds == ["priority_changed", "tags_changed", "note", "status_changed"]
    assert {e["actor"] for e in case["timeline"]} == {"ana"}
    stale = api("PATCH", f"/cases/{case_id}", headers={"If-Match": etag}, json={"priority": "p4"})
    assert stale.status_code == 412 and "changed since you read it" in stale.json()["detail"]
    fresh = api("PATCH", f"/cases/{case_id}", headers={"If-Match": changed.headers["etag"]}, json={"tags": []})
    assert fresh.status_code == 200 and fresh.json()["tags"] == []
    assert api("PATCH", f"/cases/{case_id}", json={}).status_code == 422
    assert api("PATCH", f"/cases/{case_id}", json={"priority": "p9"}).status_code == 422
    refused = api("PATCH", f"/cases/{case_id}", json={"status": "closed"})
    assert refused.status_code == 409 and "resolve this open case first" in refused.json()["detail"]
    note = api("POST", f"/cases/{case_id}/notes", json={"text": "  Refund sent  "})
    assert note.status_code == 201 and note.json()["timeline"][-1]["data"] == {"text": "Refund sent"}
    with store.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(case_id))).all()
    assert "case.priority" in actions and "case.note" in actions


def test_taking_and_assigning(client: TestClient, make_user: Callable[..., WebUser], case_ids: list[int]) -> None:
    agent = _api(client, make_user("agent", employee="ana"))
    manager = _api(client, make_user("manager", employee="sue"))
    unlinked = _api(client, make_user("agent", username="nobody"))
    taken = agent("POST", f"/cases/{case_ids[0]}/take")
    assert taken.status_code == 200 and taken.json()["assignee"] == "ana"
    refused = unlinked("POST", f"/cases/{case_ids[0]}/take")
    assert refused.status_code == 409 and "not linked to an employee" in refused.json()["detail"]
    assert agent("PUT", f"/cases/{case_ids[0]}/assignee", json={"employee": "bob"}).status_code == 403
    moved = manager("PUT", f"/cases/{case_ids[0]}/assignee", json={"employee": "bob", "reason": "shift"})
    assert moved.status_code == 200 and moved.json()["assignee"] == "bob"
    assert moved.json()["timeline"][-1]["data"]["previous"] == "ana"
    gone = manager("PUT", f"/cases/{case_ids[0]}/assignee", json={"employee": "old"})
    assert gone.status_code == 409 and "no longer active" in gone.json()["detail"]
    assert manager("PUT", f"/cases/{case_ids[0]}/assignee", json={"employee": "ghost"}).status_code == 404
    back = manager("DELETE", f"/cases/{case_ids[0]}/assignee")
    assert back.status_code == 200 and back.json()["assignee"] is None
    assert agent("GET", "/cases?unassigned=true").json()["items"][-1]["id"] == case_ids[0]
