"""`groundswell train <task>` as a subprocess on a copy of the models folder: refitting the intent heads
rewrites the model card (version, seed, metrics) and so the enricher's version, leaves the other tasks
alone, and counts the employees' label corrections taken from the database; bad training data and a
folder without models are user errors (exit 2). `train encoder` (torch, long) is not run here."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from groundswell.enrich.models import default_models_dir
from groundswell.enrich.training.data import task_split
from groundswell.enrich.training.intent import SEED_SET
from tests.support.process import run
from tests.support.records import write_jsonl


@pytest.fixture
def models_copy(tmp_path: Path) -> Path:
    """The models the suite runs with (bundled, or GROUNDSWELL_MODELS_DIR), copied: training writes in place."""
    source = default_models_dir()
    if not (source / "card.json").is_file():
        pytest.fail(f"no models at {source}: build them with `groundswell train encoder`")
    return Path(shutil.copytree(source, tmp_path / "models"))


def card(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "card.json").read_text("utf-8")))


def heads(folder: Path) -> dict[str, np.ndarray]:
    with np.load(folder / "heads.npz") as loaded:
        return {name: loaded[name] for name in loaded.files}


def train(*args: str) -> subprocess.CompletedProcess[str]:
    done = run("train", *args, timeout=1200)
    assert "Traceback" not in done.stderr
    return done


def intent_version(models: Path, tmp_path: Path) -> str:
    source = write_jsonl(tmp_path / "one.jsonl", [{"text": "where is my bag?"}])
    done = run("enrich", "--input", str(source), "--output", str(tmp_path / "out.jsonl"), "--only", "intent",
               "--models", str(models), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["versions"]["intent"])


def test_refitting_intent_rewrites_the_card_and_the_enricher_version(models_copy: Path, tmp_path: Path) -> None:
    source_card = (default_models_dir() / "card.json").read_bytes()
    before, before_heads = card(models_copy), heads(models_copy)
    before_enricher = intent_version(models_copy, tmp_path)
    assert before_enricher == f"1+{before['version']}-accurate"

    done = train("intent", "--models", str(models_copy), "--seed", "7", "--no-corrections")
    assert done.returncode == 0, done.stderr

    after, after_heads = card(models_copy), heads(models_copy)
    assert after["version"] != before["version"]
    assert after["seed"] == 7 and after["built_at"] >= before.get("built_at", "")
    intent = after["tasks"]["intent"]
    assert intent["kind"] == "multi-label" and "other" in intent["labels"]
    assert intent["data"] == str(SEED_SET)
    held_out = len(task_split("intent", SEED_SET, seed=7).held_out)
    assert intent["rows"]["held_out"] == held_out
    for tier in ("fast", "accurate"):
        metrics = intent["metrics"][tier]
        assert metrics["n"] == held_out
        assert all(0.0 <= metrics[k] <= 1.0 for k in ("accuracy", "macro_f1", "micro_f1"))
    assert intent["metrics"] != before["tasks"]["intent"].get("metrics"), "new held-out rows, new figures"
    assert after["training"]["refit_intent"] == {"command": "groundswell train intent", "corrections": 0}

    # The other tasks' heads and card entries are untouched; the intent heads changed.
    for task in ("sentiment", "emotion", "offensive"):
        assert after["tasks"][task] == before["tasks"][task]
    for name, value in before_heads.items():
        if "/intent/" not in name:
            np.testing.assert_array_equal(after_heads[name], value, err_msg=name)
    assert not np.array_equal(after_heads["accurate/intent/weight"], before_heads["accurate/intent/weight"])

    assert intent_version(models_copy, tmp_path) == f"1+{after['version']}-accurate" != before_enricher
    assert (default_models_dir() / "card.json").read_bytes() == source_card, "only the copy was written"


def test_corrections_from_the_database_join_the_training_rows(
    models_copy: Path, database_url: str, tmp_path: Path
) -> None:
    corrections = [
        ("my bag never arrived in Denver, the claim office is closed", "lost_item"),
        ("my bag never arrived in Denver, the claim office is closed", "lost_item"),  # the same text again
        ("left my laptop in seat 14C on the flight to Boston", "lost_item"),
    ]
    for text, label in corrections:
        added = run("label", "add", "--text", text, "--task", "intent", "--label", label, "--by", "tester",
                    "--db", database_url, "--json")  # fmt: skip
        assert added.returncode == 0, added.stderr

    done = train("intent", "--models", str(models_copy), "--db", database_url)
    assert done.returncode == 0, done.stderr

    after = card(models_copy)
    assert after["training"]["refit_intent"]["corrections"] == 2, "one row per corrected text, the latest wins"
    assert "adding 2 employee corrections" in " ".join(done.stderr.split())
    train_rows = len(task_split("intent", SEED_SET, seed=13).train)
    assert after["tasks"]["intent"]["rows"]["train"] == train_rows + 2
    assert after["tasks"]["intent"]["rows"]["held_out"] == len(task_split("intent", SEED_SET, seed=13).held_out)


def test_no_corrections_leaves_the_database_out(models_copy: Path, database_url: str) -> None:
    added = run("label", "add", "--text", "lost my phone on the plane", "--task", "intent", "--label", "lost_item",
                "--by", "tester", "--db", database_url)  # fmt: skip
    assert added.returncode == 0, added.stderr

    done = train("intent", "--models", str(models_copy), "--db", database_url, "--no-corrections")
    assert done.returncode == 0, done.stderr
    assert card(models_copy)["training"]["refit_intent"]["corrections"] == 0


def test_a_wrong_label_in_the_training_data_is_a_clear_error(models_copy: Path, tmp_path: Path) -> None:
    rows = [{"text": f"post {i} about the flight", "label": ["positive", "negative", "neutral"][i % 3]}
            for i in range(30)]  # fmt: skip
    rows[17]["label"] = "mixed"
    data = write_jsonl(tmp_path / "sentiment.jsonl", rows)
    before = (models_copy / "card.json").read_bytes(), (models_copy / "heads.npz").read_bytes()

    done = train("sentiment", "--data", str(data), "--models", str(models_copy), "--no-corrections")

    assert done.returncode == 2, done.stderr
    message = " ".join(done.stderr.split())
    assert "mixed" in message and "not sentiment labels" in message and "negative, neutral, positive" in message
    assert ((models_copy / "card.json").read_bytes(), (models_copy / "heads.npz").read_bytes()) == before


TRAIN_ERRORS = {
    "no-models-in-folder": (("intent", "--models", "{d}/empty"), "holds no models"),
    "not-json": (("sentiment", "--data", "{d}/broken.jsonl", "--models", "{m}", "--no-corrections"), "not JSON"),
    "no-text": (("intent", "--data", "{d}/no-text.jsonl", "--models", "{m}", "--no-corrections"), "no 'text' string"),
}


@pytest.mark.parametrize(("arguments", "message"), list(TRAIN_ERRORS.values()), ids=list(TRAIN_ERRORS))
def test_train_errors_exit_2_with_a_message(
    models_copy: Path, tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    write_jsonl(tmp_path / "broken.jsonl", ['{"text": "fine", "label": "neutral"}', "{oops"])
    write_jsonl(tmp_path / "no-text.jsonl", [{"intents": ["question"]}])

    done = train(*(a.format(d=tmp_path, m=models_copy) for a in arguments))
    assert done.returncode == 2, done.stderr
    assert message.replace(" ", "") in "".join(done.stderr.split()), done.stderr


def test_a_missing_data_file_is_a_clear_error(models_copy: Path, tmp_path: Path) -> None:
    done = train("sentiment", "--data", str(tmp_path / "missing.tsv"), "--models", str(models_copy),
                 "--no-corrections")  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "missing.tsvnotfound" in "".join(done.stderr.split()), done.stderr
