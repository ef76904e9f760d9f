"""Set-based SQL for the ingest. Every function handles a whole batch in a few statements, because
per-row round trips would cap ingest at a few thousand posts a second."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, case, delete, select, update
from sqlalchemy.orm import Session

from groundswell.analytics import rollup
from groundswell.db.base import table_of
from groundswell.db.dialect import (
    bulk_insert_ignoring_conflicts,
    column_in,
    index_posts_after,
    insert_ignoring_conflicts,
    last_post_id,
)
from groundswell.db.dialect import upsert_conversations as upsert_conversations_sql
from groundswell.models import Author, ChannelCursor, Conversation, Post, QuarantinedRecord

Key = tuple[str, str]  # (channel, external id)
# SQLite allows 32,766 bound parameters per statement; stay well below it.
_CHUNK = 900


def _by_channel(keys: Iterable[Key]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for channel, external_id in keys:
        grouped[channel].append(external_id)
    return grouped


def _id_chunks(keys: Iterable[Key]) -> Iterable[tuple[str, list[str]]]:
    for channel, ids in _by_channel(keys).items():
        for start in range(0, len(ids), _CHUNK):
            yield channel, ids[start : start + _CHUNK]


def _lookup(session: Session, keys: Iterable[Key], channel: Any, external: Any, value: Any) -> dict[Key, Any]:
    """`value` for each stored (channel, external id) among `keys`, in chunked per-channel queries."""
    found: dict[Key, Any] = {}
    connection = session.connection()
    for name, ids in _id_chunks(keys):
        stmt = select(external, value).where(channel == name, column_in(connection, external.expression, ids))
        found.update(((name, ext), val) for ext, val in session.execute(stmt))
    return found


def conversation_ids_of_posts(session: Session, keys: Iterable[Key]) -> dict[Key, int]:
    """The stored posts among `keys`, with the conversation each belongs to."""
    return _lookup(session, keys, Post.channel, Post.external_id, Post.conversation_id)


def conversation_ids_by_root(session: Session, keys: Iterable[Key]) -> dict[Key, int]:
    """Ids of existing conversations keyed by (channel, root external id)."""
    return _lookup(session, keys, Conversation.channel, Conversation.root_external_id, Conversation.id)


def upsert_conversations(session: Session, rows: list[dict[str, Any]]) -> None:
    upsert_conversations_sql(session.connection(), table_of(Conversation), rows)


def update_conversation_stats(session: Session, rows: list[dict[str, Any]]) -> None:
    """Rows of {conversation id, posts added, earliest and latest time among them}."""
    if not rows:
        return
    table = table_of(Conversation)
    first = bindparam("first", type_=Conversation.started_at.type)
    last = bindparam("last", type_=Conversation.last_post_at.type)
    # CASE rather than LEAST/GREATEST, which SQLite spells min()/max(): one statement for both dialects.
    stmt = (
        update(table)
        .where(table.c.id == bindparam("cid"))
        .values(
            post_count=table.c.post_count + bindparam("added"),
            started_at=case((table.c.started_at > first, first), else_=table.c.started_at),
            last_post_at=case((table.c.last_post_at < last, last), else_=table.c.last_post_at),
        )
    )
    session.connection().execute(stmt, rows)


def merge_conversation(session: Session, *, source_id: int, target_id: int) -> None:
    """Move every post of `source_id` into `target_id`, add its stats there, and drop it."""
    source = session.execute(
        select(Conversation.post_count, Conversation.started_at, Conversation.last_post_at).where(
            Conversation.id == source_id
        )
    ).one()
    session.execute(update(Post).where(Post.conversation_id == source_id).values(conversation_id=target_id))
    update_conversation_stats(session, [{"cid": target_id, "added": source[0], "first": source[1], "last": source[2]}])
    session.execute(delete(Conversation).where(Conversation.id == source_id))


def insert_posts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert posts, index them for full-text search and count them in the dashboard rollup. Must run in a
    write transaction."""
    if rows:
        connection = session.connection()
        before = last_post_id(connection)
        bulk_insert_ignoring_conflicts(connection, table_of(Post), rows)
        index_posts_after(connection, before)
        rollup.refresh_posts(session, (row["created_at"] for row in rows))  # the dashboard's counts, same transaction


AUTHOR_FIELDS = ("handle", "display_name", "location", "followers", "verified", "url")


def authors_by_key(session: Session, keys: Sequence[Key]) -> dict[Key, Row[Any]]:
    found: dict[Key, Row[Any]] = {}
    columns = [getattr(Author, name) for name in ("id", "channel", "external_id", *AUTHOR_FIELDS)]
    connection = session.connection()
    for channel, ids in _id_chunks(keys):
        stmt = select(*columns).where(
            Author.channel == channel, column_in(connection, Author.external_id.expression, ids)
        )
        found.update(((row.channel, row.external_id), row) for row in session.execute(stmt))
    return found


def insert_authors(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection = session.connection()
        connection.execute(insert_ignoring_conflicts(connection, table_of(Author)), rows)


def update_authors(session: Session, rows: list[dict[str, Any]]) -> None:
    """Rows of {author_id, the profile fields, updated_at}."""
    if rows:
        table = table_of(Author)
        values: dict[str, Any] = {name: bindparam(name) for name in (*AUTHOR_FIELDS, "updated_at")}
        stmt = update(table).where(table.c.id == bindparam("author_id")).values(values)
        session.connection().execute(stmt, rows)


def insert_quarantine(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection = session.connection()
        connection.execute(insert_ignoring_conflicts(connection, table_of(QuarantinedRecord)), rows)


def load_cursor(session: Session, source_key: str) -> str | None:
    return session.scalar(select(ChannelCursor.cursor).where(ChannelCursor.source_key == source_key))


def save_cursor(session: Session, source_key: str, cursor: str, now: datetime) -> None:
    updated = session.execute(
        update(ChannelCursor).where(ChannelCursor.source_key == source_key).values(cursor=cursor, updated_at=now)
    )
    if not updated.rowcount:  # type: ignore[attr-defined]
        session.add(ChannelCursor(source_key=source_key, cursor=cursor, updated_at=now))
        session.flush()
