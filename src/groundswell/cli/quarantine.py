from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, open_store, print_json, stdout
from groundswell.ingest.quarantine import list_quarantined

app = typer.Typer(help="Records the ingest could not read, each with its reason.", no_args_is_help=True)


@app.command("list")
def list_(
    source: Annotated[str | None, typer.Option(help="Only records from this source (file path or URL).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 100,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List quarantined records: where each came from, why it was rejected, and its raw text."""
    store = open_store(db)
    with store.sessions() as session:
        entries = list_quarantined(session, source=source, limit=limit)
    if as_json:
        print_json({"quarantined": [e.model_dump(mode="json") for e in entries]})
        return
    table = Table("source", "position", "format", "reason", "raw", title=f"{len(entries)} quarantined record(s)")
    for e in entries:
        table.add_row(
            e.source,
            str(e.position),
            e.source_format,
            e.reason,
            e.raw if len(e.raw) < 60 else e.raw[:57] + "...",
        )
    stdout.print(table)
