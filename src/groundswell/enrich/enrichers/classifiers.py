"""Single-label classifiers over the tier's encoder: sentiment, emotion and offensive language.

Each result is `{"label": ..., "scores": {label: probability}}` with temperature-calibrated probabilities.
A task can be pointed at a local Hugging Face model folder instead (`PipelineSpec.model_overrides`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from groundswell.enrich.base import Batch
from groundswell.enrich.hf_model import HuggingFaceClassifier
from groundswell.enrich.pipeline import Resources

CODE_VERSION = "1"


class HeadClassifier:
    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, resources: Resources) -> None:
        override = resources.override_for(self.name)
        self._external: HuggingFaceClassifier | None = None
        if override:
            self._external = HuggingFaceClassifier(Path(override))
            self.labels = self._external.labels
            self.uses_encoder = False
            self.version = f"{CODE_VERSION}+{self._external.model_id}"
        else:
            self._head = resources.models.softmax_head(resources.spec.tier, self.name)
            self.labels = self._head.labels
            self.uses_encoder = True
            self.version = f"{CODE_VERSION}+{resources.models.version(resources.spec.tier)}"

    def enrich(self, batch: Batch) -> list[dict[str, Any]]:
        if self._external is not None:
            probabilities = self._external.probabilities(batch.texts)
        else:
            probabilities = self._head.probabilities(batch.pooled)
        return [self._result(row) for row in probabilities]

    def _result(self, row: np.ndarray) -> dict[str, Any]:
        return {
            "label": self.labels[int(row.argmax())],
            "scores": {label: round(float(p), 4) for label, p in zip(self.labels, row, strict=True)},
        }


class SentimentEnricher(HeadClassifier):
    name = "sentiment"


class EmotionEnricher(HeadClassifier):
    name = "emotion"


class OffensiveEnricher(HeadClassifier):
    name = "offensive"
