"""Multi-label intent: question, complaint, praise, suggestion, lost_item, purchase_intent, other.

No public data set fits customer-care intents, so the head is trained on the hand-labelled seed set in
`enrich/data/intent_seed.jsonl`. Its features are the post's vector and its similarity to each label's
description, so the label descriptions steer the few-shot head where the seed set is thin.
"""

from __future__ import annotations

import numpy as np

from groundswell.enrich.base import Batch
from groundswell.enrich.pipeline import Resources

OTHER = "other"


def intent_features(embeddings: np.ndarray, descriptions: np.ndarray) -> np.ndarray:
    return np.hstack([embeddings, embeddings @ descriptions.T])


def decide(probabilities: np.ndarray, labels: tuple[str, ...], thresholds: np.ndarray) -> list[list[str]]:
    """Labels over their thresholds; `other` only when nothing else applies."""
    decisions = []
    for row in probabilities:
        chosen = [label for label, p, t in zip(labels, row, thresholds, strict=True) if p >= t and label != OTHER]
        decisions.append(chosen or [OTHER])
    return decisions


class IntentEnricher:
    name = "intent"
    requires: tuple[str, ...] = ()
    uses_encoder = True

    def __init__(self, resources: Resources) -> None:
        tier = resources.spec.tier
        self._head = resources.models.multilabel_head(tier, self.name)
        self._descriptions = resources.models.array(f"{tier}/intent/descriptions")
        self.version = f"1+{resources.models.version(tier)}"

    def enrich(self, batch: Batch) -> list[list[str]]:
        probabilities = self._head.probabilities(intent_features(batch.embeddings, self._descriptions))
        return decide(probabilities, self._head.labels, self._head.thresholds)
