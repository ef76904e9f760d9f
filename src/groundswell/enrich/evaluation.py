"""Measuring an enricher on labelled data: the figures `groundswell eval` prints and publishes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from groundswell.enrich.base import PostInput
from groundswell.enrich.datasets import LabelledText, read_jsonl, read_labelled, stratified_split
from groundswell.enrich.metrics import multi_label_report, single_label_report
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
from groundswell.errors import InvalidInput

EVALUATED_TASKS = ("sentiment", "emotion", "offensive", "intent", "topics", "language")
NONE = "none"


def load_evaluation_rows(
    task: str, path: Path, *, label_field: str | None, held_out_of_training: bool, seed: int
) -> list[LabelledText]:
    """The labelled rows to score. With `held_out_of_training`, a single file is split exactly as
    `groundswell train` split it and only the part training never saw is kept."""
    if task == "intent" and label_field is None and path.suffix == ".jsonl":
        label_field = "intents"
    rows = read_jsonl(path, label_field=label_field) if label_field else read_labelled(path)
    rows = [row for row in rows if row.labels]  # an unlabelled row (null reason) says nothing
    if held_out_of_training and not path.is_dir():
        from groundswell.enrich.training.data import HOLDOUT

        _, rows = stratified_split(rows, holdout=HOLDOUT.get(task, 0.1), seed=seed)
    if not rows:
        raise InvalidInput(f"{path}: no labelled rows for {task}")
    return rows


def evaluate(
    task: str, rows: Sequence[LabelledText], spec: PipelineSpec, progress: Callable[[int], None] = lambda n: None
) -> dict[str, Any]:
    if task not in EVALUATED_TASKS:
        raise InvalidInput(f"cannot evaluate {task!r}; choose one of {', '.join(EVALUATED_TASKS)}")
    pipeline = Pipeline(spec)
    predictions: list[Any] = []
    for start in range(0, len(rows), 512):
        chunk = rows[start : start + 512]
        results = pipeline.run([PostInput(text=row.text) for row in chunk])
        predictions.extend(result[task] for result in results)
        progress(len(chunk))
    if task == "intent":
        labels = sorted({label for row in rows for label in row.labels} | {p for ps in predictions for p in ps})
        report = multi_label_report([row.labels for row in rows], predictions, labels)
    else:
        truth = [_normalise(task, row.label) for row in rows]
        report = single_label_report(truth, [_predicted_label(task, p) for p in predictions])
    report["task"] = task
    report["versions"] = {task: pipeline.versions[task]}
    return report


def _predicted_label(task: str, prediction: Any) -> str:
    if task == "topics":
        return prediction[0]["name"] if prediction else NONE
    if isinstance(prediction, dict):
        return str(prediction["label"])
    return str(prediction)


def _normalise(task: str, label: str) -> str:
    """Common spellings in public data sets, mapped to the enricher's labels."""
    if task == "offensive":
        return {"off": "offensive", "not": "not-offensive", "1": "offensive", "0": "not-offensive"}.get(
            label.lower(), label
        )
    if task in {"sentiment", "emotion"}:
        return label.lower()
    return label
