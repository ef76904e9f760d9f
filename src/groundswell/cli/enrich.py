"""`groundswell enrich`: enrich a JSON-lines file (no database), or the stored posts (`enrich run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from groundswell.cli.common import JsonOption, count_progress, print_json, stderr
from groundswell.cli.enrich_options import (
    ModelOverrideOption,
    ModelsDirOption,
    TierChoice,
    TierOption,
    TopicsOption,
    parse_only,
    parse_overrides,
)
from groundswell.cli.enrich_run import enrich_run
from groundswell.errors import InvalidInput

app = typer.Typer(
    help="Understand posts: language, sentiment, emotion, offensive, intent, topics, urgency, locations and embeddings."
)
app.command("run")(enrich_run)


@app.callback(invoke_without_command=True)
def enrich_file(
    ctx: typer.Context,
    input_path: Annotated[Path | None, typer.Option("--input", help="JSON lines, one post per line (`text`).")] = None,
    output: Annotated[Path | None, typer.Option(help="Where to write the enriched JSON lines.")] = None,
    topics: TopicsOption = None,
    tier: TierOption = TierChoice.accurate,
    only: Annotated[str | None, typer.Option(help="Comma-separated enrichers to run (default: all).")] = None,
    embeddings: Annotated[bool, typer.Option("--embeddings", help="Add each post's sentence vector.")] = False,
    models: ModelsDirOption = None,
    model: ModelOverrideOption = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Where unreadable lines go (default: OUTPUT.rejected.jsonl).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Enrich a JSON-lines file: each output line is the input object plus `language`, `sentiment`, `emotion`,
    `offensive`, `intent`, `topics` (with --topics), `urgency` and `locations`, in input order."""
    if ctx.invoked_subcommand is not None:
        return
    if input_path is None or output is None:
        raise InvalidInput(
            "give --input IN.jsonl and --output OUT.jsonl (or use `groundswell enrich run` "
            "for stored posts); see `groundswell enrich --help`"
        )
    if not input_path.is_file():
        raise InvalidInput(f"{input_path} not found")
    from groundswell.enrich.jsonl import Rejected, count_lines, enrich_jsonl
    from groundswell.enrich.pipeline import ENRICHER_NAMES, Pipeline, PipelineSpec

    default = tuple(n for n in ENRICHER_NAMES if n != "embedding" and (n != "topics" or topics))
    names = parse_only(only) or default
    if embeddings and "embedding" not in names:
        names += ("embedding",)
    spec = PipelineSpec(
        tier=tier.value,
        topics_path=str(topics) if topics else None,
        only=names,
        models_dir=str(models) if models else None,
        model_overrides=parse_overrides(model),
    )
    pipeline = Pipeline(spec)
    rejects_path = rejects or output.with_name(output.name + ".rejected.jsonl")
    total = count_lines(input_path)
    with (
        input_path.open("rb") as source,
        output.open("wb") as target,
        rejects_path.open("wb") as rejected,
        count_progress("enriching") as bar,
    ):
        task = bar.add_task("enrich", total=total)

        def reject(row: Rejected) -> None:
            rejected.write(orjson.dumps({"line": row.line, "reason": row.reason, "raw": row.raw}) + b"\n")

        summary = enrich_jsonl(source, target, pipeline, rejects=reject, progress=lambda n: bar.update(task, advance=n))
    if not summary.rejected:
        rejects_path.unlink()
    result = {
        "read": summary.read,
        "enriched": summary.enriched,
        "rejected": summary.rejected,
        "versions": pipeline.versions,
    }
    if as_json:
        print_json(result)
    else:
        stderr.print(
            f"enriched {summary.enriched:,} posts into {output}"
            + (f"; {summary.rejected:,} unreadable lines in {rejects_path}" if summary.rejected else "")
        )
