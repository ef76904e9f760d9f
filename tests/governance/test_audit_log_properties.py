"""Whatever was appended, any one tampering with the stored audit log is detected by `verify` with the head
hash kept from before (and edits to a row's content are detected even without it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from groundswell.cli.common import Store
from groundswell.db.engine import write_transaction
from groundswell.governance.audit_log import append, verify
from groundswell.models import AuditEntry
from tests.governance import audit_tampering as tamper

START = datetime(2026, 3, 1, tzinfo=UTC)
# PostgreSQL refuses NUL in text; surrogates are not valid UTF-8.
texts = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=8,
)
# A bare number is refused at the top level (SQLite would read it back as a number, not JSON text).
documents = st.none() | st.booleans() | texts | st.lists(json_values, max_size=3) | st.dictionaries(texts, json_values)
appends = st.fixed_dictionaries(
    {
        "actor": texts.filter(bool),
        "action": st.sampled_from(["reply.draft", "reply.approve", "case.assign", "employee.update"]),
        "entity": st.sampled_from(["reply", "case", "employee"]),
        "entity_id": st.integers(1, 1000),
        "before": documents,
        "after": documents,
        "seconds": st.integers(0, 10**6),
    }
)
COLUMNS = ["actor", "action", "entity_id", "at", "before", "after"]
tamperings = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 99), st.sampled_from(COLUMNS)),
    st.tuples(st.just("edit_and_rehash"), st.integers(0, 99), st.sampled_from(COLUMNS)),
    st.tuples(st.just("rewrite_from"), st.integers(0, 99), st.sampled_from(COLUMNS)),
    st.tuples(st.just("delete"), st.integers(0, 99), st.none()),
    st.tuples(st.just("insert"), st.integers(0, 99), st.none()),
    st.tuples(st.just("truncate"), st.integers(0, 99), st.none()),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(appends, min_size=1, max_size=8), tampering=tamperings)
def test_any_one_tampering_is_detected(store: Store, rows: list[dict[str, Any]], tampering: tuple[Any, ...]) -> None:
    with write_transaction(store.sessions) as session:
        session.execute(delete(AuditEntry))  # the fixture's database is shared by every example
        for row in rows:
            at = START + timedelta(seconds=row["seconds"])
            fields = {k: v for k, v in row.items() if k != "seconds"}
            append(session, **fields, at=at)
    with store.sessions() as session:
        kept = verify(session)
    assert kept.ok and kept.rows == len(rows)

    kind, index, column = tampering
    with write_transaction(store.sessions) as session:
        ids = tamper.ids(session)
        target = ids[index % len(ids)]
        if kind in {"edit", "edit_and_rehash", "rewrite_from"}:
            value = tamper.changed_value(session.get_one(AuditEntry, target), column)
            tamper.edit(session, target, column, value, rehash=kind == "edit_and_rehash")
            if kind == "rewrite_from":
                tamper.rehash_from(session, target)
        elif kind == "delete":
            tamper.remove(session, target)
        elif kind == "insert":
            tamper.insert_after(session, index % (len(ids) + 1))
        else:
            tamper.truncate(session, keep=index % len(ids))

    with store.sessions() as session:
        assert not verify(session, expected_head=kept.head).ok
        if kind == "edit":
            assert not verify(session).ok  # a plain edit needs no kept head to be found
