"""The models that ship inside the package (`groundswell.enrich.models.BUNDLED_DIR`): complete (a model card
with version, seed, training data and hyper-parameters, and each task's labels and held-out metrics; every
file the encoders and heads need), small (under 30 MB), consistent with their card, shipped in the wheel
(not git-ignored), and usable with onnxruntime alone: no torch at inference time."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from groundswell.enrich.models import BUNDLED_DIR, TIERS
from groundswell.enrich.training.bundle import SINGLE_LABEL_TASKS, _content_version
from groundswell.enrich.training.intent import intent_labels

LIMIT_MB = 30
TASK_LABELS = {**{task: list(labels) for task, labels in SINGLE_LABEL_TASKS.items()},
               "intent": [label["name"] for label in intent_labels()]}  # fmt: skip


@pytest.fixture(scope="module")
def card() -> dict[str, Any]:
    path = BUNDLED_DIR / "card.json"
    if not path.is_file():
        pytest.fail(f"the bundled models are missing ({path}): build them with "
                    f"`groundswell train encoder ... --output {BUNDLED_DIR}`")  # fmt: skip
    return dict(json.loads(path.read_text("utf-8")))


def test_the_card_says_what_was_built_and_how(card: dict[str, Any]) -> None:
    assert isinstance(card["version"], str) and card["version"]
    assert isinstance(card["seed"], int)
    assert card["built_at"]
    training = card["training"]
    assert "groundswell train" in training["command"], "the command that reproduces the models"
    assert training["base_model"]
    hyper = training["finetune"]
    assert {"epochs", "batch_size", "encoder_lr", "seed", "max_length"} <= set(hyper), hyper
    assert set(training["data"]) >= {"sentiment", "emotion", "offensive", "intent"}
    for name, data in training["data"].items():
        assert data["path"] and len(data["sha256"]) >= 12, name


@pytest.mark.parametrize("task", sorted(TASK_LABELS))
def test_each_task_has_labels_data_and_held_out_metrics(card: dict[str, Any], task: str) -> None:
    info = card["tasks"][task]
    assert info["labels"] == TASK_LABELS[task]
    assert info["kind"] == ("multi-label" if task == "intent" else "single-label")
    assert info["data"] and info["rows"]["train"] > 0 and info["rows"]["held_out"] > 0
    figures = ("accuracy", "macro_f1", "micro_f1") if task == "intent" else ("accuracy", "macro_recall", "macro_f1")
    for tier in TIERS:
        metrics = info["metrics"][tier]
        assert metrics["n"] == info["rows"]["held_out"]
        assert all(0.0 < metrics[f] <= 1.0 for f in figures), (tier, metrics)
        if task != "intent":
            assert info["temperature"][tier] > 0


def test_every_file_the_enrichers_need_is_there(card: dict[str, Any]) -> None:
    for name in ("encoder.onnx", "tokenizer.json", "heads.npz", "static/config.json"):
        assert (BUNDLED_DIR / name).is_file(), name
    assert not (BUNDLED_DIR / "finetuned").exists(), "no leftover PyTorch checkpoint"
    with np.load(BUNDLED_DIR / "heads.npz") as arrays:
        for tier in TIERS:
            for task, labels in TASK_LABELS.items():
                weight, bias = arrays[f"{tier}/{task}/weight"], arrays[f"{tier}/{task}/bias"]
                assert weight.shape[1] == len(labels) and bias.shape == (len(labels),), (tier, task)
                assert np.isfinite(weight).all()
            assert arrays[f"{tier}/intent/thresholds"].shape == (len(TASK_LABELS["intent"]),)


def test_the_models_are_small(card: dict[str, Any]) -> None:
    files = [p for p in BUNDLED_DIR.rglob("*") if p.is_file()]
    total_mb = sum(p.stat().st_size for p in files) / 2**20
    biggest = sorted(files, key=lambda p: -p.stat().st_size)[:3]
    assert total_mb < LIMIT_MB, f"{total_mb:.1f} MB; largest: {[(p.name, p.stat().st_size >> 20) for p in biggest]}"


def test_the_card_version_is_the_digest_of_the_files(card: dict[str, Any]) -> None:
    assert card["version"] == _content_version(BUNDLED_DIR), "a model file changed without `groundswell train`"


def test_no_model_file_is_git_ignored(card: dict[str, Any]) -> None:
    """hatchling leaves git-ignored files out of the wheel: the models must not be among them."""
    git = shutil.which("git")
    if git is None or subprocess.run([git, "-C", str(BUNDLED_DIR), "rev-parse"], capture_output=True).returncode:
        pytest.skip("the package is not in a git checkout")
    files = [str(p) for p in BUNDLED_DIR.rglob("*") if p.is_file()]
    ignored = subprocess.run([git, "-C", str(BUNDLED_DIR), "check-ignore", *files], capture_output=True, text=True,
                             check=False)  # fmt: skip
    assert ignored.stdout == "", f"git-ignored model files would not ship: {ignored.stdout}"


NO_TORCH = """
import sys
for name in ("torch", "transformers", "sentence_transformers"):
    sys.modules[name] = None  # any import of them now fails
from groundswell.enrich.base import PostInput
from groundswell.enrich.pipeline import Pipeline, PipelineSpec
results = {}
for tier in ("accurate", "fast"):
    spec = PipelineSpec(tier=tier, models_dir=sys.argv[1], only=("sentiment", "emotion", "offensive", "intent",
                        "urgency", "embedding"))
    results[tier] = Pipeline(spec).run([PostInput(text="@united lost my bag in Denver, furious")])[0]
import json
print(json.dumps(results))
"""


def test_inference_needs_no_torch(card: dict[str, Any]) -> None:
    done = subprocess.run([sys.executable, "-c", NO_TORCH, str(BUNDLED_DIR)], capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for tier in TIERS:
        assert results[tier]["sentiment"]["label"] in TASK_LABELS["sentiment"]
        assert results[tier]["intent"] and set(results[tier]["intent"]) <= set(TASK_LABELS["intent"])
        assert len(results[tier]["embedding"]) > 0
