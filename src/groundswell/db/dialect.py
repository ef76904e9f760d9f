"""Everything that differs between SQLite and PostgreSQL: full-text search DDL and queries.

SQLite uses an FTS5 table with external content (the posts table). New posts are indexed a batch at a
time by `insert_posts` (2.5x faster than a per-row trigger); triggers keep edits and deletes in step.
PostgreSQL uses a generated tsvector column with a GIN index. Both accept the same web-search
syntax: words, "quoted phrases", OR, and -excluded words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Insert,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from groundswell.db.types import UTCDateTime
from groundswell.errors import InvalidInput

_SQLITE_FULLTEXT = (
    "CREATE VIRTUAL TABLE posts_fts USING fts5(title, text, content='posts', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, text ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO posts_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS posts_fts_update",
    "DROP TRIGGER IF EXISTS posts_fts_delete",
    "DROP TABLE IF EXISTS posts_fts",
)
_POSTGRES_FULLTEXT = (
    "ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', text), 'B')) STORED",
    "CREATE INDEX ix_posts_search_vector ON posts USING GIN (search_vector)",
)
_POSTGRES_DROP = (
    "DROP INDEX IF EXISTS ix_posts_search_vector",
    "ALTER TABLE posts DROP COLUMN IF EXISTS search_vector",
)
# Columns and tables that exist only through the DDL above, hidden from schema comparisons.
FULLTEXT_OBJECTS = frozenset({"posts_fts", "search_vector", "ix_posts_search_vector"})


def _statements(connection: Connection, sqlite: Sequence[str], postgres: Sequence[str]) -> Sequence[str]:
    name = connection.dialect.name
    if name == "sqlite":
        return sqlite
    if name == "postgresql":
        return postgres
    raise InvalidInput(f"full-text search is not available on {name}")


def create_fulltext(connection: Connection) -> None:
    for statement in _statements(connection, _SQLITE_FULLTEXT, _POSTGRES_FULLTEXT):
        connection.execute(text(statement))


def drop_fulltext(connection: Connection) -> None:
    for statement in _statements(connection, _SQLITE_DROP, _POSTGRES_DROP):
        connection.execute(text(statement))


_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def to_fts5_query(query: str) -> str:
    """Translate web-search syntax into an FTS5 MATCH expression, quoting every term so that user
    input can never be read as FTS5 operators."""
    positives: list[str] = []
    negatives: list[str] = []
    pending_or = False
    for negated, phrase, word in _TOKEN.findall(query):
        if word == "OR":
            pending_or = bool(positives)
            continue
        if word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        term = (phrase if phrase else word).replace('"', "").strip()
        if not re.search(r"\w", term):  # punctuation alone is no word to look for
            continue
        quoted = f'"{term}"'
        if negated:
            negatives.append(quoted)
            pending_or = False
        elif pending_or:
            positives[-1] = f"{positives[-1]} OR {quoted}"
            pending_or = False
        else:
            positives.append(quoted)
    if not positives:
        raise InvalidInput("search needs at least one word to look for (excluded -words alone match nothing)")
    expression = " AND ".join(f"({p})" for p in positives)
    for negative in negatives:
        expression = f"({expression}) NOT {negative}"
    return expression


def search_post_ids(connection: Connection, query: str, *, limit: int, offset: int = 0) -> list[tuple[int, float]]:
    """Ids of matching posts with a relevance score (higher is better), best first."""
    if connection.dialect.name == "sqlite":
        sql = text(
            "SELECT rowid, -bm25(posts_fts, 2.0, 1.0) AS score FROM posts_fts WHERE posts_fts MATCH :q "
            "ORDER BY bm25(posts_fts, 2.0, 1.0) LIMIT :limit OFFSET :offset"
        )
        params = {"q": to_fts5_query(query), "limit": limit, "offset": offset}
    else:
        to_fts5_query(query)  # the same validation on both databases
        sql = text(
            "SELECT id, ts_rank_cd(search_vector, q) AS score FROM posts, websearch_to_tsquery('english', :q) q "
            "WHERE search_vector @@ q ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset"
        )
        params = {"q": query, "limit": limit, "offset": offset}
    return [(int(row[0]), float(row[1])) for row in connection.execute(sql, params)]


def post_search_condition(dialect: str, query: str) -> ColumnElement[bool]:
    """A WHERE condition on `posts` for posts matching `query` (the same syntax as `search_post_ids`), so a
    search can be combined with other filters and keyset pagination (newest first) instead of OFFSET."""
    if dialect == "sqlite":
        sql = text("SELECT rowid FROM posts_fts WHERE posts_fts MATCH :fts_q")
        matches = sql.bindparams(fts_q=to_fts5_query(query)).columns(column("rowid", Integer))
        return literal_column("posts.id").in_(matches.subquery().select())
    to_fts5_query(query)  # the same validation on both databases
    return literal_column("posts.search_vector").op("@@")(func.websearch_to_tsquery("english", query))


def json_array_contains(dialect: str, array: Any, value: str) -> ColumnElement[bool]:
    """Whether a JSON array column of strings (a case's tags, say) holds `value`."""
    if dialect == "postgresql":
        contains: ColumnElement[bool] = array.op("@>")(func.jsonb_build_array(value))
        return contains
    items = func.json_each(array).table_valued("value")
    return select(literal_column("1")).select_from(items).where(items.c.value == value).exists()


def insert_ignoring_conflicts(connection: Connection, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, which both dialects spell through their own insert()."""
    if connection.dialect.name == "postgresql":
        return postgresql_insert(table).on_conflict_do_nothing()
    return sqlite_insert(table).on_conflict_do_nothing()


def _utc_text(value: datetime | None) -> str | None:
    # The text SQLAlchemy's SQLite DateTime stores, so that ORM reads and range queries see the same values
    # (isoformat is several times faster than strftime, and this runs for every post).
    return None if value is None else value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode("utf-8")


def _sqlite_converters(table: Table, names: Sequence[str]) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, converter) for the columns whose Python values SQLite cannot store as they are."""
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for position, name in enumerate(names):
        column_type = table.c[name].type
        if isinstance(column_type, UTCDateTime):
            converters.append((position, _utc_text))
        elif isinstance(column_type, JSON):
            converters.append((position, _json_text))
    return converters


def bulk_insert_ignoring_conflicts(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows, skipping those that violate a unique constraint.

    On SQLite the statement goes straight to the driver with only the few columns that need it converted,
    because SQLAlchemy's per-row parameter processing costs as much as SQLite's own insert on the ingest path.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(insert_ignoring_conflicts(connection, table), rows)
        return
    names = list(rows[0])
    placeholders = ", ".join("?" * len(names))
    _sqlite_executemany(
        connection,
        table,
        rows,
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders}) ON CONFLICT DO NOTHING",
    )


def _sqlite_executemany(connection: Connection, table: Table, rows: list[dict[str, Any]], sql: str) -> None:
    """Run `sql` (with ? placeholders for the rows' keys, in order) for every row, straight on the driver."""
    names = list(rows[0])
    converters = _sqlite_converters(table, names)
    pick = itemgetter(*names)
    values = []
    # Consecutive rows often share a value object (the batch's ingest time), so remember the last one.
    last: list[tuple[Any, Any]] = [(None, None)] * len(converters)
    for row in rows:
        picked = list(pick(row))
        for index, (position, convert) in enumerate(converters):
            value = picked[position]
            seen, converted = last[index]
            if value is not seen:
                converted = convert(value)
                last[index] = (value, converted)
            picked[position] = converted
        values.append(tuple(picked))
    connection.exec_driver_sql(sql, values)


def last_post_id(connection: Connection) -> int:
    return int(connection.execute(text("SELECT coalesce(max(id), 0) FROM posts")).scalar_one())


def index_posts_after(connection: Connection, post_id: int) -> None:
    """Add posts with ids above `post_id` to the full-text index (PostgreSQL's column is generated).

    Only safe inside a write transaction begun before those posts were inserted, so that no other
    writer's rows can fall in the range (see db.engine.write_transaction)."""
    if connection.dialect.name == "sqlite":
        connection.execute(
            text("INSERT INTO posts_fts(rowid, title, text) SELECT id, title, text FROM posts WHERE id > :after"),
            {"after": post_id},
        )


def column_in(connection: Connection, column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`. PostgreSQL gets `= ANY(array)`: one parameter instead of hundreds, so the
    statement is planned once, which made batch lookups several times faster there."""
    if connection.dialect.name == "postgresql":
        return column == any_(cast(bindparam(None, list(values), type_=ARRAY(String())), ARRAY(String())))
    return column.in_(values)


def refresh_statistics(connection: Connection) -> None:
    """Let the planner see how big the ingest tables have become. PostgreSQL plans batch lookups on a
    freshly loaded table as if it were empty (255 ms instead of 3 ms a lookup) until autovacuum gets
    round to it; SQLite plans these lookups by index regardless."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ANALYZE posts, conversations, authors"))


def upsert_conversations(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Create conversations, or add to those that exist: post counts add up, the time span widens.

    Rows carry channel, root_external_id, started_at, last_post_at and post_count. One statement for
    both cases, which saves a lookup per batch on the ingest path.
    """
    if not rows:
        return
    if connection.dialect.name == "sqlite":
        columns = ("channel", "root_external_id", "started_at", "last_post_at", "post_count")
        _sqlite_executemany(
            connection,
            table,
            rows,
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (channel, root_external_id) DO UPDATE SET "
            f"post_count = {table.name}.post_count + excluded.post_count, "
            f"started_at = min({table.name}.started_at, excluded.started_at), "
            f"last_post_at = max({table.name}.last_post_at, excluded.last_post_at)",
        )
        return
    stmt = postgresql_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["channel", "root_external_id"],
        set_={
            "post_count": table.c.post_count + stmt.excluded.post_count,
            "started_at": func.least(table.c.started_at, stmt.excluded.started_at),
            "last_post_at": func.greatest(table.c.last_post_at, stmt.excluded.last_post_at),
        },
    )
    connection.execute(stmt, rows)
