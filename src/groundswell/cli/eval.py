"""`groundswell eval TASK`: accuracy, macro recall and F1, per-class figures and the confusion matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from groundswell.cli.common import JsonOption, human, print_json
from groundswell.cli.enrich_options import (
    ModelOverrideOption,
    ModelsDirOption,
    TierChoice,
    TierOption,
    TopicsOption,
    parse_overrides,
)


def eval_command(
    task: Annotated[str, typer.Argument(help="sentiment, emotion, offensive, intent, topics or language.")],
    input_path: Annotated[
        Path, typer.Option("--input", help="Labelled JSONL, a SemEval TSV or a TweetEval folder (its val split).")
    ],
    label_field: Annotated[str | None, typer.Option(help="The JSONL field holding the true label.")] = None,
    topics: TopicsOption = None,
    tier: TierOption = TierChoice.accurate,
    held_out: Annotated[
        bool,
        typer.Option(
            "--held-out",
            help="Score only the part of a single file that `groundswell train` held out (same split and seed).",
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="The seed training used, for --held-out.")] = 13,
    models: ModelsDirOption = None,
    model: ModelOverrideOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score an enricher against labelled data and print the figures."""
    from groundswell.enrich.evaluation import evaluate, load_evaluation_rows
    from groundswell.enrich.pipeline import PipelineSpec

    rows = load_evaluation_rows(task, input_path, label_field=label_field, held_out_of_training=held_out, seed=seed)
    spec = PipelineSpec(
        tier=tier.value,
        topics_path=str(topics) if topics else None,
        only=(task,),
        models_dir=str(models) if models else None,
        model_overrides=parse_overrides(model),
    )
    report = evaluate(task, rows, spec)
    report["input"] = str(input_path)
    report["tier"] = tier.value
    if as_json:
        print_json(report)
    else:
        _print(report, human(as_json))


def _print(report: dict[str, Any], console: Any) -> None:
    console.print(
        f"[bold]{report['task']}[/] on {report['input']} ({report['n']:,} rows, {report['tier']} tier, "
        f"version {report['versions'][report['task']]})"
    )
    summary = "  ".join(
        f"{name} [bold]{report[name]:.3f}[/]"
        for name in ("accuracy", "macro_recall", "macro_f1", "micro_f1")
        if name in report
    )
    console.print(summary)
    per_class = Table("class", "precision", "recall", "f1", "support")
    for name, figures in report["per_class"].items():
        per_class.add_row(
            name, *(f"{figures[k]:.3f}" for k in ("precision", "recall", "f1")), f"{figures['support']:,}"
        )
    console.print(per_class)
    confusion = report["confusion"]
    if isinstance(confusion, dict):  # multi-label: one [[tn, fp], [fn, tp]] per label
        table = Table("label", "true neg", "false pos", "false neg", "true pos", title="per-label confusion")
        for name, ((tn, fp), (fn, tp)) in confusion.items():
            table.add_row(name, *(f"{v:,}" for v in (tn, fp, fn, tp)))
    else:
        table = Table("true \\ predicted", *report["labels"], title="confusion matrix")
        for name, row in zip(report["labels"], confusion, strict=True):
            table.add_row(name, *(f"{v:,}" for v in row))
    console.print(table)
