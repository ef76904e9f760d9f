"""Engines and sessions. SQLite gets WAL (readers never block the writer), foreign keys and a busy
timeout; PostgreSQL URLs are pointed at psycopg 3."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from groundswell.errors import ConfigurationError

WRITE_OPTION = "groundswell_write"


def normalise_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _json_value(stored: Any) -> Any:
    # SQLite gives JSON columns NUMERIC affinity, so a document that is a bare number comes back as a number.
    return orjson.loads(stored) if isinstance(stored, str | bytes) else stored


def make_engine(url: str, *, sqlite_cache_mib: int = 256, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    kwargs.setdefault("json_serializer", _json_text)
    kwargs.setdefault("json_deserializer", _json_value)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, sqlite_cache_mib, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigurationError(
                "PostgreSQL needs the psycopg driver: pip install 'groundswell[postgres]'"
            ) from None
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise ConfigurationError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://")


def _sqlite_engine(url: str, database: str | None, sqlite_cache_mib: int, **kwargs: Any) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # The driver's implicit transactions are switched off so that BEGIN is ours (SQLAlchemy's
        # documented recipe); writers then take the lock up front with BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable against a killed process in WAL mode; only power loss can cost the last commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # A large page cache instead of SQLite's 2 MiB: with five indexes and the full-text index to
        # maintain, a million-post store otherwise rereads index pages from the OS on every batch.
        cursor.execute(f"PRAGMA cache_size=-{sqlite_cache_mib * 1024}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes can fail at once with SQLITE_BUSY under
        # WAL when another writer committed in between; IMMEDIATE waits for the lock instead.
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that will write: committed on success, rolled back on any error. On SQLite it holds
    the write lock from the start, so nothing else can write between its reads and its writes."""
    with factory() as session, session.begin():
        session.connection(execution_options={WRITE_OPTION: True})
        yield session
