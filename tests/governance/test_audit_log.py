"""The hash-chained audit log on a real database: appends, verification, and every kind of tampering that
`groundswell audit verify` must detect (an edited, deleted or inserted row, a truncated tail)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.governance.audit_log import GENESIS, append, list_entries, verify
from groundswell.models import AuditEntry
from tests.governance import audit_tampering as tamper
from tests.support.cli import invoke, invoke_json

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def fill(store: Store, count: int = 5) -> str:
    """`count` rows; returns the head hash as an operator would keep it."""
    with write_transaction(store.sessions) as session:
        for n in range(count):
            append(
                session,
                actor=["ana", "sue", "system"][n % 3],
                action=["reply.draft", "reply.submit", "reply.approve", "case.assign", "employee.update"][n % 5],
                entity="case" if n % 5 == 3 else "reply",
                entity_id=n // 2 + 1,
                before=None if n == 0 else {"state": f"s{n - 1}", "score": 0.1 * n},
                after={"state": f"s{n}", "text": f"Reply ünïcode {n} 🙏", "tags": ["a", "b"]},
                at=AT + timedelta(minutes=n),
            )
    with store.sessions() as session:
        result = verify(session)
    assert result.ok and result.rows == count
    return result.head


def test_appends_chain_from_genesis_and_an_untouched_log_verifies(store: Store, database_url: str) -> None:
    head = fill(store)
    with store.sessions() as session:
        entries = list(reversed(list_entries(session, limit=100)))
    assert entries[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    assert entries[-1].hash == head
    result = invoke_json("audit", "verify", "--db", database_url, "--expected-head", head)
    assert result == {"ok": True, "rows": 5, "head": head, "problems": []}
    shown = invoke("audit", "verify", "--db", database_url)
    assert shown.exit_code == 0
    assert f"intact: 5 row(s) checked; head {head}" in shown.stdout


def test_an_empty_log_verifies(store: Store, database_url: str) -> None:
    assert invoke_json("audit", "verify", "--db", database_url) == {
        "ok": True,
        "rows": 0,
        "head": GENESIS,
        "problems": [],
    }


def broken(database_url: str, *extra: str) -> dict[str, object]:
    result = invoke("audit", "verify", "--db", database_url, "--json", *extra)
    assert result.exit_code == 1, result.output
    report: dict[str, object] = json.loads(result.stdout)
    assert report["ok"] is False and report["problems"]
    return report


@pytest.mark.parametrize("column", ["actor", "action", "entity_id", "at", "before", "after"])
def test_an_edited_row_is_detected(store: Store, database_url: str, column: str) -> None:
    fill(store)
    with write_transaction(store.sessions) as session:
        row = session.get_one(AuditEntry, 3)
        tamper.edit(session, 3, column, tamper.changed_value(row, column))
    report = broken(database_url)
    assert report["problems"] == [
        f"row 3 ({'reply.approve' if column != 'action' else 'reply.approvex'} on reply "
        f"{'2' if column != 'entity_id' else '2x'}): its content does not match its hash (the row was edited)"
    ]
    shown = invoke("audit", "verify", "--db", database_url)
    assert shown.exit_code == 1
    assert "BROKEN (1 problem(s))" in shown.stdout and "row 3" in shown.stdout


def test_an_edited_row_with_its_own_hash_recomputed_breaks_the_next_link(store: Store, database_url: str) -> None:
    fill(store)
    with write_transaction(store.sessions) as session:
        tamper.edit(session, 2, "actor", "mallory", rehash=True)
    problems = broken(database_url)["problems"]
    assert isinstance(problems, list) and len(problems) == 1
    assert problems[0].startswith("row 3: links to ")
    assert "(a row was removed, inserted or edited before it)" in problems[0]


def test_a_deleted_row_is_detected(store: Store, database_url: str) -> None:
    fill(store)
    with write_transaction(store.sessions) as session:
        tamper.remove(session, 2)
    problems = broken(database_url)["problems"]
    assert isinstance(problems, list) and [p.split(":")[0] for p in problems] == ["row 3"]


def test_an_inserted_row_is_detected(store: Store, database_url: str) -> None:
    fill(store)
    with write_transaction(store.sessions) as session:
        tamper.insert_after(session, 2)  # relinks the old third row to the forgery
    problems = broken(database_url)["problems"]
    # The forged row itself is consistent; the row it pushed along no longer matches its hash.
    assert isinstance(problems, list) and len(problems) == 1
    assert problems[0].startswith("row 4 (reply.approve on reply 2): its content does not match its hash")


def test_a_truncated_tail_is_detected_with_the_expected_head(store: Store, database_url: str) -> None:
    head = fill(store)
    with write_transaction(store.sessions) as session:
        tamper.truncate(session, keep=3)
    # Without the kept head the shorter chain is consistent: this is why the head must be kept elsewhere.
    assert invoke_json("audit", "verify", "--db", database_url)["rows"] == 3
    report = broken(database_url, "--expected-head", head)
    assert report["rows"] == 3
    assert report["problems"] == [
        f"the last row hashes to {str(report['head'])[:12]}…, not the expected {head[:12]}… "
        "(rows were removed from the end, or the expected head is from another database)"
    ]


def test_a_rewritten_chain_is_caught_only_by_the_kept_head(store: Store, database_url: str) -> None:
    head = fill(store)
    with write_transaction(store.sessions) as session:
        tamper.edit(session, 2, "actor", "mallory")
        tamper.rehash_from(session, 2)
    assert invoke_json("audit", "verify", "--db", database_url)["ok"] is True
    broken(database_url, "--expected-head", head)


def test_list_filters_newest_first(store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(store, 7)
    everything = invoke_json("audit", "list", "--db", database_url)["entries"]
    assert [e["id"] for e in everything] == [7, 6, 5, 4, 3, 2, 1]
    assert everything[0]["after"]["text"] == "Reply ünïcode 6 🙏"
    by_entity = invoke_json("audit", "list", "--db", database_url, "--entity", "reply", "--entity-id", "3")
    assert [e["id"] for e in by_entity["entries"]] == [6, 5]
    by_actor = invoke_json("audit", "list", "--db", database_url, "--actor", "sue", "--limit", "1")
    assert [(e["id"], e["actor"]) for e in by_actor["entries"]] == [(5, "sue")]
    by_prefix = invoke_json("audit", "list", "--db", database_url, "--action", "reply.")
    assert {e["action"] for e in by_prefix["entries"]} == {"reply.draft", "reply.submit", "reply.approve"}
    exact = invoke_json("audit", "list", "--db", database_url, "--action", "case.assign")
    assert [e["id"] for e in exact["entries"]] == [4]
    shown = invoke("audit", "list", "--db", database_url, "--actor", "nobody")
    assert shown.exit_code == 0 and "No audit rows match." in shown.stdout
    monkeypatch.setenv("COLUMNS", "200")
    table = invoke("audit", "list", "--db", database_url, "--limit", "2").stdout
    assert "reply.submit" in table and "reply 3" in table and "system" in table and "employee" not in table


@pytest.mark.parametrize("value", [0, 1.5])
def test_a_bare_number_is_refused_so_the_log_stays_readable(store: Store, value: float) -> None:
    with write_transaction(store.sessions) as session, pytest.raises(TypeError, match="not the number"):
        append(session, actor="ana", action="reply.draft", entity="reply", entity_id=1, after=value)
