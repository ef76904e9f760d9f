"""JSON columns give back what was stored, whatever the JSON value's type, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from groundswell.cli.common import Store
from groundswell.models import Conversation, Enrichment, Post

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


@pytest.mark.parametrize("value", [5, 0.25, "label", ["a", 1], {"score": 0.5}, True, None])
def test_any_json_value_round_trips(store: Store, value: Any) -> None:
    with store.sessions.begin() as session:
        conversation = Conversation(channel="x", root_external_id="1", started_at=NOW, last_post_at=NOW, post_count=1)
        session.add(conversation)
        session.flush()
        post = Post(
            channel="x", external_id="1", conversation_id=conversation.id, text="hi", created_at=NOW, raw="{}",
            source_format="jsonl", ingested_at=NOW, attributes={},
        )  # fmt: skip
        session.add(post)
        session.flush()
        session.add(Enrichment(post_id=post.id, enricher="score", version="1", value=value, enriched_at=NOW))
    with store.sessions() as session:
        assert session.scalars(select(Enrichment.value)).one() == value
