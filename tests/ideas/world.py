"""Posts for the ideas tests, stored through the normal ingest path, with the enrichments the pipeline would
have stored (intent, embedding, topics) seeded so each test controls which posts are close to which."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from groundswell.cli.common import Store
from groundswell.ingest.runner import Ingestor
from groundswell.models import Enrichment, Post

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DIM = 8


def vector(axis: int, tilt: float = 0.0, towards: int | None = None) -> list[float]:
    """A unit vector along `axis`, tilted by `tilt` radians towards another axis."""
    values = [0.0] * DIM
    values[axis] = math.cos(tilt)
    if towards is not None:
        values[towards] = math.sin(tilt)
    return values


def post(
    external_id: str,
    author: str,
    text: str,
    *,
    channel: str = "x",
    minutes: int = 0,
    followers: int = 10,
    product: str | None = "PulsePad",
    language: str = "en",
) -> dict[str, Any]:
    created = T0 + timedelta(minutes=minutes)
    row: dict[str, Any] = {
        "id": external_id, "channel": channel, "text": text, "created_at": created.isoformat(), "brand": "Voltline",
        "language": language, "author": {"handle": author, "id": author, "followers": followers},
    }  # fmt: skip
    if product:
        row["product"] = product
    return row


def ingest(store: Store, tmp_path: Path, rows: Sequence[dict[str, Any]], name: str = "posts.jsonl") -> dict[str, int]:
    """Store the rows through the ingestor; returns post ids by external id."""
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    counts = Ingestor(store.sessions).ingest_file(path)
    assert counts.quarantined == 0, counts
    with store.sessions() as session:
        found = session.execute(select(Post.external_id, Post.id).where(Post.external_id.in_([r["id"] for r in rows])))
        return {external_id: post_id for external_id, post_id in found}


def seed(
    session: Session,
    post_id: int,
    *,
    intents: Sequence[str] = ("suggestion",),
    embedding: list[float] | None = None,
    topic: str | None = None,
) -> None:
    """What the enrichment pipeline would have stored for the post."""
    values: dict[str, Any] = {"intent": list(intents)}
    if embedding is not None:
        values["embedding"] = embedding
    if topic is not None:
        values["topics"] = [{"name": topic, "score": 0.9}]
    for name, value in values.items():
        session.add(Enrichment(post_id=post_id, enricher=name, version="test", value=value, enriched_at=T0))
    session.flush()
