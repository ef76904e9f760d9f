"""Alembic environment. The connection is handed in by groundswell.db.migrate, so the same code runs
from the CLI, the tests and the demo; batch mode lets ALTERs work on SQLite."""

from __future__ import annotations

from alembic import context

import groundswell.models  # noqa: F401  (registers every table)
from groundswell.db.base import Base
from groundswell.db.dialect import FULLTEXT_OBJECTS


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return name not in FULLTEXT_OBJECTS and not (name or "").startswith("posts_fts")


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
