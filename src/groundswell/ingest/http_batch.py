"""Ingesting a batch of posts pushed over HTTP (webhooks from other systems), with an answer per record.

Each record is a generic post record (`id, channel, author, text, created_at` and optional fields, as in
JSON Lines files). Records that cannot become a post are quarantined with their reason, like a bad line of a
file, and the caller learns which ones and why. A batch is one transaction, stored by the same
`store_batch` as file ingests, so it is deduplicated on (channel, external id) and safe to resend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import String, select
from sqlalchemy.orm import Session

from groundswell.channels.base import PostIn, RawRecord
from groundswell.channels.generic.connector import JsonLinesConnector
from groundswell.ingest.authors import AuthorResolver
from groundswell.ingest.runner import parse_records
from groundswell.ingest.schemas import IngestCounts, ParsedPost, Rejected
from groundswell.ingest.service import store_batch
from groundswell.models import Author, IngestRun, Post

MAX_RECORDS = 1000
FORMAT = JsonLinesConnector.name


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    index: int  # 0-based position in the batch
    status: str  # created, duplicate or rejected
    channel: str | None = None
    external_id: str | None = None
    post_id: int | None = None
    error: str | None = None


@dataclass(slots=True)
class BatchOutcome:
    run_id: int
    counts: IngestCounts
    results: list[RecordOutcome] = field(default_factory=list)


def _limits(model: type[Any]) -> dict[str, int]:
    return {c.name: c.type.length for c in model.__table__.columns if isinstance(c.type, String) and c.type.length}


_POST_LIMITS = _limits(Post)
_AUTHOR_LIMITS = _limits(Author)


def _storage_problem(post: PostIn) -> str | None:
    """Why the database could not store this post as it is (a field too long, or not text), if it cannot.
    File ingests trust their connectors; records from anywhere on the network are checked."""
    checks: list[tuple[str, Any, int | None]] = [
        (name, getattr(post, name, None), _POST_LIMITS.get(name))
        for name in ("channel", "external_id", "title", "language", "url", "brand", "product", "location",
                     "reply_to_external_id", "text")
    ]  # fmt: skip
    if post.author is not None:
        author = post.author
        checks += [
            (f"author.{name}", getattr(author, name), _AUTHOR_LIMITS.get(name))
            for name in ("external_id", "handle", "display_name", "location", "url")
        ]
    for name, value, limit in checks:
        if value is None:
            continue
        if not isinstance(value, str):
            return f"{name} must be text, got {type(value).__name__}"
        if limit is not None and len(value) > limit:
            return f"{name} is {len(value)} characters long; at most {limit} fit"
    return None


def ingest_records(
    session: Session, *, records: Sequence[Any], source: str, now: datetime | None = None
) -> BatchOutcome:
    """Store the posts among `records`, quarantine the rest, and say what became of each record."""
    now = now or datetime.now(UTC)
    raw = [
        RawRecord(source=source, position=index + 1, raw=orjson.dumps(record).decode(), decoded=record)
        for index, record in enumerate(records)
    ]
    parsed: list[ParsedPost] = []
    rejected: list[Rejected] = []
    errors: dict[int, str] = {}
    for item in parse_records(JsonLinesConnector(), raw):
        problem: str | None = None
        if "\\u0000" in item.record.raw:
            problem = "the record holds a NUL character (\\u0000), which the database cannot store"
        if isinstance(item, ParsedPost) and not problem:
            problem = _storage_problem(item.post)
            if not problem:
                parsed.append(item)
                continue
        reason = item.reason if isinstance(item, Rejected) else str(problem)
        if item.record.position - 1 not in errors:
            errors[item.record.position - 1] = reason
            rejected.append(Rejected(item.record, reason, FORMAT))
    parsed = [item for item in parsed if item.record.position - 1 not in errors]
    keys = [(item.post.channel, item.post.external_id) for item in parsed]
    stored_before = _post_ids(session, keys)
    counts = store_batch(session, parsed=parsed, rejected=rejected, authors=AuthorResolver(), now=now)
    post_ids = _post_ids(session, keys)
    run = IngestRun(
        source=source, source_format=FORMAT, status="done", started_at=now, finished_at=now, read=counts.read,
        new=counts.new, duplicates=counts.duplicates, quarantined=counts.quarantined,
    )  # fmt: skip
    session.add(run)
    session.flush()
    outcome = BatchOutcome(run_id=run.id, counts=counts)
    seen: set[tuple[str, str]] = set()
    by_index = {item.record.position - 1: item for item in parsed}
    for index in range(len(records)):
        if index in errors:
            outcome.results.append(RecordOutcome(index=index, status="rejected", error=errors[index]))
            continue
        key = (by_index[index].post.channel, by_index[index].post.external_id)
        status = "duplicate" if key in stored_before or key in seen else "created"
        seen.add(key)
        outcome.results.append(
            RecordOutcome(index=index, status=status, channel=key[0], external_id=key[1], post_id=post_ids.get(key))
        )
    return outcome


def _post_ids(session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    by_channel: dict[str, list[str]] = {}
    for channel, external_id in keys:
        by_channel.setdefault(channel, []).append(external_id)
    for channel, ids in by_channel.items():
        stmt = select(Post.external_id, Post.id).where(Post.channel == channel, Post.external_id.in_(ids))
        found.update({(channel, external_id): post_id for external_id, post_id in session.execute(stmt)})
    return found
