"""Set-based SQL for stored enrichment: which posts lack the current version of an enricher, writing
results in bulk, and reading them back.

`versions` is always {enricher name: current version}. A post needs an enricher when it has no row for
that enricher or a row with another version; there is one row per (post, enricher), so a new version
replaces the old value in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Insert, exists, func, not_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from groundswell.analytics import rollup
from groundswell.db.base import table_of
from groundswell.enrich.base import PostInput
from groundswell.models import Author, Enrichment, LabelCorrection, Post

# SQLite allows 32,766 bound parameters per statement; a written row binds five.
_WRITE_CHUNK = 2000
_READ_CHUNK = 900


@dataclass(frozen=True)
class PendingPost:
    """A stored post that lacks the current version of at least one enricher, and which ones."""

    post_id: int
    post: PostInput
    stale: frozenset[str]


@dataclass(frozen=True)
class StoredEnrichment:
    enricher: str
    version: str
    value: Any
    enriched_at: datetime


def _current(name: str, version: str) -> ColumnElement[bool]:
    """The post (in the enclosing query) has a row for `name` at `version`."""
    return exists().where(Enrichment.post_id == Post.id, Enrichment.enricher == name, Enrichment.version == version)


def _lacks_any(versions: Mapping[str, str]) -> ColumnElement[bool]:
    return or_(*(not_(_current(name, version)) for name, version in versions.items()))


def last_post_id(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Post.id), 0))).scalar_one())


def count_posts(session: Session, *, up_to: int) -> int:
    return int(session.execute(select(func.count()).select_from(Post).where(Post.id <= up_to)).scalar_one())


def count_posts_needing(session: Session, versions: Mapping[str, str], *, up_to: int) -> int:
    if not versions:
        return 0
    stmt = select(func.count()).select_from(Post).where(Post.id <= up_to, _lacks_any(versions))
    return int(session.execute(stmt).scalar_one())


def stale_enrichers(session: Session, versions: Mapping[str, str], *, up_to: int) -> list[str]:
    """The enrichers (in the given order) that at least one post up to `up_to` lacks at its current version."""
    stale = []
    for name, version in versions.items():
        stmt = select(Post.id).where(Post.id <= up_to, not_(_current(name, version))).limit(1)
        if session.execute(stmt).first() is not None:
            stale.append(name)
    return stale


def posts_needing_enrichment(
    session: Session, versions: Mapping[str, str], *, after: int, up_to: int, limit: int
) -> list[PendingPost]:
    """The next `limit` posts with ids in (after, up_to] that lack a current result, in id order."""
    if not versions:
        return []
    reach = (func.coalesce(Author.followers, 0) + func.coalesce(Post.reposts, 0) + func.coalesce(Post.likes, 0)).label(
        "reach"
    )
    stmt = (
        select(Post.id, Post.text, Author.location, reach, Post.created_at, Post.channel)
        .outerjoin(Author, Author.id == Post.author_id)
        .where(Post.id > after, Post.id <= up_to, _lacks_any(versions))
        .order_by(Post.id)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    current = _current_rows(session, [row.id for row in rows], versions)
    shared: dict[frozenset[str], frozenset[str]] = {}  # one set object per distinct combination
    pending = []
    for row in rows:
        stale = frozenset(name for name in versions if (row.id, name) not in current)
        post = PostInput(
            text=row.text,
            author_location=row.location,
            reach=int(row.reach),
            created_at=row.created_at,
            channel=row.channel,
        )
        pending.append(PendingPost(row.id, post, shared.setdefault(stale, stale)))
    return pending


def _current_rows(session: Session, post_ids: Sequence[int], versions: Mapping[str, str]) -> set[tuple[int, str]]:
    """(post id, enricher) pairs among `post_ids` whose stored version is the current one."""
    found: set[tuple[int, str]] = set()
    for start in range(0, len(post_ids), _READ_CHUNK):
        ids = post_ids[start : start + _READ_CHUNK]
        stmt = select(Enrichment.post_id, Enrichment.enricher, Enrichment.version).where(
            Enrichment.post_id.in_(ids), Enrichment.enricher.in_(list(versions))
        )
        found.update((pid, name) for pid, name, version in session.execute(stmt) if versions[name] == version)
    return found


def _upsert_statement(connection: Connection) -> Insert:
    """INSERT ... ON CONFLICT (post_id, enricher) DO UPDATE, only where the stored version differs, so a
    row that is already current is never rewritten (its value and time survive a re-run)."""
    table = table_of(Enrichment)
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.post_id, table.c.enricher],
        set_={
            "version": stmt.excluded.version,
            "value": stmt.excluded.value,
            "enriched_at": stmt.excluded.enriched_at,
        },
        where=table.c.version != stmt.excluded.version,
    )


def upsert_enrichments(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Store results: rows of {post_id, enricher, version, value, enriched_at}. New (post, enricher) pairs
    are inserted; existing ones are updated where the version changed, and the dashboard rollup follows. Must run
    in a write transaction."""
    if not rows:
        return
    connection = session.connection()
    stmt = _upsert_statement(connection)
    for start in range(0, len(rows), _WRITE_CHUNK):
        connection.execute(stmt, [dict(row) for row in rows[start : start + _WRITE_CHUNK]])
    # The dashboard's counts of these posts' hours, recomputed in the same transaction.
    rollup.refresh_enrichments(session, (row["post_id"] for row in rows), {row["enricher"] for row in rows})


def enrichments_of(session: Session, post_id: int) -> dict[str, StoredEnrichment]:
    """A post's stored results by enricher name."""
    stmt = (
        select(Enrichment.enricher, Enrichment.version, Enrichment.value, Enrichment.enriched_at)
        .where(Enrichment.post_id == post_id)
        .order_by(Enrichment.enricher)
    )
    return {row.enricher: StoredEnrichment(*row) for row in session.execute(stmt)}


def count_by_version(session: Session) -> dict[tuple[str, str], int]:
    """How many results are stored per (enricher, version)."""
    stmt = (
        select(Enrichment.enricher, Enrichment.version, func.count())
        .group_by(Enrichment.enricher, Enrichment.version)
        .order_by(Enrichment.enricher, Enrichment.version)
    )
    return {(name, version): int(count) for name, version, count in session.execute(stmt)}


def post_text(session: Session, post_id: int) -> str | None:
    return session.execute(select(Post.text).where(Post.id == post_id)).scalar_one_or_none()


def add_correction(session: Session, correction: LabelCorrection) -> LabelCorrection:
    session.add(correction)
    session.flush()
    return correction


def list_corrections(
    session: Session, *, task: str | None = None, limit: int | None = None, newest_first: bool = False
) -> list[LabelCorrection]:
    """Corrections, oldest first unless `newest_first` (a later correction of a text supersedes an earlier one)."""
    order = (LabelCorrection.created_at, LabelCorrection.id)
    stmt = select(LabelCorrection).order_by(*(column.desc() for column in order) if newest_first else order)
    if task is not None:
        stmt = stmt.where(LabelCorrection.task == task)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
