"""A task pointed at a local Hugging Face model folder (`--model sentiment=DIR`) runs that model instead of
the bundled head. The folder here holds a small ONNX classifier built in the test (mean of token vectors,
then a linear layer), a real `tokenizer.json` and a `config.json` with `id2label`, like an export of
any Hugging Face sequence-classification model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from groundswell.enrich.hf_model import HuggingFaceClassifier
from groundswell.enrich.models import BUNDLED_DIR

onnx = pytest.importorskip("onnx", reason="building the test model needs onnx (in the dev extra)")
LABELS = ["NEGATIVE", "POSITIVE"]


def build_model_folder(folder: Path) -> Path:
    """Token vectors whose first coordinate is +1 for the token of "great" and -1 for "awful", so the
    model's answer is known in advance."""
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer

    folder.mkdir()
    shutil.copy(BUNDLED_DIR / "tokenizer.json", folder / "tokenizer.json")
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    vocabulary = tokenizer.get_vocab_size()
    table = np.zeros((vocabulary, 2), dtype=np.float32)
    table[tokenizer.token_to_id("great"), 0] = 1.0
    table[tokenizer.token_to_id("awful"), 0] = -1.0
    weight = np.array([[-4.0, 4.0], [0.0, 0.0]], dtype=np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["table", "input_ids"], ["vectors"]),
            helper.make_node("ReduceMean", ["vectors"], ["pooled"], axes=[1], keepdims=0),
            helper.make_node("MatMul", ["pooled", "weight"], ["logits"]),
        ],
        "tiny-classifier",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])],
        [numpy_helper.from_array(table, "table"), numpy_helper.from_array(weight, "weight")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))
    config = {"architectures": ["TinyForSequenceClassification"], "id2label": dict(enumerate(LABELS))}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_the_folder_model_classifies_with_its_own_labels(tmp_path: Path) -> None:
    classifier = HuggingFaceClassifier(build_model_folder(tmp_path / "tiny"))
    assert classifier.labels == ("negative", "positive")
    probabilities = classifier.probabilities(["great great service", "awful awful delay"])
    assert probabilities[0].argmax() == 1 and probabilities[1].argmax() == 0
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_enrich_uses_the_folder_model_for_that_task_only(tmp_path: Path) -> None:
    folder = build_model_folder(tmp_path / "tiny")
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"id": 1, "text": "great great flight"}\n{"id": 2, "text": "awful awful awful"}\n')
    done = subprocess.run(
        [sys.executable, "-m", "groundswell", "enrich", "--input", str(source), "--output", str(target),
         "--only", "sentiment,emotion", "--model", f"sentiment={folder}", "--json"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["versions"]["sentiment"].endswith("hf:tiny")
    assert "hf:" not in summary["versions"]["emotion"]
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert [row["sentiment"]["label"] for row in rows] == ["positive", "negative"]
    assert set(rows[0]["sentiment"]["scores"]) == {"negative", "positive"}
    assert set(rows[0]["emotion"]["scores"]) == {"anger", "joy", "optimism", "sadness"}
