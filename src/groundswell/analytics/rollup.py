"""The dashboard rollup: posts per (hour, channel, brand, dimension, label), kept exact by recomputing.

Writers call `refresh_posts` (ingest: the hours of the posts inserted, volume only, since a new post has no
enrichments yet) and `refresh_enrichments` (the hours of the posts whose enrichments were written, only the
dimensions of those enrichers) in the same transaction as their batch. Each refresh deletes the rollup rows
of the hours touched and inserts them again from posts and enrichments with INSERT ... SELECT ... GROUP BY, so
the rollup equals a full recompute after any sequence of batches, re-enrichments included, and a crash rolls
it back with the batch. On PostgreSQL refreshes take one transaction-scoped advisory lock, so two writers
never recompute the same hour from snapshots that miss each other's rows (SQLite writers are serialised).

`source` is also what the dashboard reads for the partial hours at the ends of a range, so the rollup and
the live edges count with the very same SQL. Labels are read exactly as the dashboard always read them:
sentiment and emotion `value->>'label'`, intent the list's strings, topics the list's `name` fields."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from groundswell.db.aggregates import json_array_labels, time_bucket
from groundswell.db.base import table_of
from groundswell.models import DashboardRollup, Enrichment, Post

# dimension -> (enricher, key of a list element's label; None: single label in value->>'label' or volume)
DIMENSIONS: dict[str, tuple[str | None, str | None]] = {
    "volume": (None, None),
    "sentiment": ("sentiment", None),
    "emotion": ("emotion", None),
    "intent": ("intent", None),
    "topic": ("topics", "name"),
}
LISTS = frozenset({"intent", "topic"})
DIMENSION_OF_ENRICHER = {enricher: name for name, (enricher, _) in DIMENSIONS.items() if enricher}
HOUR_FORMAT = "%Y-%m-%d %H"
_LOCK_KEY = 0x67735F726F6C6C  # "gs_roll": one advisory lock for every rollup refresh
_CHUNK = 500  # hours or post ids per statement, well under SQLite's bound-parameter limit
COLUMNS = ("hour", "channel", "brand", "dimension", "label", "posts")


def hour_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(HOUR_FORMAT)


def start_of(hour: str) -> datetime:
    return datetime.strptime(hour, HOUR_FORMAT).replace(tzinfo=UTC)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def source(dialect: str, dimension: str, condition: ColumnElement[bool]) -> Select[Any]:
    """Rollup rows (hour, channel, brand, dimension, label, posts) computed from the posts matching
    `condition` (a created_at range, or true for all)."""
    enricher, key = DIMENSIONS[dimension]
    hour = time_bucket(dialect, Post.created_at, "hour").label("hour")
    name: Any = literal_column(f"'{dimension}'").label("dimension")  # from the fixed DIMENSIONS, never user input
    if enricher is None:
        label: Any = literal_column("''")
        query = select(hour, Post.channel, Post.brand, name, label.label("label"), func.count().label("posts"))
        return query.where(condition).group_by(hour, Post.channel, Post.brand)
    # SQLite would read every row of the enricher through (enricher, version) and look each post up: seconds
    # for an hour's posts at 1,000,000. An expression on the column it cannot index (`enricher || ''`) makes
    # it walk the range's posts and find each one's row by the (post_id, enricher) key instead.
    which = Enrichment.enricher.concat("") if dialect == "sqlite" else Enrichment.enricher
    joined = and_(Enrichment.post_id == Post.id, which == enricher)
    if dimension not in LISTS:
        label = func.coalesce(Enrichment.value["label"].as_string(), "")
        query = select(hour, Post.channel, Post.brand, name, label.label("label"), func.count().label("posts"))
        return query.join(Enrichment, joined).where(condition).group_by(hour, Post.channel, Post.brand, label)
    items, label = json_array_labels(dialect, Enrichment.value, key)
    json_type = func.jsonb_typeof if dialect == "postgresql" else func.json_type
    query = select(hour, Post.channel, Post.brand, name, label.label("label"), func.count().label("posts"))
    return (
        query.select_from(Post)
        .join(Enrichment, joined)
        .join(items, literal(True))
        # only lists are unnested (PostgreSQL refuses a scalar), and a label that is missing or empty is no label
        .where(condition, json_type(Enrichment.value) == "array", label.is_not(None), label != "")
        .group_by(hour, Post.channel, Post.brand, label)
    )


def _lock(session: Session) -> None:
    if _dialect(session) == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _ranges(hours: Sequence[str]) -> list[tuple[datetime, datetime]]:
    """Sorted hours as [start, end) ranges, consecutive hours merged."""
    ranges: list[tuple[datetime, datetime]] = []
    for hour in hours:
        begin = start_of(hour)
        if ranges and ranges[-1][1] == begin:
            ranges[-1] = (ranges[-1][0], begin + timedelta(hours=1))
        else:
            ranges.append((begin, begin + timedelta(hours=1)))
    return ranges


def refresh(session: Session, hours: Iterable[str], dimensions: Iterable[str]) -> None:
    """Recompute the rollup rows of `hours` for `dimensions` from the posts and enrichments as they are now
    (this transaction's writes included). Must run in the writer's transaction."""
    ordered = sorted(set(hours))
    names = sorted(set(dimensions))
    if not ordered or not names:
        return
    _lock(session)
    connection = session.connection()
    dialect = _dialect(session)
    table = table_of(DashboardRollup)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        connection.execute(delete(table).where(table.c.dimension.in_(names), table.c.hour.in_(chunk)))
        within = or_(*(and_(Post.created_at >= low, Post.created_at < high) for low, high in _ranges(chunk)))
        for name in names:
            connection.execute(insert(table).from_select(COLUMNS, source(dialect, name, within)))


def refresh_posts(session: Session, created: Iterable[datetime]) -> None:
    """After inserting posts written at `created`: their hours' volume (a new post has no enrichments)."""
    refresh(session, {hour_of(moment) for moment in created}, ["volume"])


def refresh_enrichments(session: Session, post_ids: Iterable[int], enrichers: Iterable[str]) -> None:
    """After writing enrichments of `enrichers` for `post_ids`: those posts' hours, those enrichers' dimensions."""
    dimensions = {DIMENSION_OF_ENRICHER[name] for name in enrichers if name in DIMENSION_OF_ENRICHER}
    ids = sorted(set(post_ids))
    if not dimensions or not ids:
        return
    hour = time_bucket(_dialect(session), Post.created_at, "hour")
    hours: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        query = select(hour).distinct().where(Post.id.in_(ids[start : start + _CHUNK]))
        hours.update(str(value) for value in session.execute(query).scalars())
    refresh(session, hours, dimensions)


def rebuild(session: Session) -> int:
    """Recompute the whole rollup from every post and enrichment (for databases filled before it existed, or
    by bulk copies that bypass the store steps); returns the rows written. Must run in a write transaction."""
    _lock(session)
    connection = session.connection()
    table = table_of(DashboardRollup)
    connection.execute(delete(table))
    everything = true()
    for name in DIMENSIONS:
        connection.execute(insert(table).from_select(COLUMNS, source(_dialect(session), name, everything)))
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def recompute(session: Session) -> list[tuple[str, str, str | None, str, str, int]]:
    """What the rollup should hold, computed afresh and sorted (for checks and tests); reads only."""
    everything = true()
    rows: list[Any] = []
    for name in DIMENSIONS:
        rows.extend(tuple(row) for row in session.execute(source(_dialect(session), name, everything)))
    return sorted(rows, key=_sort_key)


def stored(session: Session) -> list[tuple[str, str, str | None, str, str, int]]:
    """The rollup as stored, in the order of `recompute`."""
    table = table_of(DashboardRollup)
    rows = [tuple(row) for row in session.execute(select(*(table.c[name] for name in COLUMNS)))]
    return sorted(rows, key=_sort_key)


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple("" if value is None else str(value) for value in row)
