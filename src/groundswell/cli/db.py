from __future__ import annotations

import time
from typing import Annotated

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


@app.command("rollup")
def rollup(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="recompute the whole rollup from the stored posts")
    ] = False,
    check: Annotated[bool, typer.Option("--check", help="compare the rollup with a full recompute")] = False,
    db: DbOption = None,
) -> None:
    """The dashboard rollup (posts per hour, channel, brand and label). Ingest and enrichment keep it exact;
    --rebuild recomputes it after rows were written around them (bulk copies, restores), --check verifies it."""
    from groundswell.analytics import rollup as dashboard_rollup
    from groundswell.db.engine import write_transaction

    if rebuild == check:
        raise typer.BadParameter("give either --rebuild or --check")
    store = open_store(db)
    if rebuild:
        started = time.perf_counter()
        with write_transaction(store.sessions) as session:
            rows = dashboard_rollup.rebuild(session)
        stdout.print(f"rollup rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        return
    with store.sessions() as session:
        expected, stored = dashboard_rollup.recompute(session), dashboard_rollup.stored(session)
    if expected != stored:
        stdout.print(f"rollup differs from a recompute ({len(stored):,} rows stored, {len(expected):,} expected): "
                     "run groundswell db rollup --rebuild")  # fmt: skip
        raise typer.Exit(1)
    stdout.print(f"rollup matches a full recompute ({len(stored):,} rows)")
