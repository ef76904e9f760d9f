"""`groundswell insights`: new themes and unexpected uses in a file of posts (`themes`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from groundswell.cli.common import JsonOption, human, print_json, stderr
from groundswell.errors import InvalidInput

app = typer.Typer(help="Ripple insights: new themes and unexpected uses of products.", no_args_is_help=True)


class Tier(StrEnum):
    fast = "fast"
    accurate = "accurate"


@app.command("themes")
def themes(
    input_path: Annotated[Path, typer.Option("--input", help="JSON lines, one post per line, enriched or raw.")],
    baseline_until: Annotated[
        str | None,
        typer.Option(help="End of the baseline window (ISO 8601); default: two days before the newest post."),
    ] = None,
    catalogue: Annotated[
        Path | None, typer.Option(help="Products and their intended uses (YAML), to flag unexpected uses.")
    ] = None,
    tier: Annotated[
        Tier, typer.Option(help="Encoder for posts without an embedding: fast (static vectors) or accurate.")
    ] = Tier.fast,
    min_growth: Annotated[
        float, typer.Option(min=1.0, help="Report a theme growing at least this many times its baseline rate.")
    ] = 10.0,
    as_json: JsonOption = False,
) -> None:
    """Themes that are new in the recent window or growing fast against the baseline before it, with --json as
    {"themes": [{label, key_phrases, size, growth, sentiment, post_ids, unexpected_use, product, ...}]}."""
    from groundswell.insights.catalogue import load_catalogue
    from groundswell.insights.theme_files import themes_from_file
    from groundswell.insights.themes import ThemeConfig

    until = _time(baseline_until) if baseline_until else None
    products = load_catalogue(catalogue) if catalogue else None
    result = themes_from_file(
        input_path, baseline_until=until, catalogue=products, tier=tier.value, config=ThemeConfig(min_growth=min_growth)
    )
    for reason in result.skipped[:20]:
        stderr.print(f"[yellow]skipped[/] {reason}")
    if len(result.skipped) > 20:
        stderr.print(f"[yellow]skipped[/] {len(result.skipped) - 20} more lines")
    rows = [t.as_dict() for t in result.themes]
    if as_json:
        print_json({"themes": rows})
        return
    table = Table("theme", "size", "growth", "negative", "unexpected use", "key phrases",
                  title=f"{len(rows)} new theme(s) in {result.read:,} posts")  # fmt: skip
    for row in rows:
        use = f"yes ({row['product']})" if row["unexpected_use"] else "no"
        negative = f"{row['sentiment']['negative']:.0%}"  # type: ignore[index]
        table.add_row(str(row["label"]), str(row["size"]), str(row["growth"]), negative, use,
                      ", ".join(row["key_phrases"]))  # type: ignore[arg-type]  # fmt: skip
    human(as_json).print(table)


def _time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(
            f"--baseline-until {value!r} is not an ISO 8601 time, e.g. 2015-02-22T12:00:00-08:00"
        ) from exc
    if moment.tzinfo is None:
        raise InvalidInput(f"--baseline-until {value!r} needs a UTC offset, e.g. 2015-02-22T12:00:00-08:00")
    return moment
