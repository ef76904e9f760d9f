from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from groundswell.db import migrate
from groundswell.db.base import Base
from groundswell.db.dialect import FULLTEXT_OBJECTS
from groundswell.db.engine import make_engine


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.ensure_schema(engine)
    assert {"posts", "authors", "conversations", "quarantine"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_match_the_migrations(database_url: str) -> None:
    """The ORM and the migration history describe the same schema (ignoring the full-text objects,
    which exist only as dialect-specific DDL)."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)

    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        return name not in FULLTEXT_OBJECTS and not (name or "").startswith("posts_fts")

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include, "compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []
