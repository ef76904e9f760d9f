"""The bundled models: where the artifacts live, what the model card says, and loading them once.

Layout of a models folder (the package's `artifacts/`, or one written by `groundswell train`):
`card.json` (the model card: labels, temperatures, training data, seed, hyper-parameters, metrics),
`encoder.onnx` + `tokenizer.json` (accurate tier), `static/` (fast tier) and `heads.npz`, whose arrays are
named `<tier>/<task>/<part>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from groundswell.enrich.base import TextEncoder
from groundswell.enrich.heads import MultiLabelHead, SoftmaxHead
from groundswell.errors import ConfigurationError, InvalidInput

BUNDLED_DIR = Path(__file__).parent / "artifacts"
TIERS = ("fast", "accurate")


def default_models_dir() -> Path:
    from groundswell.config import get_settings

    return get_settings().models_dir or BUNDLED_DIR


@dataclass
class ModelBundle:
    folder: Path
    card: dict[str, Any]
    arrays: dict[str, np.ndarray]

    @staticmethod
    def open(folder: Path | None = None) -> ModelBundle:
        return _open_bundle((folder or default_models_dir()).resolve())

    def version(self, tier: str) -> str:
        """Changes whenever the tier's encoder or any head is retrained; stored with every result."""
        return f"{self.card['version']}-{tier}"

    def encoder(self, tier: str) -> TextEncoder:
        return _encoder(self.folder, tier, self.version(tier))

    def task(self, task: str) -> dict[str, Any]:
        try:
            return dict(self.card["tasks"][task])
        except KeyError:
            raise ConfigurationError(
                f"the models in {self.folder} have no {task!r} head; run `groundswell train {task}`"
            ) from None

    def softmax_head(self, tier: str, task: str) -> SoftmaxHead:
        info = self.task(task)
        prefix = f"{tier}/{task}/"
        return SoftmaxHead(
            labels=tuple(info["labels"]),
            weight=self._array(prefix + "weight"),
            bias=self._array(prefix + "bias"),
            temperature=float(info.get("temperature", {}).get(tier, 1.0)),
        )

    def multilabel_head(self, tier: str, task: str) -> MultiLabelHead:
        info = self.task(task)
        prefix = f"{tier}/{task}/"
        return MultiLabelHead(
            labels=tuple(info["labels"]),
            weight=self._array(prefix + "weight"),
            bias=self._array(prefix + "bias"),
            thresholds=self._array(prefix + "thresholds"),
        )

    def array(self, name: str) -> np.ndarray:
        return self._array(name)

    def _array(self, name: str) -> np.ndarray:
        if name not in self.arrays:
            raise ConfigurationError(f"{self.folder / 'heads.npz'} lacks {name}; retrain with `groundswell train`")
        return self.arrays[name]


@cache
def _open_bundle(folder: Path) -> ModelBundle:
    card_path = folder / "card.json"
    if not card_path.is_file():
        raise InvalidInput(
            f"no model card at {card_path}: point --models (or GROUNDSWELL_MODELS_DIR) at a folder "
            "written by `groundswell train`"
        )
    card = json.loads(card_path.read_text("utf-8"))
    heads_path = folder / "heads.npz"
    arrays: dict[str, np.ndarray] = {}
    if heads_path.is_file():
        with np.load(heads_path) as loaded:
            arrays = {name: loaded[name] for name in loaded.files}
    return ModelBundle(folder, card, arrays)


@cache
def _encoder(folder: Path, tier: str, model_id: str) -> TextEncoder:
    """One encoder per process and tier, however many enrichers or pipelines share it."""
    from groundswell.config import get_settings
    from groundswell.enrich.encoders import OnnxEncoder, StaticEncoder

    if tier == "accurate":
        return OnnxEncoder(
            folder / "encoder.onnx",
            folder / "tokenizer.json",
            model_id=model_id,
            threads=get_settings().inference_threads,
        )
    if tier == "fast":
        return StaticEncoder(folder / "static", model_id=model_id)
    raise InvalidInput(f"unknown tier {tier!r}: choose one of {', '.join(TIERS)}")
