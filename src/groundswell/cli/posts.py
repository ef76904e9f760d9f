from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, open_store, print_json, stdout
from groundswell.posts.service import search_posts

app = typer.Typer(help="Find stored posts.", no_args_is_help=True)


@app.command("search", context_settings={"ignore_unknown_options": True})
def search(
    query: Annotated[str, typer.Argument(help='Words, "exact phrases", OR, and -excluded words.')],
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Full-text search over post text and titles, most relevant first."""
    store = open_store(db)
    with store.sessions() as session:
        hits = search_posts(session, query=query, limit=limit)
    if as_json:
        print_json({"query": query, "results": [hit.model_dump(mode="json") for hit in hits]})
        return
    table = Table("id", "channel", "author", "created", "text", title=f"{len(hits)} result(s) for {query!r}")
    for hit in hits:
        table.add_row(
            str(hit.id),
            hit.channel,
            hit.author or "",
            f"{hit.created_at:%Y-%m-%d %H:%M}",
            hit.text if len(hit.text) < 140 else hit.text[:137] + "...",
        )
    stdout.print(table)
