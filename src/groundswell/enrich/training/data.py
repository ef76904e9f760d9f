"""The training and held-out rows of each task, from the data a user points `groundswell train` at."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from groundswell.enrich.datasets import LabelledText, read_jsonl, read_semeval_tsv, read_tweeteval, stratified_split
from groundswell.enrich.training.bundle import SINGLE_LABEL_TASKS, TaskSplit
from groundswell.errors import InvalidInput

# The share of a single-file data set held out for calibration and the published figures.
HOLDOUT = {"sentiment": 0.1, "intent": 0.2}


def task_split(task: str, data: Path, *, seed: int, corrections: Sequence[LabelledText] = ()) -> TaskSplit:
    """A TweetEval folder keeps its own train/val split; a single file is split reproducibly by `seed`.
    Corrections from employees join the training rows (never the held-out ones)."""
    if data.is_dir():
        train, held_out = read_tweeteval(data, "train"), read_tweeteval(data, "val")
    else:
        rows = read_jsonl(data, label_field="intents") if task == "intent" else _single_file(data)
        train, held_out = stratified_split(rows, holdout=HOLDOUT.get(task, 0.1), seed=seed)
    train = [*train, *corrections]
    _check_labels(task, [*train, *held_out], data)
    return TaskSplit(task, train, held_out, source=str(data))


def _single_file(data: Path) -> list[LabelledText]:
    if data.suffix.lower() in {".tsv", ".txt"}:
        return read_semeval_tsv(data)
    return read_jsonl(data, label_field="label")


def _check_labels(task: str, rows: Sequence[LabelledText], data: Path) -> None:
    if task == "intent":
        from groundswell.enrich.training.intent import intent_labels

        known = {label["name"] for label in intent_labels()}
        found = {label for row in rows for label in row.labels}
    else:
        known = set(SINGLE_LABEL_TASKS[task])
        found = {row.label for row in rows}
    unknown = sorted(found - known)
    if unknown:
        raise InvalidInput(f"{data}: labels {', '.join(unknown)} are not {task} labels ({', '.join(sorted(known))})")
    if not rows:
        raise InvalidInput(f"{data}: no labelled rows")
