"""Replies land in their thread's conversation whatever order and batching they arrive in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.ingest.runner import Ingestor
from groundswell.models import Conversation, Post
from tests.support.records import record, write_jsonl


def _conversations(store: Store) -> dict[str, int]:
    with store.sessions() as session:
        return dict(session.execute(select(Post.external_id, Post.conversation_id)).all())


def _ingest(store: Store, path: Path, rows: list[dict[str, Any]], batch_size: int = 2000) -> None:
    Ingestor(store.sessions, batch_size=batch_size).ingest_file(write_jsonl(path, rows))


def test_reply_chain_arriving_backwards_in_separate_batches(store: Store, tmp_path: Path) -> None:
    root = record(1, id="A")
    child = record(2, id="B", reply_to="A")
    grandchild = record(3, id="C", reply_to="B")
    for n, row in enumerate([grandchild, child, root]):
        _ingest(store, tmp_path / f"{n}.jsonl", [row])
    owners = _conversations(store)
    assert owners["A"] == owners["B"] == owners["C"]
    with store.sessions() as session:
        conversation = session.scalars(select(Conversation)).one()  # provisional ones were merged away
        assert (conversation.root_external_id, conversation.post_count) == ("A", 3)
        assert conversation.started_at.isoformat() == root["created_at"]
        assert conversation.last_post_at.isoformat() == grandchild["created_at"]


def test_platform_thread_id_groups_without_the_parent(store: Store, tmp_path: Path) -> None:
    rows = [
        record(2, id="r2", reply_to="r1", conversation_id="root"),
        record(3, id="r3", reply_to="missing", conversation_id="root"),
        record(1, id="root", conversation_id="root"),
        record(4, id="other"),
    ]
    _ingest(store, tmp_path / "t.jsonl", rows)
    owners = _conversations(store)
    assert owners["r2"] == owners["r3"] == owners["root"] != owners["other"]


def test_same_ids_on_different_channels_are_different_threads(store: Store, tmp_path: Path) -> None:
    rows = [
        record(1, id="1"),
        record(2, id="1", channel="mastodon"),
        record(3, id="2", channel="mastodon", reply_to="1"),
    ]
    _ingest(store, tmp_path / "t.jsonl", rows)
    with store.sessions() as session:
        pairs = dict(session.execute(select(Post.channel + ":" + Post.external_id, Post.conversation_id)).all())
    assert pairs["mastodon:1"] == pairs["mastodon:2"] != pairs["x:1"]


def test_reply_to_a_stored_post_joins_its_conversation(store: Store, tmp_path: Path) -> None:
    _ingest(store, tmp_path / "a.jsonl", [record(1, id="A"), record(2, id="B", reply_to="A")])
    _ingest(store, tmp_path / "b.jsonl", [record(3, id="C", reply_to="B")])
    owners = _conversations(store)
    assert owners["A"] == owners["B"] == owners["C"]
    with store.sessions() as session:
        assert session.scalars(select(Conversation.post_count)).one() == 3


def test_cyclic_reply_links_do_not_hang(store: Store, tmp_path: Path) -> None:
    _ingest(store, tmp_path / "c.jsonl", [record(1, id="A", reply_to="B"), record(2, id="B", reply_to="A")])
    owners = _conversations(store)
    assert set(owners) == {"A", "B"}


# A random forest: each post replies to an earlier one or starts a thread. Whatever order and batch
# size they are ingested in, two posts share a conversation exactly when they share a root.
@st.composite
def forests(draw: st.DrawFn) -> tuple[list[int | None], list[int], int]:
    size = draw(st.integers(min_value=1, max_value=25))
    parents = [None] + [draw(st.one_of(st.none(), st.integers(0, n - 1))) for n in range(1, size)]
    order = draw(st.permutations(range(size)))
    batch_size = draw(st.integers(min_value=1, max_value=size))
    return parents, list(order), batch_size


def _root(parents: list[int | None], n: int) -> int:
    while (parent := parents[n]) is not None:
        n = parent
    return n


@settings(
    max_examples=int(os.environ.get("GROUNDSWELL_HYPOTHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(forest=forests())
def test_any_arrival_order_threads_replies_by_root(store: Store, tmp_path: Path, forest: Any) -> None:
    parents, order, batch_size = forest
    tag = f"f{abs(hash((tuple(parents), tuple(order), batch_size)))}-"  # fresh ids per example
    rows = [
        record(n, id=f"{tag}{n}", **({"reply_to": f"{tag}{parents[n]}"} if parents[n] is not None else {}))
        for n in order
    ]
    _ingest(store, tmp_path / f"{tag}.jsonl", rows, batch_size=batch_size)
    owners = _conversations(store)
    for a in range(len(parents)):
        for b in range(len(parents)):
            same_root = _root(parents, a) == _root(parents, b)
            assert (owners[f"{tag}{a}"] == owners[f"{tag}{b}"]) == same_root
    with store.sessions() as session:
        counts = dict(session.execute(select(Conversation.id, Conversation.post_count)).all())
        stored = _conversations(store)
        for conversation_id, count in counts.items():
            assert count == sum(1 for owner in stored.values() if owner == conversation_id)
