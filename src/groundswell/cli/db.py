from __future__ import annotations

import typer

from groundswell.cli.common import DbOption, open_store, stdout
from groundswell.db import migrate

app = typer.Typer(help="Database schema: apply migrations and show the current revision.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Apply all pending migrations (creates the database when it does not exist)."""
    store = open_store(db, migrate=False)
    before = migrate.current_revision(store.engine)
    migrate.upgrade(store.engine)
    after = migrate.current_revision(store.engine)
    stdout.print(f"database at revision {after}" + (f" (was {before})" if before != after else " (up to date)"))


@app.command("current")
def current(db: DbOption = None) -> None:
    """Show the database's schema revision and the newest one this version knows."""
    store = open_store(db, migrate=False)
    stdout.print(f"current: {migrate.current_revision(store.engine) or 'none'}; head: {migrate.head_revision()}")
