"""Building a models folder: the encoder export, the fast tier, every head, and the model card.

`groundswell train encoder` runs all of it after fine-tuning; `groundswell train <task>` refits one
task's heads on the existing encoders (with the corrections employees made) and rewrites the card.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from groundswell.enrich.base import TextEncoder
from groundswell.enrich.datasets import LabelledText
from groundswell.enrich.models import TIERS
from groundswell.enrich.training.heads import fit_softmax_head
from groundswell.enrich.training.intent import fit_intent_head

Progress = Callable[[str], None]
SINGLE_LABEL_TASKS = {
    "sentiment": ("negative", "neutral", "positive"),
    "emotion": ("anger", "joy", "optimism", "sadness"),
    "offensive": ("not-offensive", "offensive"),
}


@dataclass
class TaskSplit:
    task: str
    train: Sequence[LabelledText]
    held_out: Sequence[LabelledText]
    source: str  # where the rows came from, for the card


def fit_heads(
    folder: Path, splits: Sequence[TaskSplit], *, seed: int, progress: Progress, training: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Fit each split's heads for both tiers, save them into `folder/heads.npz`, update the card."""
    from groundswell.enrich.models import _encoder

    card = _read_card(folder)
    arrays = _read_arrays(folder)
    for tier in TIERS:
        encoder = _encoder(folder, tier, f"training-{tier}")
        for split in splits:
            progress(f"{tier} tier: fitting the {split.task} head on {len(split.train):,} rows")
            info, parts, metrics = _fit_one(encoder, split, seed=seed)
            for part, value in parts.items():
                arrays[f"{tier}/{split.task}/{part}"] = value
            entry = card.setdefault("tasks", {}).setdefault(split.task, {})
            entry.update(info)
            entry["data"] = split.source
            entry["rows"] = {"train": len(split.train), "held_out": len(split.held_out)}
            entry.setdefault("metrics", {})[tier] = metrics
            if "temperature" in parts:
                entry.setdefault("temperature", {})[tier] = float(parts.pop("temperature"))
                arrays.pop(f"{tier}/{split.task}/temperature", None)
            progress(f"{tier} tier {split.task}: {metrics}")
    if training:
        card.setdefault("training", {}).update(training)
    np.savez(folder / "heads.npz", **arrays)  # type: ignore[arg-type]
    card["seed"] = seed
    card["built_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    card["built_with"] = {"python": platform.python_version()}
    card["version"] = _content_version(folder)
    card["sizes_mb"] = {
        p.relative_to(folder).as_posix(): round(p.stat().st_size / 2**20, 2)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    (folder / "card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    return card


def _fit_one(
    encoder: TextEncoder, split: TaskSplit, *, seed: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    if split.task == "intent":
        head, descriptions, metrics = fit_intent_head(encoder, split.train, split.held_out, seed=seed)
        arrays = {"weight": head.weight, "bias": head.bias, "thresholds": head.thresholds, "descriptions": descriptions}
        return {"labels": list(head.labels), "kind": "multi-label"}, arrays, metrics
    labels = SINGLE_LABEL_TASKS[split.task]
    softmax, metrics = fit_softmax_head(encoder, labels, split.train, split.held_out, seed=seed)
    parts: dict[str, Any] = {"weight": softmax.weight, "bias": softmax.bias, "temperature": softmax.temperature}
    return {"labels": list(labels), "kind": "single-label"}, parts, metrics


def _read_card(folder: Path) -> dict[str, Any]:
    path = folder / "card.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else {"tasks": {}}


def _read_arrays(folder: Path) -> dict[str, np.ndarray]:
    path = folder / "heads.npz"
    if not path.is_file():
        return {}
    with np.load(path) as loaded:
        return {name: loaded[name] for name in loaded.files}


def _content_version(folder: Path) -> str:
    """A digest of every model file: any retrained part gives a new version, and so a re-enrichment."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "card.json"):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(child.read_bytes())
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
