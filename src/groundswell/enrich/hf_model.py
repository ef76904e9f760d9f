"""A sequence-classification model from a local Hugging Face folder, used instead of a bundled head
(`--model sentiment=/path/to/folder`). Nothing is downloaded: the folder must hold the model.

A folder with `model.onnx` (or `onnx/model.onnx`) and `tokenizer.json` runs on onnxruntime; one with only
PyTorch weights needs the `[train]` extra (torch and transformers).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from groundswell.enrich.heads import softmax
from groundswell.errors import ConfigurationError, InvalidInput


class HuggingFaceClassifier:
    def __init__(self, folder: Path, *, max_length: int = 128) -> None:
        if not (folder / "config.json").is_file():
            raise InvalidInput(f"{folder} is not a Hugging Face model folder (no config.json)")
        config = json.loads((folder / "config.json").read_text("utf-8"))
        id2label = config.get("id2label") or {}
        self.labels = tuple(str(id2label[k]).lower() for k in sorted(id2label, key=int))
        if not self.labels:
            raise InvalidInput(f"{folder}/config.json has no id2label: it is not a classification model")
        self.model_id = f"hf:{folder.name}"
        onnx_path = next((p for p in (folder / "model.onnx", folder / "onnx" / "model.onnx") if p.is_file()), None)
        self._run = self._onnx(folder, onnx_path, max_length) if onnx_path else self._torch(folder, max_length)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return softmax(self._run(list(texts)))

    def _onnx(self, folder: Path, model_path: Path, max_length: int) -> Any:
        import onnxruntime
        from tokenizers import Tokenizer

        if not (folder / "tokenizer.json").is_file():
            raise InvalidInput(f"{folder} has an ONNX model but no tokenizer.json")
        session = onnxruntime.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
        names = {i.name for i in session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=max_length)
        tokenizer.enable_padding()

        def run(texts: list[str]) -> np.ndarray:
            encoded = tokenizer.encode_batch(texts)
            feeds = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            }
            if "token_type_ids" in names:
                feeds["token_type_ids"] = np.array([e.type_ids for e in encoded], dtype=np.int64)
            logits: np.ndarray = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
            return logits

        return run

    def _torch(self, folder: Path, max_length: int) -> Any:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError:
            raise ConfigurationError(
                f"{folder} holds PyTorch weights only: export it to ONNX "
                "(model.onnx + tokenizer.json) or install groundswell[train]"
            ) from None
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(str(folder), local_files_only=True).eval()

        def run(texts: list[str]) -> np.ndarray:
            with torch.no_grad():
                batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
                logits: np.ndarray = model(**batch).logits.float().numpy()
                return logits

        return run
