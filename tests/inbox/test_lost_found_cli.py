"""`groundswell lost-found`, in process, on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.errors import InvalidInput
from groundswell.inbox import lost_found
from groundswell.models import Case, CasePost, OutboxMessage
from tests.inbox.cases_support import NOW, add_author, add_post
from tests.support.cli import invoke, invoke_json

TEXT = "you lost my red stroller at DEN yesterday"


@pytest.fixture
def case_id(store: Store) -> int:
    with store.sessions.begin() as session:
        post = add_post(session, add_author(session, "ana"), TEXT)
        case = Case(channel="x", status="open", opened_at=NOW, updated_at=NOW, tags=[])
        session.add(case)
        session.flush()
        session.add(CasePost(case_id=case.id, post_id=post.id, added_at=NOW))
        lost_found.open_lost_item(session, case=case, post_text=TEXT, now=NOW)
        return case.id


def test_list_and_update(store: Store, case_id: int) -> None:
    (listed,) = invoke_json("lost-found", "list")["items"]
    assert (listed["case_id"], listed["item"], listed["place"], listed["lost_on"], listed["status"]) == (
        case_id, "red stroller", "DEN", "yesterday", "reported"
    )  # fmt: skip
    shown = invoke_json("lost-found", "update", str(case_id), "found", "--note", "At the DEN desk.", "--by", "lea")
    assert shown["status"] == "found" and shown["visibility"] == "private"
    assert shown["message"].startswith("Good news, ana: we found your red stroller") and shown["not_sent"] is None
    assert invoke_json("lost-found", "list", "--status", "reported")["items"] == []
    with store.sessions() as session:
        (message,) = session.scalars(select(OutboxMessage))
        assert message.idempotency_key == f"lost-item:{case_id}:found"
    human = invoke("lost-found", "update", str(case_id), "returned", "--by", "lea")
    assert human.exit_code == 0 and "lost item is now returned" in human.stdout
    table = invoke("lost-found", "list")
    assert "red stroller" in table.stdout


def test_refused_update_and_unknown_status(case_id: int) -> None:
    with pytest.raises(InvalidInput, match="reported cannot become returned"):
        invoke("lost-found", "update", str(case_id), "returned")
    result = invoke("lost-found", "update", str(case_id), "lost")
    assert result.exit_code == 2 and "lost" in result.output
