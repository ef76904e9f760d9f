"""Storing one batch of parsed and rejected records. Flushes, never commits: the caller owns the
transaction, and a batch is all-or-nothing, which is what makes a killed ingest safe to re-run."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from groundswell.channels.base import AuthorIn
from groundswell.ingest import repository
from groundswell.ingest.authors import AuthorResolver
from groundswell.ingest.repository import Key
from groundswell.ingest.schemas import IngestCounts, ParsedPost, Rejected
from groundswell.ingest.threading import assign_conversations


def store_batch(
    session: Session,
    *,
    parsed: Sequence[ParsedPost],
    rejected: Sequence[Rejected],
    authors: AuthorResolver,
    now: datetime | None = None,
) -> IngestCounts:
    now = now or datetime.now(UTC)
    unique: dict[Key, ParsedPost] = {}
    for item in parsed:
        unique.setdefault((item.post.channel, item.post.external_id), item)
    stored = repository.conversation_ids_of_posts(session, unique.keys())
    fresh = [item for key, item in unique.items() if key not in stored]

    author_keys: dict[Key, AuthorIn] = {}
    for item in fresh:
        if item.post.author is not None:
            author_keys[(item.post.channel, item.post.author.external_id)] = item.post.author
    author_ids = authors.resolve(session, author_keys, now) if author_keys else {}
    conversation_ids = assign_conversations(session, [item.post for item in fresh])
    repository.insert_posts(
        session,
        [
            _post_row(item, author_ids, conversation_id, now)
            for item, conversation_id in zip(fresh, conversation_ids, strict=True)
        ],
    )
    repository.insert_quarantine(session, [_quarantine_row(item, now) for item in rejected])
    return IngestCounts(
        read=len(parsed) + len(rejected),
        new=len(fresh),
        duplicates=len(parsed) - len(fresh),
        quarantined=len(rejected),
    )


def _post_row(item: ParsedPost, author_ids: dict[Key, int], conversation_id: int, now: datetime) -> dict[str, Any]:
    post = item.post
    author_id = author_ids[(post.channel, post.author.external_id)] if post.author is not None else None
    return {
        "channel": post.channel,
        "external_id": post.external_id,
        "conversation_id": conversation_id,
        "author_id": author_id,
        "reply_to_external_id": post.reply_to_external_id,
        "text": post.text,
        "title": post.title,
        "language": post.language,
        "created_at": post.created_at,
        "url": post.url,
        "brand": post.brand,
        "product": post.product,
        "rating": post.rating,
        "likes": post.likes,
        "reposts": post.reposts,
        "replies": post.replies,
        "location": post.location,
        "latitude": post.latitude,
        "longitude": post.longitude,
        "visibility": post.visibility,
        "attributes": post.attributes,
        "raw": item.record.raw,
        "source_format": item.source_format,
        "ingested_at": now,
    }


def _quarantine_row(item: Rejected, now: datetime) -> dict[str, Any]:
    return {
        "source": item.record.source,
        "position": item.record.position,
        "source_format": item.source_format,
        "raw": item.record.raw,
        "raw_sha256": hashlib.sha256(item.record.raw.encode("utf-8", errors="replace")).hexdigest(),
        "reason": item.reason,
        "quarantined_at": now,
    }
