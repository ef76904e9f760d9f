"""`groundswell models`: which models the enrichers use, how they were trained, and how accurate they are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from groundswell.cli.common import JsonOption, human, print_json


def models_command(
    models: Annotated[Path | None, typer.Option("--models", help="Models folder (default: the bundled one).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the model card: version, training data and seed, sizes, and each task's held-out figures."""
    from groundswell.enrich.models import ModelBundle

    bundle = ModelBundle.open(models)
    card = bundle.card
    if as_json:
        print_json(card | {"folder": str(bundle.folder)})
        return
    console = human(as_json)
    console.print(
        f"[bold]models[/] {bundle.folder} — version {card.get('version')}, seed {card.get('seed')}, "
        f"{sum(card.get('sizes_mb', {}).values()):.1f} MB, built {card.get('built_at')}"
    )
    table = Table("task", "tier", "held-out rows", "accuracy", "macro recall", "macro F1", "data")
    for task, info in card.get("tasks", {}).items():
        for tier, figures in info.get("metrics", {}).items():
            table.add_row(
                task,
                tier,
                f"{figures.get('n', 0):,}",
                *(f"{figures[k]:.3f}" if k in figures else "–" for k in ("accuracy", "macro_recall", "macro_f1")),
                Path(info.get("data", "")).name,
            )
    console.print(table)
