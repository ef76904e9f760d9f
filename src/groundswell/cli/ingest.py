from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from groundswell.channels.registry import format_names
from groundswell.cli.common import DbOption, JsonOption, human, open_store, print_json, stderr
from groundswell.ingest.runner import Ingestor
from groundswell.ingest.schemas import IngestCounts


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files to ingest.", show_default=False)],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto (detect from content and suffix) or one of the channel "
            "formats: jsonl, csv, x, mastodon, bluesky, reddit, rss, reviews, email.",
        ),
    ] = "auto",
    batch_size: Annotated[int | None, typer.Option(help="Posts per transaction.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Store posts from files. Idempotent: the same posts ingested twice are stored once; records that
    cannot be read are quarantined with the reason (see `groundswell quarantine list`)."""
    if fmt != "auto" and fmt not in format_names():
        raise typer.BadParameter(f"use auto or one of {', '.join(format_names())}", param_hint="--format")
    store = open_store(db)
    ingestor = Ingestor(store.sessions, batch_size=batch_size or store.settings.ingest_batch_size)
    total = IngestCounts()
    results: list[tuple[Path, IngestCounts]] = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    ) as bar:
        for path in paths:
            task = bar.add_task(path.name, total=path.stat().st_size if path.is_file() else None)
            counts = ingestor.ingest_file(path, fmt=fmt, progress=partial(bar.advance, task))
            bar.update(task, completed=bar.tasks[task].total or 0)
            results.append((path, counts))
            total.add(counts)
    if as_json:
        print_json(total.as_dict())
        return
    table = Table("source", "read", "new", "duplicates", "quarantined", title="Ingest")
    for path, counts in [*results, (Path("total"), total)] if len(results) > 1 else results:
        table.add_row(str(path), *(f"{v:,}" for v in counts.as_dict().values()))
    console = human(as_json)
    console.print(table)
    if total.quarantined:
        console.print(
            f"[yellow]{total.quarantined:,} record(s) quarantined[/]: `groundswell quarantine list` shows why."
        )
