"""`groundswell enrich run`: enrich the stored posts that lack the current version of each enricher."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from groundswell.cli.common import DbOption, JsonOption, count_progress, human, open_store, print_json
from groundswell.cli.enrich_options import (
    ModelOverrideOption,
    ModelsDirOption,
    TierChoice,
    TierOption,
    TopicsOption,
    parse_only,
    parse_overrides,
)
from groundswell.enrich.pipeline import PipelineSpec
from groundswell.enrich.service import EnrichRunSummary, RayOptions, enrich_stored_posts


class EngineChoice(StrEnum):
    local = "local"
    ray = "ray"


def enrich_run(
    engine: Annotated[
        EngineChoice,
        typer.Option(help="local: in this process (best below a few hundred thousand posts); ray: Ray Data."),
    ] = EngineChoice.local,
    tier: TierOption = TierChoice.accurate,
    topics: TopicsOption = None,
    only: Annotated[
        str | None, typer.Option(help="Comma-separated enricher names to run, e.g. language,sentiment.")
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            help="A running Ray cluster to use (host:6379, or ray://host:10001 with ray[client]) "
            "instead of starting one here."
        ),
    ] = None,
    actors: Annotated[int, typer.Option(min=1, max=1024, help="Ray actors, each with its own copy of the models.")] = 2,
    chunk_size: Annotated[int, typer.Option(min=1, max=100_000, help="Posts per transaction.")] = 500,
    models: ModelsDirOption = None,
    model: ModelOverrideOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enrich stored posts that lack the current version of each enricher, and store the results with the
    enricher's name and version. Running it again does nothing; a new model version re-enriches."""
    if topics is not None and not topics.is_file():
        raise typer.BadParameter(f"{topics} is not a readable file", param_hint="--topics")
    store = open_store(db)
    spec = PipelineSpec(
        tier=tier.value,
        topics_path=str(topics) if topics else None,
        only=parse_only(only),
        models_dir=str(models) if models else None,
        model_overrides=parse_overrides(model),
    )
    with count_progress("enriching") as bar:
        task = bar.add_task("enrich", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = enrich_stored_posts(
            store.sessions,
            spec=spec,
            engine="ray" if engine is EngineChoice.ray else "local",
            chunk_size=chunk_size,
            progress=progress,
            ray=RayOptions(address=ray_address, actors=actors),
        )
    if as_json:
        print_json(summary.as_dict())
        return
    _print_summary(summary, as_json)


def _print_summary(summary: EnrichRunSummary, as_json: bool) -> None:
    console = human(as_json)
    table = Table("enricher", "version", "results written", title=f"Enrich ({summary.engine})")
    for name, version in summary.versions.items():
        table.add_row(name, version, f"{summary.results_written.get(name, 0):,}")
    console.print(table)
    console.print(
        f"{summary.posts_seen:,} post(s) seen, {summary.posts_enriched:,} enriched, "
        f"{summary.skipped_current:,} already current, in {summary.seconds:.1f} s"
    )
