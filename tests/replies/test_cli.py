"""`groundswell reply ...` from the command line, with the bundled offensive-language classifier."""

from __future__ import annotations

import re

import pytest

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.errors import InvalidInput
from groundswell.governance.approval import SelfApproval
from tests.replies.world import World
from tests.support.cli import invoke, invoke_json


def plain(text: str) -> str:
    return " ".join(re.sub(r"[\u2500-\u257f`]", " ", text).split())


def test_draft_submit_approve_send_show_and_list(database_url: str, world: World) -> None:
    db = ("--db", database_url)
    drafted = invoke_json("reply", "draft", str(world.case_id), "--by", "tom", "--text", "We guarantee a refund.", *db)
    reply = str(drafted["id"])
    assert (drafted["state"], drafted["author"], drafted["visibility"]) == ("draft", "tom", "public")
    assert [f["code"] for f in drafted["findings"]] == ["commitment.guarantee"]
    assert drafted["requirement"]["role"] == "manager"
    assert drafted["requirement"]["reasons"][0] == "the author is a trainee"
    assert drafted["next_actions"] == ["revise", "submit"]
    assert invoke_json("reply", "submit", reply, "--by", "tom", *db)["state"] == "pending_approval"
    pending = invoke_json("reply", "list", "--state", "pending_approval", *db)["replies"]
    assert [r["id"] for r in pending] == [drafted["id"]]
    with pytest.raises(SelfApproval):
        invoke("reply", "approve", reply, "--by", "tom", *db)
    approved = invoke_json("reply", "approve", reply, "--by", "sue", *db)
    assert (approved["state"], approved["approved_by"]) == ("approved", "sue")
    sent = invoke_json("reply", "send", reply, "--by", "tom", *db)
    assert sent["state"] == "sent"
    assert sent["delivery"]["status"] == "pending" and sent["delivery"]["attempts"] == 0
    assert invoke_json("reply", "show", reply, *db)["delivery"] == sent["delivery"]
    assert (
        invoke_json("reply", "list", "--case", str(world.case_id), "--author", "tom", *db)["replies"][0]["id"]
        == (drafted["id"])
    )
    assert invoke_json("reply", "list", "--state", "pending_approval", *db)["replies"] == []
    assert [e["action"] for e in invoke_json("audit", "list", "--entity", "reply", *db)["entries"]] == [
        "reply.send", "reply.approve", "reply.submit", "reply.draft",
    ]  # fmt: skip


def test_reject_revise_withdraw_and_edit_approve(database_url: str, world: World) -> None:
    db = ("--db", database_url)
    reply = str(
        invoke_json("reply", "draft", str(world.case_id), "--by", "ana", "--text", "It was our fault.", *db)["id"]
    )
    invoke_json("reply", "submit", reply, "--by", "ana", *db)
    rejected = invoke_json("reply", "reject", reply, "--by", "max", "--reason", "No admissions.", *db)
    assert (rejected["state"], rejected["rejection_reason"]) == ("rejected", "No admissions.")
    revised = invoke_json("reply", "revise", reply, "--by", "ana", "--text", "We promise to fix it.", *db)
    assert (revised["state"], [f["code"] for f in revised["findings"]]) == ("draft", ["commitment.promise"])
    invoke_json("reply", "submit", reply, "--by", "ana", *db)
    assert invoke_json("reply", "withdraw", reply, "--by", "ana", *db)["state"] == "draft"
    invoke_json("reply", "submit", reply, "--by", "ana", *db)
    edited = invoke_json("reply", "edit-approve", reply, "--by", "sue", "--text", "We are on it.", *db)
    assert (edited["state"], edited["text"], edited["findings"]) == ("edited_and_approved", "We are on it.", [])


def test_a_private_draft_from_a_template(store: Store, database_url: str, world: World) -> None:
    from groundswell.inbox.templates import save_template

    with write_transaction(store.sessions) as session:
        save_template(session, name="sorry", language="en", actor="max",
                      text="Hi {customer_name}, {agent_name} here about case {case_number} at {location}.")  # fmt: skip
    drafted = invoke_json(
        "reply", "draft", str(world.case_id), "--by", "ana", "--template", "sorry", "--var", "location=ORD",
        "--private", "--db", database_url,
    )  # fmt: skip
    assert drafted["text"] == f"Hi Jane Doe, Ana here about case {world.case_id} at ORD."
    assert (drafted["template"], drafted["visibility"]) == ("sorry", "private")
    shipped = invoke_json("reply", "draft", str(world.case_id), "--by", "ana", "--template", "acknowledge",
                          "--db", database_url)  # fmt: skip
    assert shipped["text"] == f"Hi Jane Doe, thanks for letting us know. We're looking into it (case {world.case_id})."
    with pytest.raises(InvalidInput, match="template needs a value for location"):
        invoke("reply", "draft", str(world.case_id), "--by", "ana", "--template", "sorry", "--db", database_url)
    with pytest.raises(InvalidInput, match="write it as name=value"):
        invoke("reply", "draft", str(world.case_id), "--by", "ana", "--template", "sorry", "--var", "location",
               "--db", database_url)  # fmt: skip


def test_people_see_findings_explained_and_what_comes_next(
    database_url: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    card = "Your card 4111 1111 1111 1111 was charged twice."
    shown = plain(
        invoke("reply", "draft", str(world.case_id), "--by", "ana", "--text", card, "--db", database_url).stdout
    )
    assert "Reply 1 on case 1 by ana (public): draft" in shown
    assert "block pii.card at 10-29: '**** **** **** 1111'" in shown
    assert "why: A payment card number lets anyone" in shown and "do: Remove the number" in shown
    assert "Blocked: the text must change before it can be approved or sent." in shown
    assert "Needs approval by the manager role, because: policy finding pii.card must be edited out" in shown
    assert "Next: revise, submit" in shown
    invoke("reply", "submit", "1", "--by", "ana", "--db", database_url)
    pending = plain(invoke("reply", "show", "1", "--db", database_url).stdout)
    assert "Next: reject, edit-approve, withdraw" in pending
    listed = plain(invoke("reply", "list", "--db", database_url).stdout)
    assert "pending_approval" in listed and "pii.card" in listed
    assert "No replies match." in invoke("reply", "list", "--state", "sent", "--db", database_url).stdout
    with pytest.raises(InvalidInput, match="unknown state 'done'"):
        invoke("reply", "list", "--state", "done", "--db", database_url)
