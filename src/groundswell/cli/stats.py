from __future__ import annotations

from rich.table import Table

from groundswell.analytics.store_stats import store_stats
from groundswell.cli.common import DbOption, JsonOption, open_store, print_json, stdout


def stats(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Counts of what is stored: posts, authors, conversations, quarantined records, posts per channel."""
    store = open_store(db)
    with store.sessions() as session:
        result = store_stats(session)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table("what", "count", title="groundswell store")
    for name in ("posts", "authors", "conversations", "quarantined", "ingest_runs", "interrupted_runs"):
        table.add_row(name.replace("_", " "), f"{getattr(result, name):,}")
    for channel, count in result.posts_by_channel.items():
        table.add_row(f"  posts on {channel}", f"{count:,}")
    stdout.print(table)
    if result.first_post_at:
        stdout.print(f"posts from {result.first_post_at:%Y-%m-%d %H:%M} to {result.last_post_at:%Y-%m-%d %H:%M} UTC")
