"""The replies API over a real database, through the real approval machine and the bundled offensive-language
model: a clean reply goes straight to the outbox; a guarantee needs a manager, who cannot be its author;
rejection, revision, withdrawal and edit-and-approve; lists by state with cursors; refusals are 409s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.models import OutboxMessage
from tests.replies.world import World, add_case, add_staff
from tests.web.conftest import WebUser

Api = Callable[..., Any]
CLEAN = "Sorry about that, Jane. We are looking into your order now."
GUARANTEE = "We guarantee a full refund by Friday."


def _api(client: TestClient, user: WebUser) -> Api:
    def call(method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {user.token}"} | kwargs.pop("headers", {})
        return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    return call


@pytest.fixture
def world(store: Store) -> World:
    with write_transaction(store.sessions) as session:
        add_staff(session)
        return add_case(session)


@pytest.fixture
def people(client: TestClient, make_user: Callable[..., WebUser], world: World) -> dict[str, Api]:
    """Users for the staff of `world`."""
    return {
        "ana": _api(client, make_user("agent", username="ana", employee="ana")),
        "sue": _api(client, make_user("manager", username="sue", employee="sue")),
        "admin": _api(client, make_user("admin")),  # not linked to an employee
        "viewer": _api(client, make_user("viewer")),
    }


def test_a_clean_reply_goes_to_the_outbox(people: dict[str, Api], world: World, store: Store) -> None:
    ana = people["ana"]
    drafted = ana("POST", f"/cases/{world.case_id}/replies", json={"text": CLEAN})
    assert drafted.status_code == 201, drafted.text
    reply = drafted.json()
    assert (reply["state"], reply["author"], reply["requirement"], reply["next_actions"]) == (
        "draft", "ana", None, ["revise", "send"],
    )  # fmt: skip
    assert reply["in_reply_to_post_id"] == world.post_ids[-1]
    sent = ana("POST", f"/replies/{reply['id']}/send")
    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    assert sent.json()["delivery"]["status"] == "pending"
    with store.sessions() as session:
        message = session.scalars(select(OutboxMessage)).one()
        assert (message.idempotency_key, message.text) == (f"reply:{reply['id']}", CLEAN)
    again = ana("POST", f"/replies/{reply['id']}/send")
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    case = people["viewer"]("GET", f"/cases/{world.case_id}").json()
    assert {"reply_draft", "responded", "reply_send"} <= {e["kind"] for e in case["timeline"]}


def test_approval_by_a_manager_who_is_not_the_author(people: dict[str, Api], world: World) -> None:
    ana, sue = people["ana"], people["sue"]
    reply = ana("POST", f"/cases/{world.case_id}/replies", json={"text": GUARANTEE}).json()
    assert reply["requirement"]["role"] == "manager"
    refused = ana("POST", f"/replies/{reply['id']}/send")
    assert refused.status_code == 409 and "manager role" in refused.json()["detail"]
    assert ana("POST", f"/replies/{reply['id']}/approve").status_code == 403  # agents hold no approvals
    assert ana("POST", f"/replies/{reply['id']}/submit").json()["state"] == "pending_approval"
    assert ana("POST", f"/replies/{reply['id']}/withdraw").json()["state"] == "draft"
    ana("POST", f"/replies/{reply['id']}/submit")
    rejected = sue("POST", f"/replies/{reply['id']}/reject", json={"reason": "No guarantees, please."})
    assert (rejected.json()["state"], rejected.json()["rejection_reason"]) == ("rejected", "No guarantees, please.")
    assert sue("POST", f"/replies/{reply['id']}/reject", json={}).status_code == 422
    revised = ana("PATCH", f"/replies/{reply['id']}", json={"text": "We will refund you once we have checked."})
    assert revised.status_code == 200 and revised.json()["state"] == "draft"
    assert sue("PATCH", f"/replies/{reply['id']}", json={"text": "Mine now"}).status_code == 409  # not the author
    mine = sue("POST", f"/cases/{world.case_id}/replies", json={"text": GUARANTEE}).json()
    sue("POST", f"/replies/{mine['id']}/submit")
    own = sue("POST", f"/replies/{mine['id']}/approve")
    assert own.status_code == 409 and "cannot decide on it" in own.json()["detail"]
    ana_again = ana("POST", f"/cases/{world.case_id}/replies", json={"text": GUARANTEE}).json()
    ana("POST", f"/replies/{ana_again['id']}/submit")
    edited = sue("POST", f"/replies/{ana_again['id']}/approve", json={"text": CLEAN})
    assert (edited.json()["state"], edited.json()["text"], edited.json()["approved_by"]) == (
        "edited_and_approved", CLEAN, "sue",
    )  # fmt: skip
    assert ana("POST", f"/replies/{ana_again['id']}/send").json()["state"] == "sent"


def test_lists_by_state_with_cursors_and_etags(people: dict[str, Api], world: World) -> None:
    ana, viewer = people["ana"], people["viewer"]
    ids = [ana("POST", f"/cases/{world.case_id}/replies", json={"text": f"{CLEAN} ({n})"}).json()["id"]
           for n in range(5)]  # fmt: skip
    ana("POST", f"/replies/{ids[0]}/send")
    first = viewer("GET", "/replies?state=draft&limit=3")
    page = first.json()
    rest = viewer("GET", f"/replies?state=draft&limit=3&cursor={page['next_cursor']}").json()
    assert [r["id"] for r in page["items"] + rest["items"]] == ids[:0:-1] and rest["next_cursor"] is None
    assert (
        viewer("GET", "/replies?state=draft&limit=3", headers={"If-None-Match": first.headers["etag"]}).status_code
        == 304
    )
    assert [r["id"] for r in viewer("GET", f"/replies?case_id={world.case_id}&state=sent").json()["items"]] == ids[:1]
    assert viewer("GET", "/replies?author=sue").json()["items"] == []
    assert viewer("GET", "/replies?state=lost").status_code == 422
    one = viewer("GET", f"/replies/{ids[0]}")
    assert one.json()["delivery"]["status"] == "pending"
    assert viewer("GET", f"/replies/{ids[0]}", headers={"If-None-Match": one.headers["etag"]}).status_code == 304
    assert viewer("GET", "/replies/999999").status_code == 404
    assert viewer("POST", f"/cases/{world.case_id}/replies", json={"text": CLEAN}).status_code == 403


def test_what_a_draft_must_be_given(people: dict[str, Api], world: World) -> None:
    ana = people["ana"]
    for body, status, words in [
        ({}, 422, "text or a template"),
        ({"text": "x", "template": "apology"}, 422, "not both"),
        ({"text": CLEAN, "visibility": "loud"}, 422, "visibility"),
        ({"text": CLEAN, "named_approver": "ana"}, 422, "someone other than"),
        ({"template": "no-such-template"}, 404, "no-such-template"),
    ]:
        answer = ana("POST", f"/cases/{world.case_id}/replies", json=body)
        assert answer.status_code == status and words in answer.json()["detail"], (body, answer.text)
    assert ana("POST", "/cases/999999/replies", json={"text": CLEAN}).status_code == 404
    unlinked = people["admin"]("POST", f"/cases/{world.case_id}/replies", json={"text": CLEAN})
    assert unlinked.status_code == 409 and "not linked to an employee" in unlinked.json()["detail"]
