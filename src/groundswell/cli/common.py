"""What every command shares: the --db option, opening the store, and output that keeps stdout
machine-readable under --json (human messages go to stderr)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from groundswell.channels.common import set_default_timezone, set_extra_channels
from groundswell.config import Settings, get_settings
from groundswell.db.engine import make_engine, make_session_factory
from groundswell.db.migrate import ensure_schema

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///path or postgresql://...). Default: GROUNDSWELL_DATABASE_URL "
        "or a SQLite file in your user data directory.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")]

stdout = Console()
stderr = Console(stderr=True)


@dataclass
class Store:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def open_store(db: str | None, *, migrate: bool = True) -> Store:
    """The configured database, brought to the latest schema (a new database is created)."""
    settings = get_settings()
    set_extra_channels(settings.extra_channels)
    set_default_timezone(settings.default_timezone)
    engine = make_engine(db or settings.database_url, sqlite_cache_mib=settings.sqlite_cache_mib)
    if migrate:
        ensure_schema(engine)
    return Store(settings=settings, engine=engine, sessions=make_session_factory(engine))


def count_progress(label: str) -> Progress:
    """A bar counting posts on stderr, shown only on a terminal so that logs and pipes stay clean."""
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    )


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def human(as_json: bool) -> Console:
    """Where human-readable output goes: stdout normally, stderr when stdout carries JSON."""
    return stderr if as_json else stdout
